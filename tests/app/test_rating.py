"""Rating the join from the now-playing bar: offered while it plays and 30 s after (#12)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from smootify_player.app.rating import RATE_WINDOW_S, JoinRating
from smootify_player.library import Library

from .conftest import RULE

WAIT = 15_000


@dataclass
class Record:
    """What the widget reads of a ``JoinRecord``."""

    a_digest: str = "a"
    b_digest: str = "b"
    exit_bar: int = 8
    entry_bar: int = 0
    method: str = "smart"
    mode: str = "crossfade"
    seconds_since: float = 0.0


def test_offered_while_fresh_once_per_join(qtbot):
    r = JoinRating()
    qtbot.addWidget(r)
    r.show()
    clicks: list[tuple[int, object]] = []
    r.rated.connect(lambda v, rec: clicks.append((v, rec)))
    r.follow(None)
    assert not r.offered
    join = Record()
    r.follow(join)
    assert r.offered and r.prompt.isVisible()
    assert [b.accessibleName() for b in r.buttons] == [f"Rate {n} of 5" for n in range(1, 6)]
    assert all(b.focusPolicy() == Qt.FocusPolicy.TabFocus for b in r.buttons)
    r.follow(Record(seconds_since=RATE_WINDOW_S + 1))  # too long ago
    assert not r.offered
    r.follow(Record(seconds_since=12.0))
    assert r.offered
    QTest.mouseClick(r.buttons[1], Qt.MouseButton.LeftButton)
    assert clicks == [(2, r.record)] and not r.offered
    r.confirm(2)
    assert r.done.isVisible() and r.done.text() == "Rated 2"
    r.follow(Record(seconds_since=14.0))  # the join rated: not again
    assert not r.offered
    qtbot.waitUntil(lambda: not r.done.isVisible(), timeout=5000)
    r.follow(Record(seconds_since=15.0))
    assert not r.offered
    r.follow(Record(b_digest="c"))  # the next join
    assert r.offered
    r.buttons[4].setFocus()
    QTest.keyClick(r.buttons[4], Qt.Key.Key_Space)  # the keyboard rates too
    assert clicks[-1][0] == 5 and not r.offered
    r.follow(Record(b_digest="c", seconds_since=RATE_WINDOW_S + 5))
    r.follow(Record(b_digest="c"))  # the same songs joined again, later: a new join
    assert r.offered


def test_rate_the_join_stores_its_plan(make_app, songs, tmp_path: Path, qtbot):
    app = make_app("--new-instance", *map(str, songs[:2]), settings=RULE)
    p, w = app.player, app.window
    rating = w.now_bar.rating
    assert not rating.offered, "no join yet"
    qtbot.waitUntil(lambda: rating.offered, timeout=WAIT * 2)
    record = p.last_join()
    assert record is not None and record.seconds_since <= RATE_WINDOW_S
    assert w.library is not None and not w.library.opened  # opened by the first rating
    QTest.mouseClick(rating.buttons[3], Qt.MouseButton.LeftButton)
    assert not rating.offered
    qtbot.waitUntil(lambda: rating.done.isVisible(), timeout=WAIT)
    assert rating.done.text() == "Rated 4"
    with Library(tmp_path / "library.sqlite3") as lib:
        stored = lib.ratings.ratings()
    assert len(stored) == 1
    r = stored[0]
    assert (r.rating, r.profile, r.test) == (4, "Default", None)
    alpha, beta = p.queue[0], p.queue[1]
    plan = r.plan
    assert (plan["a_path"], plan["b_path"]) == (str(alpha.path), str(beta.path))
    assert (plan["a_digest"], plan["b_digest"]) == (alpha.song.digest, beta.song.digest)
    assert (plan["exit_bar"], plan["entry_bar"], plan["method"], plan["mode"]) == (
        record.exit_bar, record.entry_bar, record.method, record.mode)
    assert plan["mode"] == "crossfade"
