"""Radio: the next song for the one playing, by how well they join, with variety."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..music.mixpoint import SMART_WEIGHTS, choose_pair
from .catalog import Catalog
from .cost import join_costs, reason
from .sketch import Sketch, decode_sketch

__all__ = ["NO_REPEAT", "SHORTLIST", "CHOOSE_FROM", "MIX_WEIGHT", "Pick", "Radio",
           "LibraryRadio"]

#: A song is not picked again within this many picks (fewer when the library is small).
NO_REPEAT = 50
#: Songs whose mix point is scored, the cheapest by features.
SHORTLIST = 24
#: The pick is drawn among this many best-scored songs (the touch of randomness).
CHOOSE_FROM = 4
#: Weight of the mix-point score in a pick's score (the rest is ``1 - cost``).
MIX_WEIGHT = 0.4
#: Temperature of the draw: score differences of this size change the odds e-fold.
TEMPERATURE = 0.03

_SMART_TOTAL = sum(SMART_WEIGHTS.values())

#: ``sketches(digests)``: the stored sketch bytes of each content hash asked for.
SketchSource = Callable[[list[str]], dict[str, bytes]]


@dataclass
class Pick:
    """One song chosen to follow another.

    Attributes
    ----------
    index : int
        Row in the catalog.
    path, title, digest : str
        The song.
    credit : str or None
        Its copyright notice.
    score : float
        How well it joins (0-1, higher better): ``(1 - MIX_WEIGHT) * (1 - cost)
        + MIX_WEIGHT * mix_score``.
    cost : float
        The feature cost (0-1, lower better), its parts in ``parts``.
    mix_score : float
        The mix-point scorer's best score for the pair, scaled to 0-1 (None without sketches).
    exit_bar, entry_bar : int
        Where the scorer would leave the playing song and enter this one.
    reason : str
        ``"Eb major → Bb major, 120 → 118 BPM"``.
    relaxed : list of str
        Variety rules given up to find a song (a small library): ``repeat``, ``credit``.
    ms : float
        Time the pick took.
    """

    index: int
    path: str
    title: str
    digest: str
    credit: str | None
    score: float
    cost: float
    mix_score: float | None
    exit_bar: int | None
    entry_bar: int | None
    reason: str
    parts: dict[str, float] = field(default_factory=dict)
    relaxed: list[str] = field(default_factory=list)
    ms: float = 0.0

    def to_dict(self) -> dict:
        """JSON-ready fields (floats rounded)."""
        return {"path": self.path, "title": self.title, "credit": self.credit,
                "score": round(self.score, 4), "cost": round(self.cost, 4),
                "mix_score": None if self.mix_score is None else round(self.mix_score, 4),
                "exit_bar": self.exit_bar, "entry_bar": self.entry_bar, "reason": self.reason,
                "parts": {k: round(v, 4) for k, v in self.parts.items()},
                "relaxed": list(self.relaxed), "ms": round(self.ms, 2)}


class Radio:
    """Picks song after song from a catalog, each the best join for the one before.

    A pick pre-filters the whole catalog with :func:`~.cost.join_costs` (numpy), scores the
    mix point of the :data:`SHORTLIST` cheapest with the player's own scorer
    (:func:`~smootify_player.music.mixpoint.choose_pair` on the cached sketches) and draws
    among the :data:`CHOOSE_FROM` best, seeded. Variety: no song (by content) again within
    ``no_repeat`` picks, no credit twice in a row; when the library is too small for them
    the rules are relaxed (named in :attr:`Pick.relaxed`), so the radio never runs dry.

    Parameters
    ----------
    catalog : Catalog
        The songs.
    sketches : callable, optional
        ``sketches(digests) -> {digest: bytes}`` (``Library.sketches``); without it the
        mix-point score is left out.
    seed : int, optional
        Seed of the draw; the same seed, start and catalog give the same picks.
    no_repeat : int
        Picks before a song may come again.
    """

    def __init__(self, catalog: Catalog, sketches: SketchSource | None = None,
                 seed: int | None = None, no_repeat: int = NO_REPEAT,
                 shortlist: int = SHORTLIST, choose_from: int = CHOOSE_FROM):
        self.catalog = catalog
        self._source = sketches
        self._rng = np.random.default_rng(seed)
        self.no_repeat = max(int(no_repeat), 0)
        self.shortlist = max(int(shortlist), 1)
        self.choose_from = max(int(choose_from), 1)
        self.history: deque[int] = deque(maxlen=max(self.no_repeat, 1))
        self.current: int | None = None
        self._sketches: OrderedDict[str, Sketch | None] = OrderedDict()

    # ----------------------------------------------------------------- state
    def start(self, song: int | str) -> int:
        """Set the song playing (a catalog row, a content hash or a path); returns its row.

        Raises
        ------
        KeyError
            The song is not in the catalog.
        """
        i = self._row(song)
        self.current = i
        self.history.append(i)
        return i

    def _row(self, song: int | str) -> int:
        if isinstance(song, (int, np.integer)):
            if not 0 <= int(song) < len(self.catalog):
                raise KeyError(song)
            return int(song)
        try:
            return self.catalog.index_of(song)
        except KeyError:
            pass
        try:
            return self.catalog.paths.index(song)
        except ValueError:
            raise KeyError(song) from None

    def played(self, songs: Iterable[int | str]) -> None:
        """Count songs as recently played (the queue before the radio took over)."""
        for s in songs:
            self.history.append(self._row(s))

    def next(self) -> Pick:
        """Pick the song after the current one and make it current.

        Raises
        ------
        RuntimeError
            No song was started, or the catalog is empty.
        """
        if self.current is None:
            raise RuntimeError("start the radio on a song first")
        pick = self.pick(self.current)
        self.current = pick.index
        self.history.append(pick.index)
        return pick

    # ----------------------------------------------------------------- picking
    def pick(self, a: int) -> Pick:
        """The song to follow row ``a`` (the history is read, not changed)."""
        t0 = time.perf_counter()
        cat = self.catalog
        n = len(cat)
        if n == 0:
            raise RuntimeError("the library has no songs")
        cost, parts = join_costs(cat, a)
        allowed, relaxed = self._allowed(a, n)
        rows = np.flatnonzero(allowed)
        k = min(self.shortlist, rows.size)
        short = rows[np.argpartition(cost[rows], k - 1)[:k]] if k < rows.size else rows
        short = short[np.argsort(cost[short], kind="stable")]
        mix = self._mix_scores(a, short)
        feat = 1.0 - cost[short]
        if mix is not None:
            score = (1.0 - MIX_WEIGHT) * feat + MIX_WEIGHT * mix[0]
        else:
            score = feat
        order = np.argsort(-score, kind="stable")[:self.choose_from]
        w = np.exp((score[order] - score[order[0]]) / TEMPERATURE)
        choice = int(order[self._rng.choice(order.size, p=w / w.sum())])
        b = int(short[choice])
        pick_parts = {name: float(v[b]) for name, v in parts.items()}
        mix_score = exit_bar = entry_bar = None
        if mix is not None:
            mix_score = float(mix[0][choice])
            exit_bar, entry_bar = int(mix[1][choice]), int(mix[2][choice])
            pick_parts["mix"] = mix_score
        return Pick(index=b, path=cat.paths[b], title=cat.titles[b], digest=cat.digests[b],
                    credit=cat.credits[b], score=float(score[choice]), cost=float(cost[b]),
                    mix_score=mix_score, exit_bar=exit_bar, entry_bar=entry_bar,
                    reason=reason(cat, a, b), parts=pick_parts, relaxed=relaxed,
                    ms=(time.perf_counter() - t0) * 1000.0)

    def _allowed(self, a: int, n: int) -> tuple[np.ndarray, list[str]]:
        """Rows the variety rules allow after ``a``, relaxing them when none are left."""
        cat = self.catalog
        base = np.ones(n, bool)
        if n > 1:
            base[a] = False
        recent = np.zeros(n, bool)
        window = min(self.no_repeat, max(n - 2, 0))
        if window:
            recent[list(self.history)[-window:]] = True
        credit = cat.credit_id[a]
        same = (cat.credit_id == credit) if credit >= 0 else np.zeros(n, bool)
        relaxed: list[str] = []
        for drop in ((), ("credit",), ("repeat",), ("repeat", "credit")):
            mask = base.copy()
            if "repeat" not in drop:
                mask &= ~recent
            if "credit" not in drop:
                mask &= ~same
            if mask.any():
                return mask, list(drop)
            relaxed = list(drop)
        return base, relaxed + ["repeat", "credit"]

    def _sketch(self, digest: str) -> Sketch | None:
        return self._sketches.get(digest)

    def _load(self, digests: list[str]) -> None:
        want = [d for d in digests if d not in self._sketches]
        if want and self._source is not None:
            blobs = self._source(want)
            for d in want:
                blob = blobs.get(d)
                try:
                    self._sketches[d] = decode_sketch(blob) if blob is not None else None
                except ValueError:
                    self._sketches[d] = None
        for d in digests:
            if d in self._sketches:
                self._sketches.move_to_end(d)
        while len(self._sketches) > 4 * self.shortlist + 64:
            self._sketches.popitem(last=False)

    def _mix_scores(self, a: int, rows: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Best mix-point score (0-1), exit and entry bar of ``a`` into each of ``rows``."""
        if self._source is None:
            return None
        digests = self.catalog.digests
        self._load([digests[a]] + [digests[int(r)] for r in rows])
        sa = self._sketch(digests[a])
        if sa is None:
            return None
        exits = sa.exits()
        idx_exits = sa.tail_index(exits)
        score = np.zeros(rows.size)
        ex = np.zeros(rows.size, np.int64)
        en = np.zeros(rows.size, np.int64)
        for i, r in enumerate(rows):
            sb = self._sketch(digests[int(r)])
            if sb is None:
                continue
            e, j, s, _ = choose_pair(sa.tail, sb.head, idx_exits, sb.entries())
            score[i] = np.clip(s / _SMART_TOTAL, 0.0, 1.0)
            ex[i] = e - sa.pad + sa.tail_start
            en[i] = j
        return score, ex, en


class LibraryRadio:
    """The radio the Player asks for the song after the one ending its queue.

    Holds a :class:`Radio` over the library's catalog, rebuilt (keeping the history) when
    a song it is asked about is not in it (a queued file outside the library's folders is
    indexed first, in this process) and when the library changed (``Library.changes``: a
    scan found songs, a folder was removed), so newly scanned songs can be picked.

    Parameters
    ----------
    library : Library
        The library to pick from.
    seed : int, optional
        Seed of the draw.
    no_repeat : int
        Picks before a song may come again.
    """

    def __init__(self, library: Any, seed: int | None = None,
                 no_repeat: int = NO_REPEAT):
        self.library = library
        self.seed = seed
        self.no_repeat = no_repeat
        self.radio: Radio | None = None
        self._built_at = -1  # the library's ``changes`` when the catalog was read

    def _build(self) -> Radio:
        history: list[str] = []
        if self.radio is not None:
            old = self.radio.catalog.digests
            history = [old[i] for i in self.radio.history]
        self._built_at = getattr(self.library, "changes", 0)
        radio = Radio(self.library.catalog(), self.library.sketches, seed=self.seed,
                      no_repeat=self.no_repeat)
        if self.radio is not None:  # the draw goes on from where it was
            radio._rng = self.radio._rng
        known = set(radio.catalog.digests)
        radio.played([d for d in history if d in known])
        self.radio = radio
        return radio

    def _row(self, path: str) -> tuple[Radio, int] | None:
        digest = self.library.digest_of(path)
        if digest is None:
            self.library.add_files([path], workers=0)
            digest = self.library.digest_of(path)
            if digest is None:
                return None
        fresh = self._built_at == getattr(self.library, "changes", 0)
        radio = self.radio if self.radio is not None and fresh else self._build()
        if digest not in radio.catalog.digests:
            radio = self._build()
        if digest not in radio.catalog.digests:
            return None
        return radio, radio.catalog.index_of(digest)

    def next_after(self, path: str, recent: Iterable[str] = ()) -> Pick | None:
        """The song to play after the file ``path``; None when the library has nothing.

        ``recent`` are files played before it (the queue), counted as recently played when
        the radio takes over from the queue.
        """
        found = self._row(str(path))
        if found is None:
            return None
        radio, row = found
        if radio.current != row:
            digests = radio.catalog.digests
            for p in recent:
                d = self.library.digest_of(p)
                if d is not None and d in digests:
                    radio.played([d])
            radio.start(row)
        if len(radio.catalog) < 2:
            return None
        return radio.next()
