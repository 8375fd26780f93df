"""AnalysisPool: songs parsed and analysed in a child process, out of the player's interpreter.

Parsing a MIDI file is pure Python (mido, pretty_midi): on a thread of the app it holds the
interpreter's lock most of the time, and the UI thread, which needs that lock for every
Python call it makes while painting, stalls 100-200 ms at a time while a folder of songs is
added. Here the file is read and hashed on the calling thread (identical content is
analysed once, as :meth:`Song.load` does), and only new content goes to one child process
at a low CPU priority; the calling thread waits on it without the lock. The child is
started on first use (after :data:`WARMUP_SECONDS`: the app's launch is not slowed by it)
and stops after :data:`IDLE_SECONDS` without work, so it costs memory
only while songs are being added. A child that dies is replaced, and the file it died on is
analysed on the calling thread instead.

Threads: :meth:`AnalysisPool.load` may be called from any number of background threads.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..child import init_child
from ..errors import UserFacingError, one_line
from ..music.song import Song

__all__ = ["AnalysisPool", "IDLE_SECONDS", "WARMUP_SECONDS"]

log = logging.getLogger(__name__)

#: Seconds without work after which the child process stops (started again when needed).
IDLE_SECONDS = 5.0
#: Seconds after the pool is made during which songs are analysed on the calling thread:
#: the app's launch (the first song, the soundfont) does not share the cores with a child
#: process starting up.
WARMUP_SECONDS = 5.0
#: The child's CPU priority: below the app's, so playback and the window keep their share.
CHILD_NICE = 10


class AnalysisPool:
    """Loads songs like :meth:`Song.load`, analysing new content in a child process."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS,
                 warmup_seconds: float = WARMUP_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        #: Until this time (time.monotonic) songs are analysed on the calling thread.
        self.warm_until = time.monotonic() + warmup_seconds
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0
        self._idle: threading.Timer | None = None
        self._closed = False
        self.analysed = 0  # songs analysed in a child
        self.restarts = 0  # children that died and were replaced

    def load(self, path: str | Path) -> Song:
        """:meth:`Song.load` with the analysis of new content in the child process.

        Raises
        ------
        SongError
            As :meth:`Song.load` does, with its one-line message.
        """
        return Song.load(path, analyse=self._analyse)

    def _analyse(self, data: bytes, path: Path, digest: str) -> Song:
        pool = self._acquire() if time.monotonic() >= self.warm_until else None
        if pool is None:  # warming up, or closed: analyse here
            return Song.from_bytes(data, path, digest)
        try:
            # The child imports only music.song (Song.from_bytes by reference) and child.py.
            song = pool.submit(Song.from_bytes, data, path, digest).result()
            self.analysed += 1
            song.path = path
            return song
        except UserFacingError:
            raise  # the file's own fault (SongError), said in one line
        except BrokenProcessPool:
            # The child died on this file (or was stopped): replace it, analyse here.
            log.warning("analysis process stopped while reading %s; reading it here", path.name)
            self._drop(pool)
            return Song.from_bytes(data, path, digest)
        except Exception as exc:  # noqa: BLE001 - no child can run here: analyse here
            log.warning("no analysis process (%s); songs are analysed in the app",
                        one_line(exc))
            self._disable()
            return Song.from_bytes(data, path, digest)
        finally:
            self._release()

    def _acquire(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self._closed:
                return None
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None
            if self._pool is None:
                ctx = multiprocessing.get_context("spawn")  # never fork a threaded GUI app
                self._pool = ProcessPoolExecutor(1, mp_context=ctx, initializer=init_child,
                                                 initargs=(CHILD_NICE,))
            self._busy += 1
            return self._pool

    def _release(self) -> None:
        with self._lock:
            self._busy -= 1
            if self._busy == 0 and self._pool is not None and not self._closed:
                self._idle = threading.Timer(self.idle_seconds, self._stop_if_idle)
                self._idle.daemon = True
                self._idle.start()

    def _drop(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
                self.restarts += 1
        pool.shutdown(wait=False, cancel_futures=True)

    def _disable(self) -> None:
        """Child processes cannot run here (a frozen or unguarded main module, a sandbox):
        from now on every song is analysed on the calling thread."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _stop_if_idle(self) -> None:
        with self._lock:
            if self._busy or self._pool is None:
                return
            pool, self._pool = self._pool, None
        pool.shutdown(wait=False)

    @property
    def running(self) -> bool:
        """Whether a child process is up now."""
        return self._pool is not None

    def close(self) -> None:
        """Stop the child (analyses asked for later run on the calling thread)."""
        with self._lock:
            self._closed = True
            if self._idle is not None:
                self._idle.cancel()
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
