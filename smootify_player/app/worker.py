"""The one helper for background work: a QThreadPool whose results come back by signal."""

from __future__ import annotations

import gc
import itertools
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from ..constants import URGENT_PRIORITY

__all__ = ["Worker", "Done"]

log = logging.getLogger(__name__)

#: Called on the GUI thread with (result, error); exactly one of them is meaningful.
Done = Callable[[Any, BaseException | None], None]


class _Carrier(QObject):
    """Lives on the GUI thread; its signal crosses threads as a queued connection."""

    finished = Signal(int, object, object)


class _Task(QRunnable):
    def __init__(self, token: int, fn: Callable[[], Any], carrier: _Carrier,
                 lower: bool = True) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._token, self._fn, self._carrier, self._lower = token, fn, carrier, lower

    def run(self) -> None:
        if self._lower:
            _lower_priority()
        try:
            result, error = self._fn(), None
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            result, error = None, exc
        try:
            self._carrier.finished.emit(self._token, result, error)
        except RuntimeError:  # the carrier is gone: the app is closing
            pass


def _lower_priority() -> None:
    """Give this pool thread a lower CPU priority than the GUI thread (Linux: per-thread nice)."""
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < 10:
            os.setpriority(os.PRIO_PROCESS, tid, 10)
    except (AttributeError, OSError):
        pass  # not supported here: the work still runs, at normal priority


class Worker(QObject):
    """Runs work off the UI thread and calls ``on_done(result, error)`` back on the UI thread.

    ``submit`` matches the Qt-free Player's ``run_background`` hook. Higher ``priority`` runs
    first (the next transition's plan outranks analysing songs further down the queue).
    Jobs from :data:`~smootify_player.constants.URGENT_PRIORITY` up (opening the audio, the
    song about to play, the next join) run on a thread of their own at normal CPU priority;
    the rest run at nice 10, so a busy machine starves them, not what the listener awaits
    (and a process the audio job starts keeps its normal priority).
    """

    busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._urgent = QThreadPool(self)
        self._urgent.setMaxThreadCount(1)
        self._carrier = _Carrier(self)
        self._carrier.finished.connect(self._finished)
        self._pending: dict[int, Done] = {}
        self._ids = itertools.count(1)

    def submit(self, fn: Callable[[], Any], on_done: Done, priority: int = 0) -> None:
        """Run ``fn()`` on the pool; ``on_done`` receives its result or exception."""
        token = next(self._ids)
        self._pending[token] = on_done
        if priority >= URGENT_PRIORITY:
            self._urgent.start(_Task(token, fn, self._carrier, lower=False), priority)
        else:
            self._pool.start(_Task(token, fn, self._carrier), priority)
        self.busy_changed.emit(len(self._pending))

    @Slot(int, object, object)
    def _finished(self, token: int, result: Any, error: BaseException | None) -> None:
        # What a job built (a Song holds tens of thousands of note objects) lives long; move
        # it out of the cyclic collector's reach, or every full collection walks it all and
        # freezes every thread for 100 ms or more. Reference counting still frees it.
        gc.freeze()
        on_done = self._pending.pop(token, None)
        self.busy_changed.emit(len(self._pending))
        if on_done is None:
            return
        try:
            on_done(result, error)
        except Exception:  # a bad callback must not kill the event loop
            log.exception("background callback failed")

    def shutdown(self, wait_ms: int = 3000) -> None:
        """Drop queued jobs and wait for the running one to finish."""
        for pool in (self._pool, self._urgent):
            pool.clear()
        for pool in (self._pool, self._urgent):
            pool.waitForDone(wait_ms)
        self._pending.clear()
