"""FolderWatcher: the folder above each library folder, and a drive that comes back (#12)."""

from __future__ import annotations

from pathlib import Path

import shiboken6

from smootify_player.app.library_watch import FolderWatcher, anchor_of


def test_the_anchor_is_the_nearest_folder_above_that_exists(tmp_path: Path):
    lib = tmp_path / "drive" / "music"
    lib.mkdir(parents=True)
    assert anchor_of(str(lib)) == str(tmp_path / "drive")
    assert anchor_of(str(lib) + "/") == str(tmp_path / "drive")
    (tmp_path / "drive" / "music").rmdir()
    (tmp_path / "drive").rmdir()  # the drive unmounted: its mount point gone too
    assert anchor_of(str(lib)) == str(tmp_path)
    assert anchor_of("/") is None


def test_a_drive_that_comes_back_is_a_change(qtbot, tmp_path: Path):
    drive = tmp_path / "drive"
    lib = drive / "music"
    lib.mkdir(parents=True)
    w = FolderWatcher(debounce_ms=50)
    try:
        check_drive(w, qtbot, tmp_path, drive, lib)
    finally:  # deleted here, on the UI thread (not by a collection on some other thread)
        shiboken6.delete(w)


def check_drive(w: FolderWatcher, qtbot, tmp_path: Path, drive: Path, lib: Path) -> None:
    w.watch(str(lib), [str(lib)])
    assert sorted(w.watched()) == [str(drive), str(lib)]
    lib.rmdir()
    drive.rmdir()
    with qtbot.waitSignal(w.changed, timeout=5000) as sig:
        pass
    assert sig.args == [str(lib)]
    w.watch(str(lib), [])  # the rescan found it gone: the folder above that exists
    assert w.watched() == [str(tmp_path)]
    with qtbot.waitSignal(w.changed, timeout=5000) as sig:
        lib.mkdir(parents=True)  # mounted again
    assert sig.args == [str(lib)]
    w.unwatch(str(lib))
    assert w.watched() == []
