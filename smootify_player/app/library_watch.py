"""Watching the library's folders: a file added, removed or renamed asks for a rescan."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

__all__ = ["FolderWatcher", "DEBOUNCE_MS", "anchor_of"]

log = logging.getLogger("smootify.app")

#: A folder is rescanned once this long has passed without a further change in it.
DEBOUNCE_MS = 2000


def anchor_of(folder: str) -> str | None:
    """The nearest folder above ``folder`` that exists (None at the root)."""
    path = os.path.dirname(folder.rstrip(os.sep)) or os.sep
    while not os.path.isdir(path):
        up = os.path.dirname(path)
        if up == path:
            return None
        path = up
    return path if path != folder else None


class FolderWatcher(QObject):
    """Watches each library folder and its subfolders (``QFileSystemWatcher``); a change in
    any of them (a file added, removed or renamed, a subfolder made) is reported once as
    :attr:`changed` (the library folder) after :attr:`debounce_ms` without further change.

    The nearest existing folder above each library folder is watched too: the library
    folder renamed, deleted or unmounted, or back again, is a change of it (the system
    does not tell a watched folder's own move).

    Parameters
    ----------
    debounce_ms : int
        The quiet spell before a change is reported.
    parent : QObject, optional
        The owner.
    """

    #: A library folder changed on disk: rescan it.
    changed = Signal(str)

    def __init__(self, debounce_ms: int = DEBOUNCE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.debounce_ms = debounce_ms
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._dir_changed)
        self._dirs: dict[str, set[str]] = {}  # library folder -> the folders watched for it
        self._anchors: dict[str, str | None] = {}  # library folder -> the folder above watched
        self._present: dict[str, bool] = {}  # library folder -> there when last looked
        self._timers: dict[str, QTimer] = {}

    @property
    def folders(self) -> list[str]:
        """The library folders watched."""
        return list(self._dirs)

    def watched(self) -> list[str]:
        """Every folder the system watches now."""
        return list(self._watcher.directories())

    def watch(self, folder: str, dirs: Iterable[str]) -> None:
        """Watch ``folder`` through ``dirs`` (it and its subfolders, listed off the UI thread,
        see :func:`.library_scan.subfolders`); folders gone since are no longer watched."""
        wanted = set(dirs)
        old = self._dirs.get(folder, set())
        self._dirs[folder] = wanted
        self._present[folder] = os.path.isdir(folder)
        self._anchor(folder)
        self._release(old - wanted)
        new = sorted(wanted - set(self._watcher.directories()))
        if new:
            failed = self._watcher.addPaths(new)
            if failed:
                log.info("library: cannot watch %d folders (first: %s)", len(failed), failed[0])

    def _anchor(self, folder: str) -> None:
        """Watch the nearest existing folder above ``folder`` (it may have moved)."""
        anchor = anchor_of(folder)
        old = self._anchors.get(folder)
        self._anchors[folder] = anchor
        if old is not None and old != anchor:
            self._release({old})
        if anchor is not None and anchor not in self._watcher.directories():
            self._watcher.addPath(anchor)

    def _watching(self) -> set[str]:
        """Every folder some library folder needs watched (its own, the one above it)."""
        out = set().union(*self._dirs.values()) if self._dirs else set()
        return out | {a for a in self._anchors.values() if a is not None}

    def unwatch(self, folder: str) -> None:
        """Stop watching a library folder."""
        anchor = self._anchors.pop(folder, None)
        self._present.pop(folder, None)
        self._release(self._dirs.pop(folder, set()) | ({anchor} if anchor else set()))
        timer = self._timers.pop(folder, None)
        if timer is not None:
            timer.stop()
            timer.deleteLater()

    def _release(self, dirs: set[str]) -> None:
        """Unwatch ``dirs`` that no other library folder watches."""
        gone = sorted((dirs - self._watching()) & set(self._watcher.directories()))
        if gone:
            self._watcher.removePaths(gone)

    def owners(self, path: str) -> list[str]:
        """The library folders that ``path`` is, or is under."""
        return [f for f in self._dirs
                if path == f or path.startswith(f.rstrip(os.sep) + os.sep)]

    def _dir_changed(self, path: str) -> None:
        folders = self.owners(path)
        for folder, anchor in list(self._anchors.items()):
            if anchor != path:
                continue
            self._anchor(folder)  # a folder between may have come or gone
            present = os.path.isdir(folder)
            if present != self._present.get(folder):
                self._present[folder] = present
                folders.append(folder)
        for folder in dict.fromkeys(folders):
            timer = self._timers.get(folder)
            if timer is None:
                timer = self._timers[folder] = QTimer(self)
                timer.setSingleShot(True)
                timer.timeout.connect(lambda f=folder: self.changed.emit(f))
            timer.start(self.debounce_ms)  # a change restarts the wait

    def pending(self) -> list[str]:
        """The library folders whose change waits out the debounce."""
        return [f for f, t in self._timers.items() if t.isActive()]
