"""SongLoader: the one pipeline that loads and analyses songs off the owner's thread.

Both ways a song reaches the player go through it: a queue entry waiting for its analysis
(:meth:`SongLoader.analyse`, what plays next first) and a batch of files being added
(:meth:`SongLoader.add_batch`: expanded, loaded, and handed over in order as each one is
ready, broken ones left out with a notice). Every load is :meth:`Song.load`, which keeps
analyses by content hash: identical content is analysed once, whatever its path.

Threads: jobs run through ``run_background`` and only compute (expand paths, load a song);
their results come back on the owner's thread (the UI thread in the app), which alone
writes entries, counters and notices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import one_line
from ..music.song import Song
from ..notices import NoticeLevel
from .files import Expanded, Label, Labels, expand
from .queue import PlayQueue, QueueEntry
from .schedule import RunBackground
from .states import EntryStatus

__all__ = ["SongLoader"]

#: ``queue_song(path, row, song, labels)``: queue a batch's next good file at ``row`` (None:
#: the end) and return its entry.
QueueSong = Callable[[Path, int | None, Song, Labels], QueueEntry]


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
    """

    def __init__(self, queue: PlayQueue, run_background: RunBackground,
                 say: Callable[[str, NoticeLevel], None],
                 changed: Callable[[QueueEntry], None],
                 analysed: Callable[[QueueEntry], None]) -> None:
        self.queue, self.run_background = queue, run_background
        self.say, self.changed, self.analysed = say, changed, analysed
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
        self.run_background(lambda: Song.load(path), lambda r, err: self._done(e, r, err),
                            priority)

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
    def add_batch(self, paths: Iterable[str | Path], at: int | None, queue_song: QueueSong,
                  finished: Callable[[list[QueueEntry]], None],
                  first: Callable[[QueueEntry], None] | None = None) -> None:
        """Expand ``paths``, load every file, and queue the good ones in order from row ``at``.

        Files are queued (through ``queue_song``) as soon as they and every file before them
        are loaded, so a big folder fills in progressively; ``first`` receives the first
        entry queued, ``finished`` every entry once the last file is through.
        """
        paths = list(paths)
        notes: list[str] = []
        batch = _Batch(self.queue, at, queue_song, finished, first, self._batch_done)
        self.batches += 1

        def expanded(found: Expanded | None, error: BaseException | None) -> None:
            for n in notes:
                self.say(n, NoticeLevel.INFO)
            if error is not None:
                self.say(f"Could not add files: {one_line(error)}", NoticeLevel.ERROR)
            found = found if error is None and found is not None else Expanded()
            batch.files, batch.labels = list(found.paths), dict(found.labels)
            if not batch.files:
                batch.finish()
            for i, f in enumerate(batch.files):
                self.run_background(lambda f=f: Song.load(f),
                                    lambda r, e, i=i: self._loaded(batch, i, r, e), 5)

        self.run_background(lambda: expand(paths, notes.append), expanded, 6)

    def _loaded(self, batch: _Batch, i: int, song: Song | None,
                error: BaseException | None) -> None:
        if error is not None:
            self.say(f"{one_line(error)}; not added", NoticeLevel.ERROR)
        batch.results[i] = song if error is None else None
        batch.flush()

    def _batch_done(self) -> None:
        self.batches -= 1


class _Batch:
    """One :meth:`SongLoader.add_batch`: its files, the songs loaded so far, the next to queue."""

    def __init__(self, queue: PlayQueue, at: int | None, queue_song: QueueSong,
                 finished: Callable[[list[QueueEntry]], None],
                 first: Callable[[QueueEntry], None] | None,
                 on_finish: Callable[[], None]) -> None:
        self.queue, self.row = queue, at  # where the next one goes (None: the end)
        self.queue_song, self.finished, self.first = queue_song, finished, first
        self.on_finish = on_finish
        self.added: list[QueueEntry] = []
        self.files: list[Path] = []
        self.labels: dict[Path, Label] = {}
        self.results: dict[int, Song | None] = {}
        self.next = 0
        self.done = False

    def flush(self) -> None:
        """Queue every loaded file that has no file before it still loading."""
        while self.next in self.results:
            i = self.next
            song = self.results.pop(i)
            self.next += 1
            if song is not None:
                self._queue(self.files[i], song)
        if self.next == len(self.files):
            self.finish()

    def _queue(self, path: Path, song: Song) -> None:
        entry = self.queue_song(path, self.row, song, self.labels)
        if self.row is not None:
            self.row = (self.queue.row_of(entry) or 0) + 1
        self.added.append(entry)
        if self.first is not None and len(self.added) == 1:
            self.first(entry)

    def finish(self) -> None:
        if not self.done:
            self.done = True
            self.on_finish()
            self.finished(self.added)
