"""Radio in the window: the Settings choice, "Start radio" on a row, the pick's reason (#12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from smootify_player.app.settings_dialog import SettingsDialog
from smootify_player.library import Library

from .conftest import RULE

WAIT = 15_000


@pytest.fixture
def library(songs: list[Path], tmp_path: Path) -> Path:
    """The window's library database (``make_app`` opens it) with the songs scanned."""
    db = tmp_path / "library.sqlite3"
    with Library(db) as lib:
        lib.scan([songs[0].parent], workers=0)
    return db


def action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def test_settings_offer_radio_at_the_end_of_the_queue(make_app, songs, tmp_path, qtbot):
    state = tmp_path / "radio-settings"
    app = make_app("--new-instance", *map(str, songs[:2]), state_dir=state)
    w = app.window
    assert "infinite mix" in w.meta.text()
    seen = {}

    def fill() -> None:
        dlg = next(d for d in QApplication.topLevelWidgets()
                   if isinstance(d, SettingsDialog) and d.isVisible())
        combo = dlg.end_of_queue
        seen["items"] = [combo.itemText(i) for i in range(combo.count())]
        seen["before"] = combo.currentData()
        combo.setCurrentIndex(combo.findData("radio"))
        seen["repeat enabled"] = dlg.repeat.isEnabled()
        dlg.accept()

    QTimer.singleShot(200, fill)
    w.open_settings()
    assert seen["before"] == "repeat" and len(seen["items"]) == 2
    assert seen["repeat enabled"] is False, "radio overrides repeat"
    assert app.player.settings.end_of_queue == "radio"
    assert "radio after the last song" in w.meta.text()
    saved = json.loads((state / "state.json").read_text())["settings"]
    assert saved["end_of_queue"] == "radio"
    dlg = SettingsDialog(app.player.settings, w)  # opened again: radio is kept
    assert dlg.end_of_queue.currentData() == "radio" and not dlg.repeat.isEnabled()
    assert dlg.result_settings() == app.player.settings
    dlg.deleteLater()


def test_radio_plays_on_and_up_next_says_why(make_app, songs, library, qtbot):
    app = make_app("--new-instance", str(songs[0]),
                   settings={**RULE, "end_of_queue": "radio"})
    p, w = app.player, app.window
    w.show_page(0)
    qtbot.waitUntil(lambda: any(e.radio for e in p.queue), timeout=WAIT * 2)
    pick = next(e for e in p.queue if e.radio)
    assert pick.title in ("beta", "gamma", "delta") and "BPM" in pick.reason
    qtbot.waitUntil(lambda: pick.title in w.home.next.text(), timeout=WAIT)
    assert w.home.next.text() == f"Up next: {pick.title} · {pick.reason}"
    assert " → " in w.home.next.text()


def test_start_radio_from_the_row_menu(make_app, songs, library, qtbot):
    app = make_app("--new-instance", *map(str, songs[:2]), settings=RULE)
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 2, timeout=WAIT)
    menu = w.row_menu(w.model.index(1, 1))
    assert [a.text() for a in menu.actions()] == [
        "Play now (through a bridge)", "Start radio", "Remove from queue"]
    action(menu, "Start radio").trigger()
    qtbot.waitUntil(lambda: len(p.queue) == 3 and p.queue[2].radio, timeout=WAIT * 2)
    assert [e.title for e in p.queue[:2]] == ["alpha", "beta"]
    assert p.queue[2].title in ("gamma", "delta") and p.queue[2].reason
    qtbot.waitUntil(lambda: p.current is not None and p.current.title == "beta", timeout=WAIT)
    assert p.radio_on
