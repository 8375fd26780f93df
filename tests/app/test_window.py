"""The desktop window end to end: drops, double-click, shuffle, bridges, state, keys."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from smootify_player.app.main import DEMO_DIR
from smootify_player.app.single import server_name
from smootify_player.app.widgets import fmt_time

from .conftest import RULE

WAIT = 15_000


def drop(widget, paths: list[Path]) -> None:
    """A real drag-enter + drop of ``paths`` as file URLs onto ``widget``."""
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, md,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    ev = QDropEvent(pos, Qt.DropAction.CopyAction, md, Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, ev)


def titles(player) -> list[str]:
    return [e.title for e in player.queue]


def test_window_builds_with_demo_playlist(make_app):
    app = make_app("--new-instance", settings=None)
    w = app.window
    assert w.windowTitle() == "Smootify"
    assert (w.width(), w.height()) == (1280, 800)
    assert w.play_pill.text() == "PLAY" and w.shuffle_pill.text() == "SHUFFLE PLAY"
    assert len(app.player.queue) == len(list(DEMO_DIR.glob("*.mid"))) > 0
    assert any("demo playlist" in n for n in w.notices)


def test_drop_files_folder_and_playlist(make_app, songs, tmp_path, qtbot):
    app = make_app("--new-instance")
    app.player.clear()
    m3u = tmp_path / "list.m3u8"
    m3u.write_text("#EXTM3U\n" + "\n".join(p.name for p in songs[2:]) + "\n")
    m3u = m3u.rename(songs[0].parent / "list.m3u8")
    drop(app.window, [songs[0], songs[1]])
    qtbot.waitUntil(lambda: len(app.player.queue) == 2, timeout=WAIT)
    drop(app.window, [m3u])
    qtbot.waitUntil(lambda: len(app.player.queue) == 4, timeout=WAIT)
    assert titles(app.player) == ["alpha", "beta", "gamma", "delta"]
    assert all(e.status == "ready" for e in app.player.queue)
    # a folder, dropped on the table between rows, goes where it was dropped
    app.player.clear()
    drop(app.window, [songs[0].parent])
    qtbot.waitUntil(lambda: len(app.player.queue) == 4, timeout=WAIT)
    assert sorted(titles(app.player)) == ["alpha", "beta", "delta", "gamma"]


def test_bad_drops_are_rejected_with_a_notice(make_app, songs, tmp_path, qtbot):
    app = make_app("--new-instance")
    app.player.clear()
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd\x00\x00\x00\x06garbage")
    drop(app.window, [text, broken, songs[0]])
    qtbot.waitUntil(lambda: len(app.player.queue) == 1, timeout=WAIT)
    notices = app.window.notices
    assert any("notes.txt" in n and "not a MIDI file" in n for n in notices)
    assert any("broken.mid" in n for n in notices)
    assert all("\n" not in n for n in notices)
    assert titles(app.player) == ["alpha"]


def test_bridge_card_reads_a_plus_b(make_app, songs, qtbot):
    app = make_app("--new-instance", *map(str, songs[:3]), settings=RULE)
    p, bar = app.player, app.window.now_bar
    qtbot.waitUntil(lambda: p.state == "playing", timeout=WAIT)
    assert p.current.title == "alpha"
    qtbot.waitUntil(lambda: " + " in bar.title.text(), timeout=WAIT * 2)
    assert bar.title.text() == "alpha + beta"
    assert bar.seek.marks, "the bridge is marked on the seek bar"
    qtbot.waitUntil(lambda: bar.title.text() == "beta", timeout=WAIT)
    assert p.current.title == "beta"
    assert p.scheduler.fallbacks == 0, "the worker's plan was ready in time"
    assert p.scheduler.joins_done >= 1


def test_the_seek_bar_counts_the_songs_own_time(make_app, songs, tmp_path, qtbot):
    """The total is the song's length with its next join planned (A cut at its exit bar),
    and the elapsed time shown at quit is where the next launch resumes."""
    state = tmp_path / "st"
    app = make_app("--new-instance", *map(str, songs[:2]), state_dir=state, settings=RULE)
    p, bar = app.player, app.window.now_bar
    qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 2, timeout=WAIT)
    alpha, beta = (e.song for e in p.queue)
    qtbot.waitUntil(lambda: len(p.timeline.segments) == 3, timeout=WAIT)  # alpha's join
    assert p.timeline.segments[0].to_bar < alpha.n_bars  # alpha is cut at its exit bar
    qtbot.waitUntil(lambda: bar.title.text() == "alpha", timeout=WAIT)
    assert bar.total.text() == fmt_time(alpha.duration)
    assert bar.seek.maximum() == int(alpha.duration * 1000)
    qtbot.waitUntil(lambda: bar.title.text() == "beta" and p.current.title == "beta",
                    timeout=WAIT)
    qtbot.wait(300)
    p.pause()
    qtbot.wait(100)  # a tick or two
    shown = p.now_playing()
    assert bar.total.text() == fmt_time(beta.duration)
    assert bar.elapsed.text() == fmt_time(shown.position)
    assert p.snapshot()["position"] == pytest.approx(shown.position, abs=1e-6)
    app.window.close()
    app2 = make_app("--new-instance", state_dir=state, settings=None)
    p2 = app2.player
    qtbot.waitUntil(lambda: p2.state == "paused", timeout=WAIT)
    assert p2.now_playing().position == pytest.approx(shown.position, abs=0.01)


def test_double_click_plays_through_a_bridge(make_app, songs, qtbot):
    app = make_app("--new-instance", *map(str, songs), settings=RULE)
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 4, timeout=WAIT)
    table = w.table
    rect = table.visualRect(w.model.index(2, 1))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: w.now_bar.title.text() == "alpha + gamma", timeout=WAIT)
    qtbot.waitUntil(lambda: p.current is not None and p.current.title == "gamma", timeout=WAIT)


def test_next_mixes_now(make_app, songs, qtbot):
    app = make_app("--new-instance", *map(str, songs[:2]), settings=RULE)
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 2, timeout=WAIT)
    start = p.position_seconds()
    QTest.keyClick(w, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.now_bar.title.text() == "alpha + beta", timeout=WAIT)
    # the bridge started within a couple of bars (a bar is 1.33 s at 180 BPM)
    assert p.position_seconds() - start < 5.0


def test_shuffle_reorders_and_restores(make_app, songs, qtbot):
    app = make_app("--new-instance", *map(str, songs))
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: len(p.queue) == 4, timeout=WAIT)
    original = titles(p)
    for _ in range(10):
        QTest.mouseClick(w.shuffle_pill, Qt.MouseButton.LeftButton)
        if titles(p) != original:
            break
    assert sorted(titles(p)) == sorted(original) and titles(p) != original
    assert w.shuffle_btn.isChecked()
    assert w.model.index(0, 1).data() == titles(p)[0], "the visible table follows"
    QTest.mouseClick(w.shuffle_btn, Qt.MouseButton.LeftButton)
    assert titles(p) == original


def test_state_saved_and_restored(make_app, songs, tmp_path, qtbot):
    state = tmp_path / "st"
    app = make_app("--new-instance", *map(str, songs[:3]), state_dir=state)
    p = app.player
    qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 3, timeout=WAIT)
    p.set_volume(0.35)
    s = p.settings
    s.transition, s.method, s.repeat = "cut", "jsd", False
    qtbot.wait(300)
    app.window.close()
    saved = json.loads((state / "state.json").read_text())
    assert saved["queue"] == [str(x) for x in songs[:3]]
    app2 = make_app("--new-instance", state_dir=state, settings=None)
    p2 = app2.player
    assert [str(e.path) for e in p2.queue] == saved["queue"]
    assert abs(p2.volume - 0.35) < 1e-6
    assert (p2.settings.transition, p2.settings.method, p2.settings.repeat) == ("cut", "jsd",
                                                                               False)
    assert p2.current is not None and p2.current.title == p.current.title
    qtbot.waitUntil(lambda: p2.state == "paused", timeout=WAIT)
    assert p2.position_seconds() > 0 or saved["position"] < 0.5


def test_corrupt_state_is_moved_aside(make_app, tmp_path):
    state = tmp_path / "bad"
    state.mkdir()
    (state / "state.json").write_text("{ not json")
    app = make_app("--new-instance", state_dir=state, settings=None)
    assert any("unreadable" in n for n in app.window.notices)
    assert list(state.glob("state.corrupt-*.json"))
    assert len(app.player.queue) > 0  # the demo playlist instead


def test_keys_space_and_delete(make_app, songs, qtbot):
    app = make_app("--new-instance", *map(str, songs[:3]))
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 3, timeout=WAIT)
    QTest.keyClick(w, Qt.Key.Key_Space)
    assert p.state == "paused"
    QTest.keyClick(w, Qt.Key.Key_Space)
    assert p.state == "playing"
    w.table.selectRow(2)
    QTest.keyClick(w.table, Qt.Key.Key_Delete)
    assert titles(p) == ["alpha", "beta"]


def test_reorder_by_dragging_rows_and_export(make_app, songs, tmp_path, qtbot):
    app = make_app("--new-instance", *map(str, songs[:3]))
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: len(p.queue) == 3, timeout=WAIT)
    md = w.model.mimeData([w.model.index(2, 0)])
    w.model.dropMimeData(md, Qt.DropAction.MoveAction, 0, 0, w.model.index(-1, -1))
    assert titles(p) == ["gamma", "alpha", "beta"]
    out = tmp_path / "q.m3u8"
    w.export_queue(out)
    lines = [x for x in out.read_text().splitlines() if x and not x.startswith("#")]
    assert [Path(x).stem for x in lines] == ["gamma", "alpha", "beta"]


def test_second_launch_hands_files_over(make_app, songs, tmp_path, qtbot):
    state = tmp_path / "single"
    app = make_app(state_dir=state)
    assert app.server is not None and app.server.listening
    n = len(app.player.queue)
    code = ("import sys; from smootify_player.app.single import send_to_running; "
            f"sys.exit(0 if send_to_running({server_name(state)!r}, [{str(songs[3])!r}]) "
            "else 1)")
    proc = subprocess.Popen([sys.executable, "-c", code])
    qtbot.waitUntil(lambda: proc.poll() is not None and len(app.player.queue) == n + 1,
                    timeout=WAIT)
    assert proc.returncode == 0
    assert app.player.queue[-1].title == "delta"


def test_settings_dialog_applies_and_stores(make_app, songs, tmp_path, qtbot):
    from PySide6.QtCore import QTimer

    from smootify_player.app.settings_dialog import SettingsDialog

    state = tmp_path / "settings"
    app = make_app("--new-instance", *map(str, songs[:2]), state_dir=state)
    w = app.window

    def fill() -> None:
        dlg = next(d for d in QApplication.topLevelWidgets()
                   if isinstance(d, SettingsDialog) and d.isVisible())
        dlg.transition.setCurrentIndex(dlg.transition.findData("cut"))
        dlg.method.setCurrentIndex(dlg.method.findData("dtw"))
        dlg.full_songs.setChecked(True)
        assert not dlg.notify.isChecked()  # notifications are off by default
        dlg.notify.setChecked(True)
        dlg.accept()

    QTimer.singleShot(200, fill)
    w.open_settings()
    s = app.player.settings
    assert (s.transition, s.method, s.full_songs) == ("cut", "dtw", True)
    saved = json.loads((state / "state.json").read_text())["settings"]
    assert saved["transition"] == "cut" and saved["full_songs"] is True
    assert s.notify is True and saved["notify"] is True


def test_ai_bridge_plays_in_process(make_app, songs, qtbot):
    """The model composes in the app's process with numpy (no torch: tests/model)."""
    from smootify_player.composers import ProcessComposer

    app = make_app("--new-instance", *map(str, songs[:2]), settings={"transition": "ai"},
                   speed=4)
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: p.composers.built("unet") is not None, timeout=WAIT * 2)
    comp = p.composers.built("unet")
    assert comp.name == "unet" and not isinstance(comp, ProcessComposer)
    qtbot.waitUntil(lambda: w.now_bar.title.text() == "alpha + beta", timeout=WAIT * 2)


def test_demo_flag_replaces_the_saved_queue(make_app, songs, tmp_path):
    state = tmp_path / "demo"
    state.mkdir()
    (state / "state.json").write_text(json.dumps({"queue": [str(songs[0])], "current": 0}))
    app = make_app("--new-instance", "--demo", state_dir=state, settings=None)
    assert [e.path.name for e in app.player.queue] == sorted(
        p.name for p in DEMO_DIR.glob("*.mid"))
