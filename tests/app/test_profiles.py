""""Who's listening?": the listener picker, its new listeners and their ratings (#12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from smootify_player.library import Library
from smootify_player.player import PlayerSettings

WAIT = 15_000
PLAN = {"a_path": "/m/a.mid", "a_digest": "aa", "b_path": "/m/b.mid", "b_digest": "bb",
        "exit_bar": 8, "entry_bar": 1, "method": "smart", "mode": "crossfade"}


def names(dlg) -> list[str]:
    return [dlg.list.item(i).text() for i in range(dlg.list.count())]


def test_the_default_listener_is_named_in_korean(korean, qtbot):
    from smootify_player.app.profiles import ProfileDialog

    dlg = ProfileDialog([("Default", "#ff7f50"), ("Ann", "#123456")], None)
    qtbot.addWidget(dlg)
    assert names(dlg) == ["기본", "Ann"] and dlg.windowTitle() == "누가 듣고 있나요?"
    assert dlg.chosen() == ("Default", "#ff7f50")  # the profile's own name is stored
    dlg.select("Ann")
    assert dlg.chosen() == ("Ann", "#123456")


def test_several_listeners_are_asked_who_is_listening(make_app, tmp_path: Path, qtbot):
    with Library(tmp_path / "library.sqlite3") as lib:
        lib.ratings.add_profile("Ann", "#123456")
        lib.ratings.add_profile("Bo", "#abcdef")
    state = tmp_path / "st"
    app = make_app("--new-instance", state_dir=state)
    w = app.window
    qtbot.waitUntil(lambda: w.profile_dialog is not None and w.profile_dialog.isVisible(),
                    timeout=WAIT)
    dlg = w.profile_dialog
    assert dlg.windowTitle() == "Who's listening?" and names(dlg) == ["Ann", "Bo"]
    dlg.select("bo")
    dlg.accept()
    qtbot.waitUntil(lambda: w.profile == "Bo", timeout=WAIT)
    assert w.sidebar.listener.text() == "Listener: Bo"
    w.rate_join(5, PLAN)
    qtbot.waitUntil(lambda: w.now_bar.rating.done.isVisible(), timeout=WAIT)
    with Library(tmp_path / "library.sqlite3") as lib:
        (r,) = lib.ratings.ratings()
    assert (r.profile, r.colour, r.rating) == ("Bo", "#abcdef", 5)
    w.close()
    assert json.loads((state / "state.json").read_text())["profile"] == "Bo"
    again = make_app("--new-instance", state_dir=state, settings=None)
    assert again.window.profile == "Bo"
    assert again.window.sidebar.listener.text() == "Listener: Bo"


def test_one_listener_is_not_asked_and_adds_another(make_app, tmp_path: Path, qtbot):
    app = make_app("--new-instance")
    w = app.window
    qtbot.wait(200)
    assert w.profile_dialog is None, "no library yet: nobody to choose from"
    assert w.sidebar.listener.text() == "Listener: Default"
    QTest.mouseClick(w.sidebar.listener, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.profile_dialog is not None and w.profile_dialog.isVisible(),
                    timeout=WAIT)
    dlg = w.profile_dialog
    assert names(dlg) == ["Default"]
    QTest.keyClicks(dlg.name, "  Cy   Twain ")
    dlg.set_colour("#00ff00")
    QTest.mouseClick(dlg.add_btn, Qt.MouseButton.LeftButton)
    assert names(dlg) == ["Default", "Cy Twain"] and dlg.chosen() == ("Cy Twain", "#00ff00")
    QTest.keyClicks(dlg.name, "default")  # a name listed already: chosen, not added twice
    QTest.keyClick(dlg.name, Qt.Key.Key_Return)
    assert dlg.isVisible() and dlg.chosen()[0] == "Default"
    dlg.select("Cy Twain")
    dlg.accept()
    qtbot.waitUntil(lambda: w.profile == "Cy Twain", timeout=WAIT)
    with Library(tmp_path / "library.sqlite3") as lib:
        assert [(p.name, p.colour) for p in lib.ratings.profiles()] == [
            ("Cy Twain", "#00ff00")]


def test_each_listener_has_a_queue_and_settings_of_their_own(make_app, songs, tmp_path: Path,
                                                              qtbot):
    state = tmp_path / "st"
    app = make_app("--new-instance", *map(str, songs[:3]), state_dir=state)
    w, p = app.window, app.player
    qtbot.waitUntil(lambda: len(p.queue) == 3, timeout=WAIT)
    w.now_bar.volume.setValue(60)
    w.set_profile("Bo", "#abcdef")  # a listener with no session takes the queue as it is
    assert [e.path for e in p.queue] == songs[:3] and w.profile == "Bo"
    p.remove([0])
    w.now_bar.volume.setValue(30)
    settings = PlayerSettings.from_dict(p.settings.to_dict())
    settings.transition = "cut"
    p.apply_settings(settings)
    w.set_profile(None)  # back to the default listener: their queue, volume and settings
    qtbot.waitUntil(lambda: len(p.queue) == 3, timeout=WAIT)
    assert [e.path for e in p.queue] == songs[:3]
    assert p.volume == pytest.approx(0.6) and p.settings.transition != "cut"
    w.set_profile("Bo", "#abcdef")
    qtbot.waitUntil(lambda: len(p.queue) == 2, timeout=WAIT)
    assert [e.path for e in p.queue] == songs[1:3]
    assert p.volume == pytest.approx(0.3) and p.settings.transition == "cut"
    w.close()
    again = make_app("--new-instance", state_dir=state, settings=None)
    qtbot.waitUntil(lambda: len(again.player.queue) == 2, timeout=WAIT)
    assert again.window.profile == "Bo" and again.player.settings.transition == "cut"


def test_a_listening_test_belongs_to_its_listener_and_survives_a_restart(make_app, songs,
                                                                         tmp_path: Path,
                                                                         qtbot):
    state = tmp_path / "st"
    app = make_app("--new-instance", *map(str, songs[:3]), state_dir=state, speed=8)
    w, p = app.window, app.player
    QTest.mouseClick(w.test_btn, Qt.MouseButton.LeftButton)
    test = p.listening_test
    assert test is not None
    qtbot.waitUntil(lambda: p.listening_test_done >= 1, timeout=WAIT * 2)
    w.set_profile("Bo", "#abcdef")  # another listener: not their test
    assert p.listening_test is None and w.test_btn.text() == "Start listening test"
    w.set_profile(None)  # back: the test goes on where it was
    assert p.listening_test == test and w.test_btn.text() == "Stop listening test"
    done = p.listening_test_done
    assert done >= 1
    w.close()
    saved = json.loads((state / "state.json").read_text())["listening_test"]
    assert saved["seed"] == test.seed and saved["name"] == test.name
    again = make_app("--new-instance", state_dir=state, settings=None)
    w2, p2 = again.window, again.player
    assert p2.listening_test == test and p2.listening_test_done == saved["done"] >= done
    assert w2.test_btn.text() == "Stop listening test"
    assert test.name in w2.ratings_page.meta.text()
    QTest.mouseClick(w2.test_btn, Qt.MouseButton.LeftButton)
    assert p2.listening_test is None
    w2.close()
    assert json.loads((state / "state.json").read_text())["listening_test"] is None


def test_listeners_are_renamed_and_deleted_with_their_ratings_and_queue(
        make_app, songs, tmp_path: Path, qtbot, monkeypatch: pytest.MonkeyPatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    with Library(tmp_path / "library.sqlite3") as lib:
        lib.ratings.add_profile("Ann", "#123456")
        lib.ratings.add_profile("Bo", "#abcdef")
        lib.ratings.rate(4, PLAN, profile="Ann")
        lib.ratings.rate(2, PLAN, profile="Bo")
    state = tmp_path / "st"
    app = make_app("--new-instance", *map(str, songs[:3]), state_dir=state)
    w, p = app.window, app.player
    qtbot.waitUntil(lambda: w.profile_dialog is not None and w.profile_dialog.isVisible(),
                    timeout=WAIT)
    w.profile_dialog.select("Ann")
    w.profile_dialog.accept()
    qtbot.waitUntil(lambda: w.profile == "Ann" and len(p.queue) == 3, timeout=WAIT)
    w.set_profile("Bo", "#abcdef")  # Ann's queue is kept for her
    p.remove([0])
    first = w.profile_dialog
    w.choose_listener()
    qtbot.waitUntil(lambda: w.profile_dialog is not first, timeout=WAIT)
    dlg = w.profile_dialog
    dlg.select("Ann")
    assert dlg.rename_btn.isEnabled()
    assert not dlg.rename_listener(" BO ")
    assert dlg.problem.isVisible() and dlg.problem.text() == "A listener called Bo already exists"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  Annie ", True))
    QTest.mouseClick(dlg.rename_btn, Qt.MouseButton.LeftButton)
    assert names(dlg) == ["Annie", "Bo"] and not dlg.problem.isVisible()
    dlg.select("Bo")  # the listener now: deleted, after a question
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    QTest.mouseClick(dlg.delete_btn, Qt.MouseButton.LeftButton)
    assert names(dlg) == ["Annie", "Default"] and dlg.chosen()[0] == "Default"
    assert not dlg.rename_btn.isEnabled() and not dlg.delete_btn.isEnabled()
    assert not dlg.delete_listener()
    assert dlg.changes == [("rename", "Ann", "Annie"), ("delete", "Bo", "")]
    dlg.accept()
    qtbot.waitUntil(lambda: w.profile is None, timeout=WAIT)
    assert w.sidebar.listener.text() == "Listener: Default"
    with Library(tmp_path / "library.sqlite3") as lib:
        assert sorted(x.name for x in lib.ratings.profiles()) == ["Annie", "Default"]
        assert [(r.profile, r.rating) for r in lib.ratings.ratings()] == [("Annie", 4)]
    assert not w.store.for_listener("Bo").folder.exists()
    w.set_profile("Annie", "#123456")  # Ann's queue came with her new name
    qtbot.waitUntil(lambda: len(p.queue) == 3, timeout=WAIT)
    assert [e.path for e in p.queue] == songs[:3]
