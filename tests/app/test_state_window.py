"""The window and saved state: bad values repaired on launch, every change on disk within a
second, an unwritable state folder reported once while the app plays on and closes cleanly."""

from __future__ import annotations

import json
import time

WAIT = 15_000


def test_nan_volume_and_duplicate_order_launch_with_a_notice(make_app, songs, tmp_path, qtbot):
    state = tmp_path / "st"
    state.mkdir()
    (state / "state.json").write_text(json.dumps({  # json writes NaN as NaN
        "queue": [str(songs[0]), str(songs[1])], "original_order": [5, 5], "current": 1,
        "position": -3, "volume": float("nan"),
        "settings": {"transition": "crossfade", "method": 7}}))
    assert "NaN" in (state / "state.json").read_text()
    app = make_app("--new-instance", state_dir=state, settings=None)
    p, w = app.player, app.window
    assert len(p.queue) == 2 and p.shuffled_from is None and not w.shuffle_btn.isChecked()
    assert abs(p.volume - 0.8) < 1e-6 and p.settings.method == "smart"
    repaired = [n for n in w.notices if n.startswith("Saved state repaired")]
    assert len(repaired) == 1 and "volume NaN" in repaired[0] and "[5, 5]" in repaired[0]
    qtbot.waitUntil(lambda: p.current is not None and p.current.title == "beta", timeout=WAIT)
    # the repaired state is written back
    qtbot.waitUntil(lambda: json.loads((state / "state.json").read_text())["volume"] == 0.8,
                    timeout=2000)
    assert not list(state.glob("state.corrupt-*"))


def test_a_json_list_is_moved_aside_with_a_notice(make_app, tmp_path):
    state = tmp_path / "st"
    state.mkdir()
    (state / "state.json").write_text("[1, 2, 3]")
    app = make_app("--new-instance", state_dir=state, settings=None)
    assert any("unreadable" in n and "moved aside" in n for n in app.window.notices)
    assert len(list(state.glob("state.corrupt-*.json"))) == 1


def test_changes_are_saved_within_a_second(make_app, songs, tmp_path, qtbot):
    state = tmp_path / "st"
    app = make_app("--new-instance", *map(str, songs[:3]), state_dir=state)
    p, w = app.player, app.window
    path = state / "state.json"
    qtbot.waitUntil(lambda: len(p.queue) == 3, timeout=WAIT)

    def saved() -> dict:
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return {}

    t = time.monotonic()
    w.now_bar.volume.setValue(35)
    qtbot.waitUntil(lambda: saved().get("volume") == 0.35, timeout=1000)
    p.remove([2])
    qtbot.waitUntil(lambda: len(saved().get("queue", [])) == 2, timeout=1000)
    assert time.monotonic() - t < 2.5
    # many changes in a row: one write per SAVE_DELAY_MS, not one per change
    before = w.last_save_ms
    for v in range(40, 60):
        w.now_bar.volume.setValue(v)
    assert w._save_timer.isActive() and w.last_save_ms == before
    qtbot.waitUntil(lambda: saved().get("volume") == 0.59, timeout=1000)


def test_unwritable_state_folder_is_reported_once(make_app, songs, tmp_path, qtbot):
    blocker = tmp_path / "file"
    blocker.write_text("")  # a folder under a regular file can never be made, even by root
    state = blocker / "state"
    app = make_app("--new-instance", *map(str, songs[:2]), state_dir=state, settings=None)
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 2, timeout=WAIT)
    for v in (30, 40, 50):
        w.now_bar.volume.setValue(v)
        qtbot.wait(600)  # each change saves (and fails) on its own
    assert w.save_state() is False
    failed = [n for n in w.notices if n.startswith("Could not save the state")]
    assert len(failed) == 1 and str(state) in failed[0] and "\n" not in failed[0]
    assert p.state == "playing"  # the app plays on
    w.close()  # the close saves (fails quietly) and still shuts the player down
    assert p.scheduler.closed
    assert len([n for n in w.notices if n.startswith("Could not save the state")]) == 1
