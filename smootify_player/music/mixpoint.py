"""Mix points: the bar where song A leaves and the bar where song B enters, four ways to choose.

What is compared
----------------
An exit bar ``e`` of A means A plays bars ``[.., e)``; an entry bar ``j`` of B means B plays
bars ``[j, ..)`` (only the notes that start from ``j`` on). Every method compares A's *tail*
(bars A plays last) with B's *head* (bars B plays from the entry):

- ``smart``: A ``[e - 2, e)`` vs B ``[j, j + 2)`` (pitch classes, drum and bass onset grids,
  density, instruments); A's last 4 bars ``[e - 4, e)`` vs B's first 4 ``[j, j + 4)`` bar by
  bar (does B's head repeat the phrase A just played); bar ``e - 1`` vs bar ``j``; keys of
  ``[e - 8, e)`` and ``[j, j + 8)``; tempo at ``e - 1`` and ``j``; phrase grid of ``e``, ``j``.
- ``jsd``: bar ``e - 1`` vs bar ``j``.
- ``dtw``: A ``[e - 4, e)`` aligned with B ``[j, j + 4)``.

Bars of B *before* the entry are never looked at: in the same-song evaluation
(:mod:`.mixeval`) they would be A's own tail and leak the answer.

Keys
----
``smart`` weighs the keys mostly through ``key_fit``: the Krumhansl-Schmuckler keys of A's
``[e - 8, e)`` and B's ``[j, j + 8)``, minor keys taken as their relative major, go together
when they lie at most :data:`KEY_COMPATIBLE_STEPS` (2) steps apart on the circle of fifths;
further apart they clash, and the part falls towards 0 as the clash gets clearer (how much
key-profile correlation both windows would give up to reach compatible keys). Its weight
beats the phrase grid, so ``smart`` leaves A where A's local key suits B's whenever such an
exit exists (B's key is mostly fixed by its short entry window); when none does, the bridge
modulates.

Sound rules
-----------
Before any scoring (:func:`plan_mix`, every method), the candidates are masked so that a
join never leaves A or enters B in a silence. Exits rank by :func:`exit_tiers`: a pitched
note sounds in bar ``e - 1``, else only drums sound there, else it is silent. Entries rank
by :func:`entry_tiers`: a note starts in bar ``j``'s first beat (the first 4 of its 16
steps), else notes start later in it, else it is a pickup (notes only in its last beat),
else nothing starts in it; within each, bar ``j + 1`` sounding beats it being silent. Only
the best tier present on each side is searched, so the mask falls back to weaker rules, then
to any candidate, and a plan always exists. When no bar of B's entry window has a note on
its first beat (a silent intro longer than the window), the first bar after it that has one
joins the candidates (:func:`candidate_entries`). The flags come from :class:`MixFeatures`
(``sound``, ``pitched``, ``starts``, ``first_beat``, ``pickup``), derived from the bar
features alone, so LPD-5 rolls have them too; :func:`score_pairs` itself does not mask,
and the same-song evaluation ranks every candidate as before.
"""

from __future__ import annotations

import math
import time
import weakref
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial.distance import jensenshannon

from .families import BASS, DRUMS
from .features import BarFeatures
from .key import KEY_PROFILES
from .song import Song

__all__ = [
    "METHODS",
    "SMART_WEIGHTS",
    "SMART_PARTS",
    "TAIL_BARS",
    "HEAD_BARS",
    "MAX_TAIL_BARS",
    "PHRASE_BARS",
    "KEY_BARS",
    "MAX_EXITS",
    "MAX_ENTRIES",
    "FIRST_BEAT_STEPS",
    "KEY_COMPATIBLE_STEPS",
    "MixSettings",
    "MixPlan",
    "MixFeatures",
    "mix_features",
    "candidate_exits",
    "candidate_entries",
    "exit_tiers",
    "entry_tiers",
    "best_tier",
    "key_distance",
    "choose_pair",
    "score_pairs",
    "plan_mix",
]

METHODS: tuple[str, ...] = ("smart", "jsd", "dtw", "random")

#: Bars of A's tail and of B's head compared by ``smart``.
TAIL_BARS = 2
HEAD_BARS = 2
#: Bars on each side compared bar by bar (a phrase).
PHRASE_BARS = 4
#: Bars on each side the keys are estimated from (A: ``[e - 8, e)``, B: ``[j, j + 8)``).
KEY_BARS = 8
#: DTW aligns A's last ``DTW_TAIL`` bars with B's first ``DTW_HEAD`` bars.
DTW_TAIL = 4
DTW_HEAD = 4
#: Bars before the exit that the fine-grained comparisons look at (the key looks at 8).
MAX_TAIL_BARS = 4
#: Steps (of 16 a bar) that make a bar's first beat (its last beat for a pickup).
FIRST_BEAT_STEPS = 4
#: Keys at most this many steps apart on the circle of fifths (relative majors) go together;
#: further apart they clash.
KEY_COMPATIBLE_STEPS = 2
#: Scale of ``key_fit``'s fall-off with the key-profile correlation a clash costs.
KEY_FIT_TAU = 0.05

#: Components of ``smart``; each lies in [0, 1], 1 being the best match.
SMART_PARTS: tuple[str, ...] = (
    "harmony", "harmony_edge", "phrase_pc", "phrase_rhythm", "key", "key_fit", "drums", "bass",
    "density", "instruments", "activity", "downbeat", "phrase", "phrase8", "tempo", "prior",
)

#: Weights of ``smart``. The musical parts were fitted on LPD-5 train with
#: :func:`smootify_player.music.mixeval.fit_smart_weights` (listwise softmax ranking of each
#: cut's true continuation among all candidate entries, weights >= 0, 400 songs, 3115 cuts,
#: seed 0) and scaled to sum to 1. ``key``, ``key_fit``, ``tempo`` and ``prior`` are set by
#: hand: within one LPD-5 song the key and the tempo hardly change and the evaluation's prior
#: is neutral, so the same-song task cannot weigh them (the fit gave ``key`` 0), while between
#: two different songs they matter. ``key_fit`` is weighed so that a clash between clear keys
#: (0.5) outweighs the phrase grid: on ``bench/bench_pairs.py`` key clashes that another
#: candidate could have avoided fall from 11 % of pairs to 2 % (MIDI set) and from 13 % to 3 %
#: (60 LPD-5 valid songs), for 0.012 MRR on the same-song evaluation (0.556 to 0.543; the
#: evaluation's true continuation itself clashes in 7 % of cuts: songs modulate, and an
#: 8-bar key estimate errs). The linear ``key`` part is kept in the report but weighs 0: it
#: also penalises compatible keys one or two fifths apart and cost MRR for no fewer clashes.
SMART_WEIGHTS: dict[str, float] = {
    "harmony": 0.0,
    "harmony_edge": 0.0737,
    "phrase_pc": 0.085,
    "phrase_rhythm": 0.0629,
    "key": 0.0,
    "key_fit": 0.50,
    "drums": 0.0702,
    "bass": 0.0778,
    "density": 0.1383,
    "instruments": 0.1451,
    "activity": 0.0,
    "downbeat": 0.0,
    "phrase": 0.0899,
    "phrase8": 0.2573,
    "tempo": 0.10,
    "prior": 0.10,
}

#: Most candidates searched per song (A's latest exits, B's earliest entries), so that a plan
#: takes a few milliseconds even for songs of thousands of bars.
MAX_EXITS = 128
MAX_ENTRIES = 64

#: Weight of the positional prior in ``jsd`` and ``dtw``.
BASELINE_PRIOR = 0.10


@dataclass
class MixSettings:
    """How to choose mix points.

    Attributes
    ----------
    method : str
        ``smart`` (default), ``jsd``, ``dtw`` or ``random``.
    exit_from : float
        A exits at or after this fraction of its bars.
    entry_until : float
        B enters at or before this fraction of its bars.
    full_songs : bool
        Exit at A's end (``exit_bar = a.n_bars``) and enter at B's bar 0.
    seed : int
        Seed of the ``random`` method.
    """

    method: str = "smart"
    exit_from: float = 0.70
    entry_until: float = 0.15
    full_songs: bool = False
    seed: int = 0


@dataclass
class MixPlan:
    """The chosen transition from A to B.

    Attributes
    ----------
    exit_bar : int
        First bar of A *not* played (A plays up to ``exit_bar``, exclusive);
        ``1 <= exit_bar <= a.n_bars``.
    entry_bar : int
        First bar of B played; ``0 <= entry_bar < b.n_bars``.
    method : str
        Method that chose it.
    score : float
        Total score of the pair (comparable only within one method).
    parts : dict[str, float]
        Every score component of the pair.
    tempo_from : float
        A's tempo at the exit (BPM of the last bar A plays).
    tempo_to : float
        B's tempo at the entry (BPM).
    timings_ms : float
        Time :func:`plan_mix` took.
    """

    exit_bar: int
    entry_bar: int
    method: str
    score: float
    parts: dict[str, float]
    tempo_from: float
    tempo_to: float
    timings_ms: float = 0.0

    def to_dict(self) -> dict:
        """JSON-ready dict of every field, floats rounded."""
        return {
            "exit_bar": int(self.exit_bar),
            "entry_bar": int(self.entry_bar),
            "method": self.method,
            "score": round(float(self.score), 4),
            "parts": {k: round(float(v), 4) for k, v in self.parts.items()},
            "tempo_from": round(float(self.tempo_from), 3),
            "tempo_to": round(float(self.tempo_to), 3),
            "timings_ms": round(float(self.timings_ms), 3),
        }


@dataclass
class MixFeatures:
    """Per-bar arrays a mix point is chosen from, with window sums prepared once.

    Built from a :class:`~.features.BarFeatures` (the same for MIDI songs and LPD-5 rolls)
    and a tempo per bar.

    Attributes
    ----------
    pc : np.ndarray
        (n, 12) duration-weighted pitch-class counts.
    onsets : np.ndarray
        (n, 5, 16) float onset grids.
    density : np.ndarray
        (n,) onsets per bar.
    presence : np.ndarray
        (n, 5) float family presence.
    tempo : np.ndarray
        (n,) BPM.
    sound : np.ndarray
        (n,) bool, derived: some note (drums too) sounds in the bar, held notes included.
    pitched : np.ndarray
        (n,) bool, derived: some pitched note sounds in the bar (``pc`` is not all zero).
    starts : np.ndarray
        (n,) bool, derived: some note starts in the bar. Entering B at bar ``j`` plays only
        the notes that start from ``j`` on, so this (not ``sound``) says whether an entry
        bar is heard.
    first_beat : np.ndarray
        (n,) bool, derived: some note starts in the bar's first :data:`FIRST_BEAT_STEPS`
        steps.
    pickup : np.ndarray
        (n,) bool, derived: notes start in the bar, but only in its last
        :data:`FIRST_BEAT_STEPS` steps (an anacrusis leading into the next bar).

    The derived flags come from ``presence``, ``pc`` and ``onsets`` alone, so they exist for
    LPD-5 rolls too.
    """

    pc: np.ndarray
    onsets: np.ndarray
    density: np.ndarray
    presence: np.ndarray
    tempo: np.ndarray
    sound: np.ndarray = field(init=False, repr=False)
    pitched: np.ndarray = field(init=False, repr=False)
    starts: np.ndarray = field(init=False, repr=False)
    first_beat: np.ndarray = field(init=False, repr=False)
    pickup: np.ndarray = field(init=False, repr=False)
    _cum: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        ons = np.asarray(self.onsets) > 0
        beat = FIRST_BEAT_STEPS
        self.sound = np.any(np.asarray(self.presence) > 0, axis=-1)
        self.pitched = np.any(np.asarray(self.pc) > 0, axis=-1)
        self.starts = np.any(ons, axis=(1, 2))
        self.first_beat = np.any(ons[:, :, :beat], axis=(1, 2))
        self.pickup = self.starts & ~np.any(ons[:, :, :ons.shape[-1] - beat], axis=(1, 2))

    @classmethod
    def from_bar_features(cls, bf: BarFeatures, tempo: np.ndarray | float) -> MixFeatures:
        """Wrap ``bf`` with a tempo per bar (a scalar is broadcast)."""
        n = bf.n_bars
        t = np.broadcast_to(np.asarray(tempo, np.float64), (n,)).astype(np.float64)
        return cls(
            pc=np.asarray(bf.pc, np.float64),
            onsets=np.asarray(bf.onsets, np.float64),
            density=np.asarray(bf.density, np.float64),
            presence=np.asarray(bf.presence, np.float64),
            tempo=np.where(np.isfinite(t) & (t > 0), t, 120.0),
        )

    @property
    def n_bars(self) -> int:
        """Number of bars."""
        return int(self.pc.shape[0])

    def window(self, name: str, starts: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
        """Sum of array ``name`` over bars ``[s, s + length)`` clipped to the song.

        Returns
        -------
        total : np.ndarray
            (len(starts), ...) sums.
        count : np.ndarray
            (len(starts),) number of bars inside the song.
        """
        cum = self._cum.get(name)
        if cum is None:
            x = getattr(self, name)
            cum = np.concatenate([np.zeros((1,) + x.shape[1:]), np.cumsum(x, axis=0)])
            self._cum[name] = cum
        n = self.n_bars
        starts = np.asarray(starts, np.int64)
        lo = np.clip(starts, 0, n)
        hi = np.clip(starts + length, 0, n)
        return cum[hi] - cum[lo], (hi - lo).astype(np.float64)

    def bar(self, name: str, idx: np.ndarray) -> np.ndarray:
        """Rows ``idx`` of array ``name``; indices outside the song give zeros."""
        x = getattr(self, name)
        idx = np.asarray(idx, np.int64)
        inside = (idx >= 0) & (idx < self.n_bars)
        out = x[np.clip(idx, 0, max(self.n_bars - 1, 0))].copy()
        out[~inside] = 0
        return out


_FEATURES: weakref.WeakKeyDictionary[Song, MixFeatures] = weakref.WeakKeyDictionary()


def mix_features(song: Song) -> MixFeatures:
    """:class:`MixFeatures` of a song (cached while the song lives)."""
    mf = _FEATURES.get(song)
    if mf is None:
        mf = MixFeatures.from_bar_features(song.features, song.bar_tempo)
        _FEATURES[song] = mf
    return mf


# ------------------------------------------------------------------ candidates
def candidate_exits(n_bars: int, settings: MixSettings, exit_bars: range | None = None,
                    min_exit_bar: int = 1) -> np.ndarray:
    """Exit bars of a song of ``n_bars`` bars allowed by the settings (never empty).

    ``exit_bars`` (when given) replaces the ``exit_from`` window; ``min_exit_bar`` always
    applies. When nothing is left, the allowed bar nearest to the request is used, and
    A's last bar when even that fails. At most the latest :data:`MAX_EXITS` are kept.
    """
    n = max(int(n_bars), 1)
    lo = int(np.clip(min_exit_bar, 1, n))
    if exit_bars is not None:
        req = np.array([e for e in exit_bars], np.int64)
        cand = req[(req >= lo) & (req <= n)]
        if cand.size == 0:
            cand = np.unique(np.clip(req, lo, n)) if req.size else np.array([n])
    elif settings.full_songs:
        cand = np.array([n])
    else:
        start = int(math.ceil(float(np.clip(settings.exit_from, 0.0, 1.0)) * n - 1e-9))
        cand = np.arange(max(start, lo), n + 1)
        if cand.size == 0:
            cand = np.array([n])
    return np.unique(cand).astype(np.int64)[-MAX_EXITS:]


def candidate_entries(n_bars: int, settings: MixSettings,
                      features: MixFeatures | None = None) -> np.ndarray:
    """Entry bars of a song of ``n_bars`` bars allowed by the settings (never empty).

    At most the earliest :data:`MAX_ENTRIES` are kept. With the song's ``features``, when
    no bar of the window has a note starting in its first beat (a silent intro or a pickup
    longer than the window), the first bar after the window that has one (within
    :data:`MAX_ENTRIES` bars) is added, so the sound rules (:func:`entry_tiers`) can find an
    audible entry.
    """
    n = max(int(n_bars), 1)
    if settings.full_songs:
        return np.array([0], np.int64)
    last = int(math.floor(float(np.clip(settings.entry_until, 0.0, 1.0)) * n + 1e-9))
    entries = np.arange(0, min(max(last, 0), n - 1, MAX_ENTRIES - 1) + 1, dtype=np.int64)
    if features is not None and features.n_bars == n and not features.first_beat[entries].any():
        later = np.flatnonzero(features.first_beat[entries[-1] + 1:entries[-1] + MAX_ENTRIES])
        if later.size:
            entries = np.append(entries, entries[-1] + 1 + later[0])
    return entries


# ------------------------------------------------------------------ sound rules
def exit_tiers(f: MixFeatures, exits: np.ndarray) -> np.ndarray:
    """How well each exit of A meets the sound rules: 0 best, larger worse.

    0: a pitched note sounds in bar ``e - 1``; 1: only drums do; 2: bar ``e - 1`` is
    silent (A would leave in a silence).
    """
    prev = np.clip(np.asarray(exits, np.int64) - 1, 0, max(f.n_bars - 1, 0))
    return np.where(f.pitched[prev], 0, np.where(f.sound[prev], 1, 2)).astype(np.int64)


def entry_tiers(f: MixFeatures, entries: np.ndarray) -> np.ndarray:
    """How well each entry of B meets the sound rules: 0 best, larger worse.

    By rule, worst last: a note starts in bar ``j``'s first beat (else: notes start in bar
    ``j`` and it is no pickup; else: a pickup, notes only in its last beat; else: no note
    starts in bar ``j`` and B would open on silence). Within each, an entry whose next bar
    ``j + 1`` sounds comes before one whose next bar is silent or past the end. Tiers 0-7.
    """
    j = np.clip(np.asarray(entries, np.int64), 0, max(f.n_bars - 1, 0))
    nxt = j + 1
    next_silent = (nxt >= f.n_bars) | ~f.sound[np.minimum(nxt, f.n_bars - 1)]
    level = np.full(j.shape, 3, np.int64)
    level[f.pickup[j]] = 2
    level[f.starts[j] & ~f.pickup[j]] = 1
    level[f.first_beat[j]] = 0
    return 2 * level + next_silent


def best_tier(tiers: np.ndarray) -> np.ndarray:
    """Mask of the candidates in the best (lowest) tier present: the hard mask with fallback."""
    tiers = np.asarray(tiers)
    return tiers == tiers.min() if tiers.size else np.zeros(0, bool)


# --------------------------------------------------------------------- scoring
def _normalise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``x`` scaled to sum 1 (uniform where empty) and a mask of non-empty rows."""
    tot = x.sum(-1, keepdims=True)
    ok = tot[..., 0] > 0
    safe = np.where(tot > 0, x / np.where(tot > 0, tot, 1.0), 1.0 / x.shape[-1])
    return safe, ok


def _js_similarity(p: np.ndarray, q: np.ndarray, neutral: float) -> np.ndarray:
    """1 - Jensen-Shannon distance (base 2) for every row pair; ``neutral`` where one is empty."""
    pn, pok = _normalise(p)
    qn, qok = _normalise(q)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = jensenshannon(pn[:, None, :], qn[None, :, :], axis=-1, base=2)
    sim = 1.0 - np.nan_to_num(d, nan=1.0)
    return np.where(pok[:, None] & qok[None, :], sim, neutral)


def _cosine(a: np.ndarray, b: np.ndarray, both_empty: float = 1.0) -> np.ndarray:
    """Cosine similarity of every row pair of non-negative vectors (E, F) x (J, F)."""
    na = np.linalg.norm(a, axis=-1)
    nb = np.linalg.norm(b, axis=-1)
    dot = a @ b.T
    den = na[:, None] * nb[None, :]
    sim = np.where(den > 0, dot / np.where(den > 0, den, 1.0), 0.0)
    empty_a, empty_b = na == 0, nb == 0
    return np.where(empty_a[:, None] & empty_b[None, :], both_empty, sim)


def key_distance(fifths_a: np.ndarray, fifths_b: np.ndarray) -> np.ndarray:
    """Steps (0-6) between circle-of-fifths positions, broadcast."""
    d = np.abs(np.asarray(fifths_a) - np.asarray(fifths_b)) % 12
    return np.minimum(d, 12 - d)


# Circle-of-fifths position (0-11) of the relative major of each of the 24 keys.
_KEY_TONIC = np.arange(24) % 12
_KEY_FIFTHS = ((np.where(np.arange(24) >= 12, _KEY_TONIC + 3, _KEY_TONIC) % 12) * 7) % 12
# (12, 2 * KEY_COMPATIBLE_STEPS + 1): the positions compatible with each position.
_COMPATIBLE = (np.arange(12)[:, None]
               + np.arange(-KEY_COMPATIBLE_STEPS, KEY_COMPATIBLE_STEPS + 1)[None, :]) % 12


def _fifths_corr(pc: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """(N, 12) best key-profile correlation on each circle-of-fifths position (major or
    relative minor) of each pc window; ``fallback`` (12,) for empty windows."""
    h = pc.astype(np.float64)
    std = h.std(-1, keepdims=True)
    z = (h - h.mean(-1, keepdims=True)) / np.where(std > 0, std, 1.0)
    corr = z @ KEY_PROFILES.T / 12.0  # (N, 24)
    major = np.empty((h.shape[0], 12))
    minor = np.empty_like(major)
    major[:, _KEY_FIFTHS[:12]] = corr[:, :12]
    minor[:, _KEY_FIFTHS[12:]] = corr[:, 12:]
    return np.where(std > 0, np.maximum(major, minor), fallback[None, :])


def _song_corr(f: MixFeatures) -> np.ndarray:
    """(12,) :func:`_fifths_corr` of the whole song (cached with the window sums)."""
    corr = f._cum.get("song_key_corr")
    if corr is None:
        corr = _fifths_corr(f.pc.sum(0)[None], np.zeros(12))[0]
        f._cum["song_key_corr"] = corr
    return corr


def _key_parts(fa: MixFeatures, fb: MixFeatures, exits: np.ndarray,
               entries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``key`` and ``key_fit`` (E, J): keys of A's ``[e - 8, e)`` and B's ``[j, j + 8)``.

    ``key`` is 1 - (steps between the two best keys on the circle of fifths) / 6. ``key_fit``
    is 1 when the best keys are compatible (at most :data:`KEY_COMPATIBLE_STEPS` apart);
    otherwise ``exp(-cost / KEY_FIT_TAU)``, the cost being the key-profile correlation the
    two windows must give up, together, to reach a compatible pair of keys: a clash between
    clear keys scores near 0, one between ambiguous estimates a little below 1. An empty
    window takes its song's key.
    """
    ka, _ = fa.window("pc", exits - KEY_BARS, KEY_BARS)
    kb, _ = fb.window("pc", entries, KEY_BARS)
    ca = _fifths_corr(ka, _song_corr(fa))
    cb = _fifths_corr(kb, _song_corr(fb))
    d = key_distance(ca.argmax(-1)[:, None], cb.argmax(-1)[None, :])
    gap_a = ca.max(-1, keepdims=True) - ca  # (E, 12) >= 0
    gap_b = cb.max(-1, keepdims=True) - cb
    near_b = gap_b[:, _COMPATIBLE].min(-1)  # cheapest compatible key of B per A's position
    cost = (gap_a[:, None, :] + near_b[None, :, :]).min(-1)
    return 1.0 - d / 6.0, np.exp(-cost / KEY_FIT_TAU)


def _activity(notes: np.ndarray) -> np.ndarray:
    """Near 0 for empty or sparse windows, near 1 from about a dozen notes a bar."""
    return 1.0 - np.exp(-np.asarray(notes, np.float64) / 4.0)


def _prior(fa: MixFeatures, fb: MixFeatures, exits: np.ndarray,
           entries: np.ndarray) -> np.ndarray:
    """Late exits of A and early entries of B score higher (0-1)."""
    pa = exits / max(fa.n_bars, 1)
    pb = 1.0 - entries / max(fb.n_bars, 1)
    return 0.5 * (pa[:, None] + pb[None, :])


def _tempo_match(fa: MixFeatures, fb: MixFeatures, exits: np.ndarray,
                 entries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ta = fa.tempo[np.clip(exits - 1, 0, fa.n_bars - 1)]
    tb = fb.tempo[np.clip(entries, 0, fb.n_bars - 1)]
    r = np.abs(np.log2(ta[:, None] / tb[None, :]))
    return np.exp(-r / 0.2), ta, tb


def _bar_sims(fa: MixFeatures, fb: MixFeatures, a_idx: np.ndarray,
              b_idx: np.ndarray) -> dict[str, np.ndarray]:
    """Bar-to-bar similarities (len(a_idx), len(b_idx)) of pitch classes and onset grids."""
    on_a, on_b = fa.bar("onsets", a_idx), fb.bar("onsets", b_idx)
    return {
        "pc": _js_similarity(fa.bar("pc", a_idx), fb.bar("pc", b_idx), 0.5),
        "rhythm": _cosine(on_a.reshape(len(a_idx), -1), on_b.reshape(len(b_idx), -1)),
    }


def _smart_parts(fa: MixFeatures, fb: MixFeatures, exits: np.ndarray,
                 entries: np.ndarray) -> dict[str, np.ndarray]:
    """Every ``smart`` component for all (exit, entry) pairs, each (E, J) in [0, 1]."""
    shape = (exits.size, entries.size)
    tail0, head0 = exits - TAIL_BARS, entries
    pc_a, na = fa.window("pc", tail0, TAIL_BARS)
    pc_b, nb = fb.window("pc", head0, HEAD_BARS)
    parts: dict[str, np.ndarray] = {}
    parts["harmony"] = _js_similarity(pc_a, pc_b, 0.5)

    # Bar-by-bar: A's last PHRASE_BARS bars against B's first PHRASE_BARS bars, aligned, so
    # that B's head repeats the phrase A has just played (and A's last bar meets B's first).
    a_lo, b_lo = int(exits.min()) - PHRASE_BARS, int(entries.min())
    a_idx = np.arange(a_lo, int(exits.max()))
    b_idx = np.arange(b_lo, int(entries.max()) + PHRASE_BARS)
    sims = _bar_sims(fa, fb, a_idx, b_idx)
    rows = exits - PHRASE_BARS - a_lo
    cols = entries - b_lo
    for name in ("pc", "rhythm"):
        sim = sims[name]
        acc = np.zeros(shape)
        for i in range(PHRASE_BARS):
            acc += sim[(rows + i)[:, None], (cols + i)[None, :]]
        parts[f"phrase_{name}"] = acc / PHRASE_BARS
    parts["harmony_edge"] = sims["pc"][(rows + PHRASE_BARS - 1)[:, None], cols[None, :]]

    parts["key"], parts["key_fit"] = _key_parts(fa, fb, exits, entries)

    on_a, _ = fa.window("onsets", tail0, TAIL_BARS)
    on_b, _ = fb.window("onsets", head0, HEAD_BARS)
    parts["drums"] = _cosine(on_a[:, DRUMS], on_b[:, DRUMS])
    parts["bass"] = _cosine(on_a[:, BASS], on_b[:, BASS])

    den_a, _ = fa.window("density", tail0, TAIL_BARS)
    den_b, _ = fb.window("density", head0, HEAD_BARS)
    den_a = den_a / np.maximum(na, 1)
    den_b = den_b / np.maximum(nb, 1)
    parts["density"] = np.exp(-np.abs(np.log1p(den_a)[:, None] - np.log1p(den_b)[None, :]))

    pr_a, _ = fa.window("presence", tail0, TAIL_BARS)
    pr_b, _ = fb.window("presence", head0, HEAD_BARS)
    pr_a = pr_a / np.maximum(na, 1)[:, None]
    pr_b = pr_b / np.maximum(nb, 1)[:, None]
    mn = np.minimum(pr_a[:, None, :], pr_b[None, :, :]).sum(-1)
    mx = np.maximum(pr_a[:, None, :], pr_b[None, :, :]).sum(-1)
    parts["instruments"] = np.where(mx > 0, mn / np.where(mx > 0, mx, 1.0), 1.0)

    parts["activity"] = np.sqrt(_activity(den_a)[:, None] * _activity(den_b)[None, :])
    first = fb.bar("onsets", entries)[:, :, 0]  # (J, 5) onsets on B's entry downbeat
    playing = fb.bar("presence", entries)
    parts["downbeat"] = np.broadcast_to(
        (first.sum(-1) / np.maximum(playing.sum(-1), 1))[None, :], shape)
    parts["phrase"] = 0.5 * ((exits % 4 == 0)[:, None] * 1.0 + (entries % 4 == 0)[None, :])
    # Both on 4-bar boundaries and in the same place of an 8-bar period.
    parts["phrase8"] = (((exits % 4 == 0)[:, None] & (entries % 4 == 0)[None, :])
                        & (exits[:, None] % 8 == entries[None, :] % 8)) * 1.0
    parts["tempo"] = _tempo_match(fa, fb, exits, entries)[0]
    parts["prior"] = _prior(fa, fb, exits, entries)
    return {k: np.broadcast_to(v, shape) for k, v in parts.items()}


def _bar_vectors(f: MixFeatures, idx: np.ndarray) -> tuple[np.ndarray, ...]:
    """Blocks compared by ``dtw`` for bars ``idx`` (zeros outside the song)."""
    pc, _ = _normalise(f.bar("pc", idx))
    pc = pc * (f.bar("pc", idx).sum(-1, keepdims=True) > 0)
    rhythm = f.bar("onsets", idx).reshape(len(idx), -1)
    pres = f.bar("presence", idx)
    dens = np.log1p(f.bar("density", idx))
    return pc, rhythm, pres, dens


def _bar_distance(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> np.ndarray:
    """Distance (0-1) between every bar of ``a`` and of ``b`` for DTW."""
    d_pc = 1.0 - _cosine(a[0], b[0])
    d_rh = 1.0 - _cosine(a[1], b[1])
    d_pr = np.abs(a[2][:, None, :] - b[2][None, :, :]).mean(-1)
    d_de = 1.0 - np.exp(-np.abs(a[3][:, None] - b[3][None, :]))
    return 0.4 * d_pc + 0.3 * d_rh + 0.15 * d_pr + 0.15 * d_de


def _dtw_cost(fa: MixFeatures, fb: MixFeatures, exits: np.ndarray,
              entries: np.ndarray) -> np.ndarray:
    """Normalised DTW cost between A's last bars and B's first bars for all pairs (E, J)."""
    a_lo = int(exits.min()) - DTW_TAIL
    a_idx = np.arange(a_lo, int(exits.max()))
    b_lo = int(entries.min())
    b_idx = np.arange(b_lo, int(entries.max()) + DTW_HEAD)
    dist = _bar_distance(_bar_vectors(fa, a_idx), _bar_vectors(fb, b_idx))
    rows = [dist[exits - DTW_TAIL + i - a_lo] for i in range(DTW_TAIL)]  # each (E, nb)
    local = [[r[:, entries + k - b_lo] for k in range(DTW_HEAD)] for r in rows]
    inf = np.full((exits.size, entries.size), np.inf)
    acc = [[inf] * DTW_HEAD for _ in range(DTW_TAIL)]
    for i in range(DTW_TAIL):
        for k in range(DTW_HEAD):
            if i == 0 and k == 0:
                best = np.zeros_like(inf)
            else:
                best = inf
                if i > 0:
                    best = np.minimum(best, acc[i - 1][k])
                if k > 0:
                    best = np.minimum(best, acc[i][k - 1])
                if i > 0 and k > 0:
                    best = np.minimum(best, acc[i - 1][k - 1])
            acc[i][k] = best + local[i][k]
    return acc[-1][-1] / (DTW_TAIL + DTW_HEAD)


def score_pairs(fa: MixFeatures, fb: MixFeatures, exits: np.ndarray, entries: np.ndarray,
                method: str = "smart", prior: bool = True, seed: int = 0,
                weights: dict[str, float] | None = None,
                ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Score every (exit of A, entry of B) pair with one method.

    Parameters
    ----------
    fa, fb : MixFeatures
        Features of A and B.
    exits, entries : np.ndarray
        Candidate exit bars of A (``1..a.n_bars``) and entry bars of B (``0..b.n_bars-1``).
    method : str
        One of :data:`METHODS`.
    prior : bool
        Add the positional prior (late exits, early entries); the evaluation turns it off.
    seed : int
        Seed of ``random``.
    weights : dict, optional
        Weights of ``smart`` (default :data:`SMART_WEIGHTS`).

    Returns
    -------
    score : np.ndarray
        (E, J) scores, higher is better.
    parts : dict[str, np.ndarray]
        Each component, (E, J).

    Raises
    ------
    ValueError
        For an unknown method.
    """
    exits = np.asarray(exits, np.int64)
    entries = np.asarray(entries, np.int64)
    shape = (exits.size, entries.size)
    if method == "smart":
        w = SMART_WEIGHTS if weights is None else weights
        parts = _smart_parts(fa, fb, exits, entries)
        if not prior:
            parts["prior"] = np.zeros(shape)
        score = np.zeros(shape)
        for name, value in parts.items():
            score = score + w.get(name, 0.0) * value
        return score, parts
    if method in ("jsd", "dtw"):
        return _baseline_scores(fa, fb, exits, entries, method, prior)
    if method == "random":
        rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, fa.n_bars, fb.n_bars])
        u = rng.random(shape)
        return u, {"random": u}
    raise ValueError(f"unknown mix method {method!r}; expected one of {', '.join(METHODS)}")


def _baseline_scores(fa: MixFeatures, fb: MixFeatures, exits: np.ndarray, entries: np.ndarray,
                     method: str, prior: bool) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The seed project's ``jsd`` and ``dtw`` scores, with the positional prior."""
    shape = (exits.size, entries.size)
    pri = _prior(fa, fb, exits, entries) if prior else np.zeros(shape)
    if method == "jsd":
        sim = _js_similarity(fa.bar("pc", exits - 1), fb.bar("pc", entries), 0.0)
        sparse = (_activity(fa.bar("density", exits - 1))[:, None]
                  * _activity(fb.bar("density", entries))[None, :])
        return sim * sparse + BASELINE_PRIOR * pri, {"jsd_similarity": sim, "sparsity": sparse,
                                                     "prior": pri}
    cost = _dtw_cost(fa, fb, exits, entries)
    return 1.0 - cost + BASELINE_PRIOR * pri, {"dtw_cost": cost, "prior": pri}


def choose_pair(fa: MixFeatures, fb: MixFeatures, exits: np.ndarray, entries: np.ndarray,
                method: str = "smart", seed: int = 0, weights: dict[str, float] | None = None,
                ) -> tuple[int, int, float, dict[str, float]]:
    """The best (exit, entry) pair among the candidates that best meet the sound rules.

    Exits are kept in their best :func:`exit_tiers` tier and entries in their best
    :func:`entry_tiers` tier (a hard mask that falls back to weaker rules, then to every
    candidate, so the answer always exists); the pairs left are scored with
    :func:`score_pairs` (prior on) and the highest wins.

    Returns
    -------
    tuple
        ``(exit_bar, entry_bar, score, parts)`` with each part's value for that pair.
    """
    exits = np.asarray(exits, np.int64)
    entries = np.asarray(entries, np.int64)
    exits = exits[best_tier(exit_tiers(fa, exits))]
    entries = entries[best_tier(entry_tiers(fb, entries))]
    score, parts = score_pairs(fa, fb, exits, entries, method, prior=True, seed=seed,
                               weights=weights)
    flat = np.nan_to_num(score, nan=-np.inf).ravel()
    best = int(np.argmax(flat)) if flat.size else 0
    i, k = divmod(best, entries.size)
    return (int(exits[i]), int(entries[k]), float(score[i, k]),
            {name: float(v[i, k]) for name, v in parts.items()})


def plan_mix(a: Song, b: Song, settings: MixSettings | None = None,
             exit_bars: range | None = None, min_exit_bar: int = 1) -> MixPlan:
    """Choose where A leaves and B enters.

    The candidates of the settings' windows are masked by the sound rules (see the module
    notes: A never leaves right after a silent bar, B is never entered on a bar with nothing
    on its first beat, a pickup or a bar before a rest, unless nothing else is allowed), then
    scored by the method; see :func:`choose_pair`.

    Parameters
    ----------
    a, b : Song
        The outgoing and the incoming song.
    settings : MixSettings, optional
        Method and search window (defaults: ``smart``, exit after 70 % of A, entry before
        15 % of B).
    exit_bars : range, optional
        Restrict A's exits to these bars (e.g. the next few bars for "mix now"); replaces the
        ``exit_from`` window, in ``full_songs`` mode too.
    min_exit_bar : int
        First bar A may exit at.

    Returns
    -------
    MixPlan
        Always valid: ``1 <= exit_bar <= a.n_bars`` and ``0 <= entry_bar < b.n_bars``.

    Raises
    ------
    ValueError
        For an unknown method.
    """
    t0 = time.perf_counter()
    settings = settings or MixSettings()
    if settings.method not in METHODS:
        raise ValueError(
            f"unknown mix method {settings.method!r}; expected one of {', '.join(METHODS)}")
    fa, fb = mix_features(a), mix_features(b)
    exits = candidate_exits(fa.n_bars, settings, exit_bars, min_exit_bar)
    entries = candidate_entries(fb.n_bars, settings, fb)
    e, j, score, parts = choose_pair(fa, fb, exits, entries, settings.method, settings.seed)
    return MixPlan(
        exit_bar=e,
        entry_bar=j,
        method=settings.method,
        score=score,
        parts=parts,
        tempo_from=float(fa.tempo[max(e - 1, 0)]),
        tempo_to=float(fb.tempo[j]),
        timings_ms=(time.perf_counter() - t0) * 1000.0,
    )
