"""The play queue: its entries, their order, and which one plays next.

:class:`PlayQueue` is pure and synchronous: no threads, no audio, no events. It belongs to
the thread that owns the :class:`~smootify_player.player.Player` (the UI thread in the app);
the Player tells its listeners when the queue changed.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..music.song import Song
from .files import Label, Labels, label_key, labels_by_key
from .states import EntryStatus

__all__ = ["QueueEntry", "PlayQueue"]

_uids = itertools.count(1)


@dataclass(eq=False)
class QueueEntry:
    """One row of the queue: a file, its analysis once done, and its status."""

    path: Path
    song: Song | None = None
    status: EntryStatus = EntryStatus.WAITING
    error: str = ""
    label: Label | None = None  # (title, credit) its playlist gave it
    radio: bool = False  # queued by the radio
    reason: str = ""  # why the radio picked it: "Eb major → Bb major, 120 → 118 BPM"
    uid: int = field(default_factory=lambda: next(_uids))

    @property
    def title(self) -> str:
        if self.label:
            return self.label[0]
        return self.song.title if self.song else self.path.stem.replace("_", " ")

    @property
    def credit(self) -> str:
        """The MIDI file's copyright notice, else the artist its playlist named."""
        if self.song is not None and self.song.credit:
            return self.song.credit
        return self.label[1] if self.label else ""


class PlayQueue:
    """The queue's entries in play order, and the next-song policy.

    Attributes
    ----------
    entries : list of QueueEntry
        The rows, in play order (edited in place).
    shuffled_from : list of int or None
        The entries' uids in the order they had before :meth:`shuffle`; None when unshuffled.
    hint : int
        The row the playing song sits at, kept when that song leaves the queue so that what
        now sits at its row plays next.
    """

    def __init__(self) -> None:
        self.entries: list[QueueEntry] = []
        self.shuffled_from: list[int] | None = None
        self.hint = 0
        self._known: dict[int, QueueEntry] = {}  # every entry ever queued, by uid

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[QueueEntry]:
        return iter(self.entries)

    def __getitem__(self, row: int) -> QueueEntry:
        return self.entries[row]

    def get(self, uid: int | None) -> QueueEntry | None:
        """The entry ``uid``, still queued or not (a removed song may still be playing)."""
        return self._known.get(uid) if uid is not None else None

    def row_of(self, entry: QueueEntry | None) -> int | None:
        """The row of ``entry``, or None when it is not queued."""
        if entry is None:
            return None
        for i, e in enumerate(self.entries):
            if e is entry:
                return i
        return None

    # ------------------------------------------------------------------ editing
    def add(self, paths: Iterable[str | Path], at: int | None = None,
            analysed: Sequence[Song | None] | None = None,
            labels: Labels | None = None) -> list[QueueEntry]:
        """Queue ``paths`` at row ``at`` (the end by default); returns the new entries.

        ``analysed`` gives songs already loaded (their entries are ready); ``labels`` maps
        paths to the (title, credit) a playlist gave them.
        """
        entries = []
        by_key = labels_by_key(labels)
        for i, p in enumerate(paths):
            e = QueueEntry(Path(p), label=by_key.get(label_key(p)))
            song = analysed[i] if analysed else None
            if song is not None:
                e.song, e.status = song, EntryStatus.READY
            entries.append(e)
            self._known[e.uid] = e
        at = len(self.entries) if at is None else max(0, min(at, len(self.entries)))
        self.entries[at:at] = entries
        if self.shuffled_from is not None:
            self.shuffled_from.extend(e.uid for e in entries)
        return entries

    def remove(self, rows: Iterable[int], current: QueueEntry | None = None) -> bool:
        """Remove ``rows``; False when none of them exists. ``current`` is the playing entry."""
        rows = sorted({r for r in rows if 0 <= r < len(self.entries)}, reverse=True)
        if not rows:
            return False
        cur = self.row_of(current)
        hint = self.hint if cur is None else cur
        for r in rows:
            e = self.entries.pop(r)
            if self.shuffled_from is not None and e.uid in self.shuffled_from:
                self.shuffled_from.remove(e.uid)
            if r < hint:
                hint -= 1
        # When the playing song left the queue, what now sits at its row plays next.
        self.hint = max(0, hint)
        return True

    def move(self, rows: Sequence[int], to: int) -> bool:
        """Move ``rows`` (in order) so they sit before row ``to``; False when none exists."""
        rows = sorted({r for r in rows if 0 <= r < len(self.entries)})
        if not rows:
            return False
        moving = [self.entries[r] for r in rows]
        before = sum(1 for r in rows if r < to)
        gone = set(rows)
        rest = [e for i, e in enumerate(self.entries) if i not in gone]
        to = max(0, min(to - before, len(rest)))
        self.entries[:] = rest[:to] + moving + rest[to:]
        return True

    def forget(self, keep: set[int]) -> int:
        """Forget entries no longer queued whose uid is not in ``keep`` (the songs still on
        the timeline); returns how many. An endless radio session stays small."""
        queued = {e.uid for e in self.entries}
        gone = [uid for uid in self._known if uid not in queued and uid not in keep]
        for uid in gone:
            del self._known[uid]
        return len(gone)

    def clear(self) -> None:
        """Empty the queue (and forget the order before shuffling)."""
        self.entries.clear()
        self.shuffled_from = None

    def shuffle(self, seed: int | None = None) -> None:
        """Shuffle the order, remembering the original one for :meth:`unshuffle`."""
        if self.shuffled_from is None:
            self.shuffled_from = [e.uid for e in self.entries]
        random.Random(seed).shuffle(self.entries)

    def unshuffle(self) -> bool:
        """Restore the order before :meth:`shuffle`; False when it was not shuffled."""
        if self.shuffled_from is None:
            return False
        rank = {uid: i for i, uid in enumerate(self.shuffled_from)}
        self.entries.sort(key=lambda e: rank.get(e.uid, len(rank)))
        self.shuffled_from = None
        return True

    def original_order(self) -> list[int] | None:
        """Rows in the order before shuffling (for saving), or None when unshuffled."""
        if self.shuffled_from is None:
            return None
        rank = {uid: i for i, uid in enumerate(self.shuffled_from)}
        return sorted(range(len(self.entries)), key=lambda i: rank.get(self.entries[i].uid, 0))

    def follow(self, entry: QueueEntry | None, or_top: bool = False) -> None:
        """``entry`` plays now: remember its row (the top when it is not queued and ``or_top``)."""
        row = self.row_of(entry)
        if row is not None:
            self.hint = row
        elif or_top:
            self.hint = 0

    # ------------------------------------------------------------------ policy
    def first_playable(self, prefer: QueueEntry | None = None) -> QueueEntry | None:
        """``prefer`` when queued, else the first entry that has not failed."""
        if prefer is not None and self.row_of(prefer) is not None:
            return prefer
        return next((e for e in self.entries if e.status != EntryStatus.FAILED), None)

    def next_after(self, uid: int | None, repeat: bool, skip_self: bool = False
                   ) -> QueueEntry | None:
        """The entry that plays after entry ``uid``, wrapping to the top when ``repeat``.

        Failed entries are passed over. When ``uid`` is not queued (it was removed while
        playing, or nothing played yet) play continues at :attr:`hint`. With ``skip_self``
        the entry itself is not an answer unless it is the only one queued.
        """
        n = len(self.entries)
        if not n:
            return None
        row = next((i for i, e in enumerate(self.entries) if e.uid == uid), None)
        if row is None:
            start = min(self.hint, n)
            candidates = list(range(start, n))
            end = start
        else:
            candidates = list(range(row + 1, n))
            end = row + 1
        if repeat:
            candidates += list(range(0, end))
        for i in candidates:
            e = self.entries[i]
            if e.status == EntryStatus.FAILED or (skip_self and e.uid == uid and n > 1):
                continue
            return e
        return None

    def previous_before(self, entry: QueueEntry | None) -> QueueEntry | None:
        """The entry before ``entry`` that has not failed (wrapping; at :attr:`hint` if gone)."""
        n = len(self.entries)
        row = self.row_of(entry)
        if row is None:
            row = self.hint
        for k in range(1, n + 1):
            e = self.entries[(row - k) % n]
            if e.status != EntryStatus.FAILED:
                return e
        return None

    def wraps(self, src: QueueEntry, target: QueueEntry) -> bool:
        """True when going from ``src`` to ``target`` goes back up the queue."""
        a, b = self.row_of(src), self.row_of(target)
        return a is not None and b is not None and b <= a
