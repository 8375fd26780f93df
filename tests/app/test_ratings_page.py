"""The listening test and the join-ratings page: MOS ± SD per method and mode, CSV (#12)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from smootify_player.library import Library

from .conftest import RULE

WAIT = 15_000


def plan(method: str, mode: str, a: str = "a") -> dict:
    return {"a_path": f"/m/{a}.mid", "a_digest": a * 8, "b_path": "/m/b.mid",
            "b_digest": "b" * 8, "exit_bar": 8, "entry_bar": 1, "method": method, "mode": mode}


@pytest.fixture
def rated(tmp_path: Path) -> Path:
    """The window's library database with five ratings (one in a listening test)."""
    db = tmp_path / "library.sqlite3"
    with Library(db) as lib:
        r = lib.ratings
        r.rate(4, plan("smart", "crossfade"))
        r.rate(5, plan("smart", "crossfade"), profile="Ann")
        r.rate(3, plan("smart", "unet"))
        r.rate(2, plan("dtw", "crossfade"))
        r.rate(4, plan("dtw", "crossfade"), test="t1")
    return db


def table(page) -> list[list[str]]:
    t = page.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_results_page_shows_mos_per_method_and_mode(make_app, rated, tmp_path, qtbot):
    app = make_app("--new-instance")
    w = app.window
    page = w.ratings_page
    QTest.mouseClick(w.sidebar.nav_ratings, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is page
    qtbot.waitUntil(lambda: page.loads >= 1, timeout=WAIT)
    assert table(page) == [
        ["DTW", "crossfade", "3.00", "1.41", "2"],
        ["Smart", "crossfade", "4.50", "0.71", "2"],
        ["Smart", "AI bridge", "3.00", "0.00", "1"],
        ["DTW", "All", "3.00", "1.41", "2"],
        ["Smart", "All", "4.00", "1.00", "3"],
        ["All", "crossfade", "3.75", "1.26", "4"],
        ["All", "AI bridge", "3.00", "0.00", "1"],
        ["All", "All", "3.60", "1.14", "5"],
    ]
    chart = page.chart
    assert [(m, j, mos, n) for m, j, mos, _sd, n in chart.rows] == [
        ("DTW", "crossfade", 3.0, 2), ("Smart", "crossfade", 4.5, 2),
        ("Smart", "AI bridge", 3.0, 1)]
    chart.grab()  # paints: one bar a row, as long as its score
    assert len(chart.bars) == 3
    assert chart.bars[1].width() == pytest.approx(chart.bars[0].width() * 1.5, rel=0.02)
    assert "5 ratings" in page.meta.text()
    # only the listening tests' ratings
    loads = page.loads
    page.which.setCurrentIndex(page.which.findData("tests"))
    qtbot.waitUntil(lambda: page.loads > loads, timeout=WAIT)
    assert table(page)[-1] == ["All", "All", "4.00", "0.00", "1"]
    # the CSV export: every rating the filter lets through, with its plan
    page.which.setCurrentIndex(page.which.findData("all"))
    out = tmp_path / "ratings"
    page.export_csv(out)
    qtbot.waitUntil(lambda: any("exported" in n for n in w.notices), timeout=WAIT)
    rows = list(csv.DictReader((tmp_path / "ratings.csv").open(encoding="utf-8")))
    assert [r["rating"] for r in rows] == ["4", "5", "3", "2", "4"]
    assert rows[1]["profile"] == "Ann" and rows[4]["test"] == "t1"
    assert any(n == "5 ratings exported to ratings.csv" for n in w.notices)


def test_empty_results_say_so(make_app, qtbot):
    app = make_app("--new-instance")
    w = app.window
    page = w.ratings_page
    w.show_page(2)
    qtbot.waitUntil(lambda: page.loads >= 1, timeout=WAIT)
    assert page.table.rowCount() == 0 and page.chart.rows == []
    assert "0 ratings" in page.meta.text()
    page.chart.grab()


def test_listening_test_hides_the_join_and_tags_its_ratings(make_app, songs, tmp_path,
                                                             qtbot):
    app = make_app("--new-instance", *map(str, songs[:3]), settings=RULE, speed=8)
    p, w = app.player, app.window
    btn = w.test_btn
    assert btn.text() == "Start listening test"
    QTest.mouseClick(btn, Qt.MouseButton.LeftButton)
    test = p.listening_test
    assert test is not None and btn.text() == "Stop listening test"
    assert any("Listening test started" in n for n in w.notices)
    assert test.name in w.ratings_page.meta.text()
    bar = w.now_bar
    qtbot.waitUntil(lambda: bar.rating.offered and p.now_playing().in_bridge, timeout=WAIT * 2)
    assert bar.subtitle.text() == "Join", "the kind of join is hidden"
    QTest.mouseClick(bar.rating.buttons[2], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.rating.done.isVisible(), timeout=WAIT)
    with Library(tmp_path / "library.sqlite3") as lib:
        (r,) = lib.ratings.ratings()
    assert (r.rating, r.test) == (3, test.name)
    assert r.plan["mode"] in ("unet", "rule", "crossfade")
    QTest.mouseClick(btn, Qt.MouseButton.LeftButton)
    assert p.listening_test is None and btn.text() == "Start listening test"
    assert "no listening test running" in w.ratings_page.meta.text()
