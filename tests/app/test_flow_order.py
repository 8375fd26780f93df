""""Order for smooth flow" on the queue page: a cheaper order, its notice, Undo (#12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from midi_factory import write_song
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from smootify_player.library import order_songs

from .conftest import RULE

WAIT = 30_000
COST = re.compile(r"^Transition cost (\d+\.\d\d) → (\d+\.\d\d) \(−(\d+) %\)$")


def test_order_for_smooth_flow_lowers_the_cost_and_undo_restores(make_app, tmp_path: Path,
                                                                  qtbot):
    d = tmp_path / "flow"
    d.mkdir()
    # keys and tempi that swing back and forth: the queue's order is a rough ride
    shapes = (("c80", 0, 80), ("fs160", 6, 160), ("db84", 1, 84), ("g152", 7, 152),
              ("d88", 2, 88), ("ab148", 8, 148))
    paths = [write_song(d / f"{name}.mid", bars=8, tempo=tempo, tonic=tonic, seed=i)
             for i, (name, tonic, tempo) in enumerate(shapes)]
    broken = d / "broken.mid"
    broken.write_bytes(b"not a MIDI file")
    app = make_app("--new-instance", *map(str, paths), speed=1.0, settings=RULE)
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: len(p.queue) == 6 and p.state == "playing", timeout=WAIT)
    p.add([broken], at=2)  # a song that is never analysed keeps its place after the others
    qtbot.waitUntil(lambda: all(e.status in ("ready", "failed") for e in p.queue),
                    timeout=WAIT)
    before = [e.title for e in p.queue]
    assert before == ["c80", "fs160", "broken", "db84", "g152", "d88", "ab148"]
    playing = p.current
    assert playing is p.queue[0]
    w.show_page(1)
    QTest.mouseClick(w.queue_page.order_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(COST.match(n) for n in w.notices), timeout=WAIT)
    text = next(n for n in w.notices if COST.match(n))
    m = COST.match(text)
    assert m is not None
    cost_before, cost_after, percent = float(m[1]), float(m[2]), int(m[3])
    after = [e.title for e in p.queue]
    assert after != before and sorted(after) == sorted(before)
    assert after[0] == "c80" and p.queue[0] is playing, "the song playing stays first"
    assert after[-1] == "broken"
    assert cost_after < cost_before
    assert percent == round((cost_before - cost_after) / cost_before * 100)
    # the costs are those of the analysed songs in the old and the new order
    old_songs = [e.song for e in sorted(p.queue, key=lambda e: before.index(e.title)) if e.song]
    new_songs = [e.song for e in p.queue if e.song]
    assert order_songs(old_songs, budget_s=0).cost_before == \
        pytest.approx(cost_before, abs=0.006)
    assert order_songs(new_songs, budget_s=0).cost_before == \
        pytest.approx(cost_after, abs=0.006)
    # the rows moved in one queue change; the table shows the new order
    assert [w.model.data(w.model.index(r, 1)) for r in range(7)] == after
    assert p.state == "playing" and p.current is playing
    # the notice's Undo puts the old order back
    qtbot.waitUntil(lambda: w.notice_label.current == text, timeout=WAIT)
    assert "Undo" in w.notice_label.text()
    w.notice_label.linkActivated.emit("action")
    assert [e.title for e in p.queue] == before
    assert not w.flow_order.can_undo
    # ordered again: already smooth the second time round
    QTest.mouseClick(w.queue_page.order_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [n for n in w.notices if COST.match(n)] != [text], timeout=WAIT)
    again = [e.title for e in p.queue]
    # Ctrl+Z undoes the latest of Clear and ordering: here the ordering
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e.title for e in p.queue] == before
    qtbot.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing left
    assert [e.title for e in p.queue] == before
    n = len(w.notices)
    QTest.mouseClick(w.queue_page.order_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(w.notices) > n and bool(COST.match(w.notices[-1])),
                    timeout=WAIT)
    assert [e.title for e in p.queue] == again
    QTest.mouseClick(w.queue_page.order_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("already flows" in n for n in w.notices), timeout=WAIT)
    assert [e.title for e in p.queue] == again
    # a shuffled queue: ordering replaces the shuffle, Undo brings it back
    w.shuffle_btn.click()
    shuffled = [e.title for e in p.queue]
    assert p.shuffled_from is not None and w.shuffle_btn.isChecked()
    n = len(w.notices)
    w.order_for_flow()
    qtbot.waitUntil(lambda: len(w.notices) > n, timeout=WAIT)
    if COST.match(w.notices[-1]):  # (the shuffle may have kept the smoothest order)
        assert p.shuffled_from is None and not w.shuffle_btn.isChecked()
        w.undo_order()
        assert [e.title for e in p.queue] == shuffled
        assert p.shuffled_from is not None and w.shuffle_btn.isChecked()
        w.shuffle_btn.click()  # off: the order before the shuffle
        assert [e.title for e in p.queue] == again


def test_order_needs_three_analysed_songs(make_app, songs, qtbot):
    app = make_app("--new-instance", *map(str, songs[:2]), settings=RULE)
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: len(p.queue) == 2, timeout=WAIT)
    w.order_for_flow()
    assert w.notices[-1] == "Order for smooth flow needs at least 3 analysed songs"
    assert [e.title for e in p.queue] == ["alpha", "beta"]
