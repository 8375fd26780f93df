"""SongLoader: the one pipeline that loads and analyses songs off the owner's thread.

Both ways a song reaches the player go through it: a queue entry waiting for its analysis
(:meth:`SongLoader.analyse`, what plays next first) and a batch of files being added
(:meth:`SongLoader.add_batch`: expanded, then loaded in chunks handed over in order, broken
ones left out with a notice). Every load is :meth:`Song.load`, which keeps
analyses by content hash: identical content is analysed once, whatever its path.

Threads: jobs run through ``run_background`` and only compute (expand paths, load a song);
their results come back on the owner's thread (the UI thread in the app), which alone
writes entries, counters and notices.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ..constants import URGENT_PRIORITY
from ..errors import one_line
from ..music.song import Song
from ..notices import NoticeLevel
from .files import Expanded, Label, Labels, expand
from .queue import PlayQueue, QueueEntry
from .schedule import RunBackground
from .states import EntryStatus

__all__ = ["SongLoader"]

#: ``queue_songs(paths, row, songs, labels)``: queue a batch's next good files at ``row``
#: (None: the end) and return their entries.
QueueSongs = Callable[[list[Path], int | None, list[Song], Labels], list[QueueEntry]]


class SongLoader:
    """Loads songs in the background for a :class:`PlayQueue`.

    Parameters
    ----------
    queue : PlayQueue
        Whose entries are analysed.
    run_background : RunBackground
        Runs the loading jobs.
    say : callable
        ``say(text, level)``: one-line notices for the user.
    changed : callable
        Called with an entry whose status changed (analysing, ready, failed).
    analysed : callable
        Called with an entry once its analysis is through (ready or failed).
    load : callable, optional
        Loads a song that nobody waits for yet (files being added, entries analysed ahead):
        :meth:`Song.load` by default, the app's :class:`~.analysis.AnalysisPool` there.
        What the listener waits for (urgent jobs) is loaded with :meth:`Song.load`.
    """

    def __init__(self, queue: PlayQueue, run_background: RunBackground,
                 say: Callable[[str, NoticeLevel], None],
                 changed: Callable[[QueueEntry], None],
                 analysed: Callable[[QueueEntry], None],
                 load: Callable[[Path], Song] = Song.load) -> None:
        self.queue, self.run_background = queue, run_background
        self.say, self.changed, self.analysed = say, changed, analysed
        self.load = load
        self.analysing: set[int] = set()  # uids of the entries being analysed
        self.batches = 0  # add_batch calls still loading

    # ------------------------------------------------------------------ queue entries
    def analyse_next(self, first: QueueEntry | None = None) -> None:
        """Unless one is being analysed, analyse a waiting entry: ``first``, else the topmost."""
        if self.analysing:
            return
        for e in ([first] if first is not None else []) + self.queue.entries:
            if e.status == EntryStatus.WAITING:
                self.analyse(e)
                return

    def analyse(self, e: QueueEntry, priority: int = 1) -> None:
        """Load and analyse ``e``'s song now (``priority`` orders the background jobs)."""
        e.status = EntryStatus.ANALYSING
        self.analysing.add(e.uid)
        self.changed(e)
        path = e.path
        load = Song.load if priority >= URGENT_PRIORITY else self.load
        self.run_background(lambda: load(path), lambda r, err: self._done(e, r, err), priority)

    def _done(self, e: QueueEntry, song: Song | None, error: BaseException | None) -> None:
        self.analysing.discard(e.uid)
        if error is not None:
            e.status, e.error = EntryStatus.FAILED, one_line(error)
            if e in self.queue.entries:
                self.say(f"{e.error}; skipped", NoticeLevel.ERROR)
        else:
            e.song, e.status = song, EntryStatus.READY
        self.changed(e)
        self.analysed(e)

    # ------------------------------------------------------------------ batches of files
    def add_batch(self, paths: Iterable[str | Path], at: int | None, queue_songs: QueueSongs,
                  finished: Callable[[list[QueueEntry]], None],
                  first: Callable[[QueueEntry], None] | None = None) -> None:
        """Expand ``paths``, load every file, and queue the good ones in order from row ``at``.

        One job expands the paths; then jobs load the files in order, a chunk each (about
        :data:`CHUNK_SECONDS` of work, at most :data:`CHUNK_FILES` files), one after the other,
        so jobs of higher priority (what plays next, the next join) get in between. Each
        chunk is queued in one call to ``queue_songs``: the owner's thread does work in
        proportion to the chunk and the queue, never per file, so a big folder fills in
        progressively without stalling it. ``first`` receives the first entry queued,
        ``finished`` every entry once the last file is through. Notices are capped at
        :data:`NOTICES_PER_BATCH` per batch, then one line counts the rest.
        """
        paths = list(paths)
        notes: list[str] = []
        batch = _Batch(self, at, queue_songs, finished, first)
        self.batches += 1

        def expanded(found: Expanded | None, error: BaseException | None) -> None:
            for n in notes:
                batch.say(n, NoticeLevel.INFO)
            if error is not None:
                batch.say(f"Could not add files: {one_line(error)}", NoticeLevel.ERROR)
            found = found if error is None and found is not None else Expanded()
            batch.files, batch.labels = list(found.paths), dict(found.labels)
            batch.load_next()

        # A batch that starts playing is what the listener waits for until its first song is in.
        self.run_background(lambda: expand(paths, notes.append), expanded,
                            URGENT_PRIORITY if first is not None else 6)

    def _batch_done(self) -> None:
        self.batches -= 1


#: About how long one job of a batch loads files for (seconds), and the most files it loads.
CHUNK_SECONDS = 0.1
CHUNK_FILES = 500
#: Notices one batch gives one by one; past these, one line counts the rest.
NOTICES_PER_BATCH = 20


def _load_chunk(files: list[Path], budget: float | None = None,
                load: Callable[[Path], Song] = Song.load) -> list[Song | str]:
    """Load files from the front of ``files`` for about ``budget`` seconds (default
    :data:`CHUNK_SECONDS`): a Song or the one-line reason each failed, in order (at least one
    file)."""
    out: list[Song | str] = []
    end = time.perf_counter() + (CHUNK_SECONDS if budget is None else budget)
    for f in files:
        try:
            out.append(load(f))
        except Exception as exc:  # noqa: BLE001 - one broken file costs only itself
            out.append(one_line(exc))
        if time.perf_counter() >= end:
            break
        # Hand the GIL over between files: without this the UI thread, asking for it while
        # this (lower-priority) thread holds it, waits up to 100-200 ms on a busy machine.
        time.sleep(0)
    return out


class _Batch:
    """One :meth:`SongLoader.add_batch`: its files, the next to load, where the next goes."""

    def __init__(self, loader: SongLoader, at: int | None, queue_songs: QueueSongs,
                 finished: Callable[[list[QueueEntry]], None],
                 first: Callable[[QueueEntry], None] | None) -> None:
        self.loader, self.row = loader, at  # where the next one goes (None: the end)
        self.queue_songs, self.finished, self.first = queue_songs, finished, first
        self.added: list[QueueEntry] = []
        self.files: list[Path] = []
        self.labels: dict[Path, Label] = {}
        self.next = 0  # the first file not loaded yet
        self.said = 0
        self.done = False

    def say(self, text: str, level: NoticeLevel) -> None:
        self.said += 1
        if self.said <= NOTICES_PER_BATCH:
            self.loader.say(text, level)

    def load_next(self) -> None:
        """Load the next chunk in the background, or finish when every file is through."""
        if self.next >= len(self.files):
            self.finish()
            return
        chunk = self.files[self.next:self.next + CHUNK_FILES]
        if self.first is not None and not self.added:  # the song to play: it alone, at once
            self.loader.run_background(lambda: _load_chunk(chunk, 0.0), self._loaded,
                                       URGENT_PRIORITY)
            return
        load = self.loader.load
        self.loader.run_background(lambda: _load_chunk(chunk, load=load), self._loaded, 5)

    def _loaded(self, results: list[Song | str] | None, error: BaseException | None) -> None:
        if error is not None or not results:  # the job itself failed: skip one file
            results = [one_line(error) if error is not None else "no result"]
        files = self.files[self.next:self.next + len(results)]
        self.next += len(results)
        good: list[Path] = []
        songs: list[Song] = []
        for f, r in zip(files, results):
            if isinstance(r, str):
                self.say(f"{r}; not added", NoticeLevel.ERROR)
            else:
                good.append(f)
                songs.append(r)
        if good:
            self._queue(good, songs)
        self.load_next()

    def _queue(self, paths: list[Path], songs: list[Song]) -> None:
        labels = {p: self.labels[p] for p in paths if p in self.labels}
        if self.row is not None and self.added:
            # After the last one queued, wherever the user moved it meanwhile.
            row = self.loader.queue.row_of(self.added[-1])
            self.row = self.row if row is None else row + 1
        entries = self.queue_songs(paths, self.row, songs, labels)
        if self.row is not None:
            self.row += len(entries)
        self.added.extend(entries)
        if self.first is not None and entries and len(self.added) == len(entries):
            self.first(entries[0])

    def finish(self) -> None:
        if not self.done:
            self.done = True
            more = self.said - NOTICES_PER_BATCH
            if more > 0:
                self.loader.say(f"{more} more files not added", NoticeLevel.ERROR)
            self.loader._batch_done()
            self.finished(self.added)
