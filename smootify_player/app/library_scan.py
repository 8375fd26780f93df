"""Library scans and folder removals on the app's Worker: one at a time, with progress."""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from ..errors import one_line
from .library_access import LibraryAccess

__all__ = ["LibraryScanner", "SCAN_PRIORITY", "subfolders"]

#: The Worker priority of scans: below everything the player asks for (analysis, joins).
SCAN_PRIORITY = -10

Submit = Callable[[Callable[[], Any], Callable[[Any, BaseException | None], None], int], None]


def subfolders(folder: str) -> list[str]:
    """``folder`` and every folder under it (links to folders not followed), sorted.

    Parameters
    ----------
    folder : str
        A library folder.

    Returns
    -------
    list of str
        Empty when ``folder`` is not a folder (any more).
    """
    if not os.path.isdir(folder):
        return []
    out = [folder]
    for root, dirs, _files in os.walk(folder):
        dirs.sort()
        out.extend(os.path.join(root, d) for d in dirs)
    return sorted(out)


class LibraryScanner(QObject):
    """Brings library folders up to date (``Library.scan``) and removes them, in background
    jobs at low priority (the scan's own process pool analyses new songs), one operation at
    a time in the order asked, since they write the same tables.

    Nothing here touches a widget: the job reports progress through a queued signal and
    :attr:`scanned`, :attr:`removed`, :attr:`failed` are emitted on the UI thread.
    """

    #: (library folder, files analysed, files to analyse; -1: still looking for changes)
    progress = Signal(str, int, int)
    #: (library folder, ``ScanReport``, the folder and its subfolders now)
    scanned = Signal(str, object, object)
    #: A library folder was forgotten.
    removed = Signal(str)
    #: A one-line reason a scan or removal failed.
    failed = Signal(str)
    #: From the job's thread: (folder, done, total); queued to the UI thread.
    _progressed = Signal(str, int, int)

    def __init__(self, access: LibraryAccess, submit: Submit,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.access = access
        self.submit = submit
        #: Analysis processes per scan (None: every core; 0: in the job's thread).
        self.workers: int | None = None
        # ("scan" | "refresh" | "remove", folder); "refresh": a scan that forgets the files
        # gone from a folder still there (the watcher saw them go)
        self._ops: deque[tuple[str, str]] = deque()
        self._running: tuple[str, str] | None = None
        self._stop = threading.Event()  # stops the running scan
        self._closed = False
        self._progressed.connect(self._on_progress)

    @property
    def busy(self) -> bool:
        """A scan or removal is running or waiting."""
        return self._running is not None or bool(self._ops)

    @property
    def waiting(self) -> list[tuple[str, str]]:
        """The operations asked and not started: ("scan" | "refresh" | "remove", folder)."""
        return list(self._ops)

    @property
    def scanning(self) -> str | None:
        """The library folder being scanned now, if any."""
        return self._running[1] if self._running and self._running[0] != "remove" else None

    def scan(self, folder: str, forget_gone: bool = False) -> None:
        """Scan ``folder`` (added to the library when new) after what is already asked.

        Parameters
        ----------
        folder : str
            A library folder.
        forget_gone : bool
            Forget its files no longer on disk (a change the watcher saw) rather than mark
            them missing; only while the folder itself is there (a drive unmounted keeps
            its files, marked missing).
        """
        op = ("refresh" if forget_gone else "scan", folder)
        if op not in self._ops:
            self._ops.append(op)
        self._next()

    def remove(self, folder: str) -> None:
        """Forget ``folder``: its waiting scans are dropped, its running one stopped."""
        self._ops = deque(op for op in self._ops if op[1] != folder)
        if self._running is not None and self._running[1] == folder:
            self._stop.set()
        self._ops.append(("remove", folder))
        self._next()

    def stop(self) -> None:
        """Drop what waits and stop the running scan (the app is closing)."""
        self._closed = True
        self._ops.clear()
        self._stop.set()

    def _next(self) -> None:
        if self._running is not None or not self._ops or self._closed:
            return
        op = self._running = self._ops.popleft()
        self._stop = stop = threading.Event()
        access, workers, kind, folder = self.access, self.workers, op[0], op[1]
        tell = self._progressed

        def progress(done: int, total: int) -> None:
            try:
                tell.emit(folder, done, total)
            except RuntimeError:  # the scanner is gone: the app is closing
                stop.set()

        def job() -> Any:
            lib = access.library()
            if kind == "remove":
                lib.remove_folder(folder)
                return None
            report = lib.scan([folder], progress=progress, workers=workers,
                              should_stop=stop.is_set)
            if kind == "refresh" and os.path.isdir(folder):
                lib.forget_missing([folder])
            return report, subfolders(folder)

        self.progress.emit(folder, 0, -1)
        self.submit(job, lambda result, error: self._done(op, result, error), SCAN_PRIORITY)

    def _done(self, op: tuple[str, str], result: Any, error: BaseException | None) -> None:
        self._running = None
        kind, folder = op
        if error is not None:
            self.failed.emit(one_line(error))
        elif kind == "remove":
            self.removed.emit(folder)
        else:
            self.scanned.emit(folder, result[0], result[1])
        self._next()

    @Slot(str, int, int)
    def _on_progress(self, folder: str, done: int, total: int) -> None:
        if self.scanning == folder:
            self.progress.emit(folder, done, total)
