"""Evaluate and fit mix-point methods on LPD-5 rolls: cut a song, rank its true continuation.

Protocol. A song is cut at bar k (k % 4 == 0, 4 <= k <= n - 4, bars k - 1 and k not empty):
"A" is the song up to k (exit_bar = k) and "B" is the same song; every bar j of the song is a
candidate entry except [k - MAX_TAIL_BARS, k), the last 4 bars A played, which the methods
compare with B's head and would match with themselves. The true continuation is j = k. The
positional prior is off for every method (candidates span the whole song). Ties are broken
at random in expectation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

from .features import STEPS_PER_BAR, bar_features
from .mixpoint import MAX_TAIL_BARS, METHODS, SMART_PARTS, SMART_WEIGHTS, MixFeatures, score_pairs

__all__ = [
    "FIT_PARTS",
    "LpdSong",
    "load_lpd_songs",
    "song_cuts",
    "evaluate_mixpoints",
    "fit_smart_weights",
]

#: ``smart`` parts that vary in the same-song task (tempo and prior do not) and are fitted.
FIT_PARTS: tuple[str, ...] = tuple(p for p in SMART_PARTS if p not in ("tempo", "prior"))
MIN_BARS = 12
_CHUNK = 32


@dataclass
class LpdSong:
    """One LPD-5 song's features and where it came from."""

    index: int
    md5: str
    features: MixFeatures


def load_lpd_songs(npz_path: str | Path, limit: int = 0, seed: int = 0,
                   min_bars: int = MIN_BARS) -> list[LpdSong]:
    """Sample songs of an LPD-5 npz and compute their bar features.

    Parameters
    ----------
    npz_path : str or Path
        An ``lpd5_16th_*.npz`` file (format in the data README).
    limit : int
        Number of songs to sample (0 or more than there are: all eligible songs).
    seed : int
        Seed of the sample.
    min_bars : int
        Shortest song kept.

    Returns
    -------
    list of LpdSong
        In file order; only the sampled windows are unpacked.
    """
    with np.load(Path(npz_path), mmap_mode=None) as data:
        offsets = data["offsets"].astype(np.int64)
        md5 = data["md5"] if "md5" in data.files else None
        tempo = data["tempo"] if "tempo" in data.files else None
        n_bars = (offsets[1:] - offsets[:-1]) // STEPS_PER_BAR
        eligible = np.flatnonzero(n_bars >= min_bars)
        rng = np.random.default_rng(seed)
        if 0 < limit < eligible.size:
            eligible = np.sort(rng.choice(eligible, size=limit, replace=False))
        rolls: dict[str, list[np.ndarray]] = {}
        for name in ("active", "onset"):
            packed = data[name]
            rolls[name] = [packed[offsets[i]:offsets[i + 1]].copy() for i in eligible]
            del packed
    songs = []
    for n, i in enumerate(eligible):
        act = np.unpackbits(rolls["active"][n], axis=-1).astype(bool)
        ons = np.unpackbits(rolls["onset"][n], axis=-1).astype(bool)
        rolls["active"][n] = rolls["onset"][n] = np.empty(0, np.uint8)
        bf = bar_features(act, ons)
        bpm = float(tempo[i]) if tempo is not None else 120.0
        songs.append(LpdSong(int(i), str(md5[i]) if md5 is not None else str(i),
                             MixFeatures.from_bar_features(bf, bpm)))
    return songs


def song_cuts(f: MixFeatures) -> np.ndarray:
    """Cut bars k of a song: multiples of 4, 4 <= k <= n - 4, bars k - 1 and k not empty."""
    n = f.n_bars
    ks = np.arange(4, n - 4 + 1, 4, dtype=np.int64)
    active = np.any(f.presence, axis=-1)
    return ks[active[ks - 1] & active[ks]] if ks.size else ks


def _candidate_mask(n: int, ks: np.ndarray, exclude: int = MAX_TAIL_BARS) -> np.ndarray:
    """(len(ks), n) bool: candidate entries of each cut (all bars but ``[k - exclude, k)``)."""
    j = np.arange(n)[None, :]
    return ~((j >= ks[:, None] - exclude) & (j < ks[:, None]))


def _rank_stats(scores: np.ndarray, mask: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """(len(ks), 3): reciprocal rank, top-1 and top-5 of the true entry, ties broken at random."""
    s = np.round(scores, 9)
    true = s[np.arange(len(ks)), ks][:, None]
    greater = ((s > true) & mask).sum(1)
    ties = ((s == true) & mask).sum(1) - 1
    out = np.zeros((len(ks), 3))
    for c in range(len(ks)):
        ranks = np.arange(greater[c] + 1, greater[c] + ties[c] + 2)
        out[c] = ((1.0 / ranks).mean(), (ranks <= 1).mean(), (ranks <= 5).mean())
    return out


def _scored_cuts(songs: list[LpdSong], method: str, seed: int,
                 weights: dict[str, float] | None = None, exclude: int = MAX_TAIL_BARS,
                 ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
    """Yield (scores, mask, ks, parts) per chunk of cuts of every song."""
    for song in songs:
        f = song.features
        ks_all = song_cuts(f)
        entries = np.arange(f.n_bars)
        for c in range(0, ks_all.size, _CHUNK):
            ks = ks_all[c:c + _CHUNK]
            scores, parts = score_pairs(f, f, ks, entries, method, prior=False,
                                        seed=seed + song.index, weights=weights)
            yield scores, _candidate_mask(f.n_bars, ks, exclude), ks, parts


def _summary(stats: list[np.ndarray]) -> dict[str, float]:
    allc = np.concatenate(stats) if stats else np.zeros((0, 3))
    if allc.size == 0:
        return {"mrr": 0.0, "top1": 0.0, "top5": 0.0}
    m = allc.mean(0)
    return {"mrr": round(float(m[0]), 4), "top1": round(float(m[1]), 4),
            "top5": round(float(m[2]), 4)}


def evaluate_mixpoints(npz_path: str | Path, limit: int = 0, seed: int = 0,
                       songs: list[LpdSong] | None = None,
                       exclude: int = MAX_TAIL_BARS) -> dict:
    """MRR, top-1 and top-5 of every method at finding a song's own continuation.

    Parameters
    ----------
    npz_path : str or Path
        LPD-5 npz (use the valid split).
    limit : int
        Songs to sample (0: all).
    seed : int
        Seed of the song sample and of ``random``.
    songs : list of LpdSong, optional
        Already loaded songs (then ``npz_path`` and ``limit`` are not read).
    exclude : int
        Bars before the cut left out of the candidates (default the 4 bars the methods
        compare; 0 ranks every bar, where a bar of A's tail matches itself).

    Returns
    -------
    dict
        ``{"methods": {name: {"mrr", "top1", "top5"}}, "ablations": {...}, "cuts": N,
        "songs": M, "seed": s, "candidates_per_cut": mean}``.
    """
    if songs is None:
        songs = load_lpd_songs(npz_path, limit, seed)
    results: dict[str, dict[str, float]] = {}
    n_cuts, n_cand = 0, 0.0
    for method in METHODS:
        stats = []
        for scores, mask, ks, _ in _scored_cuts(songs, method, seed, exclude=exclude):
            stats.append(_rank_stats(scores, mask, ks))
            if method == METHODS[0]:
                n_cuts += len(ks)
                n_cand += float(mask.sum())
        results[method] = _summary(stats)
    ablations = {}
    for name, weights in (
        ("smart_without_phrase", dict(SMART_WEIGHTS, phrase=0.0, phrase8=0.0)),
        ("phrase_only", {"phrase": SMART_WEIGHTS["phrase"], "phrase8": SMART_WEIGHTS["phrase8"]}),
    ):
        stats = [_rank_stats(s, m, k)
                 for s, m, k, _ in _scored_cuts(songs, "smart", seed, weights, exclude)]
        ablations[name] = _summary(stats)
    return {
        "methods": results,
        "ablations": ablations,
        "cuts": n_cuts,
        "songs": len(songs),
        "seed": seed,
        "candidates_per_cut": round(n_cand / max(n_cuts, 1), 1),
        "protocol": (f"same-song cut at k%4==0; candidates: every bar but [k-{exclude}, k); "
                     "prior off"),
    }


def _listwise_loss(w: np.ndarray, big: np.ndarray, valid: np.ndarray, l2: float
                   ) -> tuple[float, np.ndarray]:
    """Mean negative log-softmax of the true (first) candidate, plus an L2 penalty; and its
    gradient."""
    s = np.where(valid, big @ w, -np.inf)
    lse = logsumexp(s, axis=1)
    p = np.exp(s - lse[:, None])
    nll = float((lse - s[:, 0]).mean()) + l2 * float(w @ w)
    grad = ((p[..., None] * big).sum(1) - big[:, 0]).mean(0) + 2 * l2 * w
    return nll, grad


def _ranking_lists(songs: list[LpdSong], cuts_per_song: int, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Per cut, the :data:`FIT_PARTS` of every candidate entry (the true one first),
    padded to one array (cuts, candidates, parts), centred per cut, and its validity mask."""
    lists: list[np.ndarray] = []
    for song in songs:
        f = song.features
        ks = song_cuts(f)
        if ks.size == 0:
            continue
        if ks.size > cuts_per_song:
            ks = np.sort(rng.choice(ks, cuts_per_song, replace=False))
        _, parts = score_pairs(f, f, ks, np.arange(f.n_bars), "smart", prior=False)
        x = np.stack([parts[p] for p in FIT_PARTS], -1)  # (cuts, n, P)
        mask = _candidate_mask(f.n_bars, ks)
        for c, k in enumerate(ks):
            cand = np.flatnonzero(mask[c])
            order = np.concatenate([[k], cand[cand != k]])  # true first
            lists.append(x[c, order])
    n_max = max(len(x) for x in lists)
    big = np.zeros((len(lists), n_max, len(FIT_PARTS)))
    valid = np.zeros((len(lists), n_max), bool)
    for i, x in enumerate(lists):
        big[i, :len(x)] = x
        valid[i, :len(x)] = True
    # Centre each list so the features' constant offsets do not matter.
    mean = (big * valid[..., None]).sum(1, keepdims=True) / valid.sum(1)[:, None, None]
    return (big - mean) * valid[..., None], valid


def fit_smart_weights(train_npz: str | Path, limit: int = 300, seed: int = 0,
                      cuts_per_song: int = 8, l2: float = 1e-3, nonneg: bool = True,
                      songs: list[LpdSong] | None = None) -> dict:
    """Fit ``smart``'s weights on a sample of LPD-5 train (listwise softmax ranking).

    For each cut, the candidates' scores ``w . parts`` go through a softmax over the
    candidate entries and the log-probability of the true continuation is maximised
    (L-BFGS-B, L2 penalty ``l2``, weights >= 0 by default). Only :data:`FIT_PARTS` are
    fitted; the weights are scaled to sum to 1.

    Parameters
    ----------
    train_npz : str or Path
        ``lpd5_16th_train.npz`` (never the valid split).
    limit : int
        Songs to sample.
    seed : int
        Seed of the song and cut sample.
    cuts_per_song : int
        Cuts drawn per song at most.
    l2 : float
        Ridge penalty on the raw weights.
    nonneg : bool
        Keep every weight >= 0 (a better match never lowers the score).
    songs : list of LpdSong, optional
        Already loaded songs.

    Returns
    -------
    dict
        ``{"weights": {part: w}, "raw": {...}, "train": {"mrr", "top1", "top5"},
        "cuts": N, "songs": M, "seed": s}``.
    """
    if songs is None:
        songs = load_lpd_songs(train_npz, limit, seed)
    big, valid = _ranking_lists(songs, cuts_per_song, np.random.default_rng(seed + 1))
    n_p = len(FIT_PARTS)

    bounds = [(0.0, None)] * n_p if nonneg else None
    res = minimize(_listwise_loss, np.ones(n_p), args=(big, valid, l2), jac=True,
                   method="L-BFGS-B", bounds=bounds)
    raw = res.x
    total = raw.sum()
    weights = raw / total if total > 0 else raw / np.abs(raw).sum()
    s = np.where(valid, big @ raw, -np.inf)
    ranks = np.array([_rank_stats(s[i][None], valid[i][None], np.array([0]))[0]
                      for i in range(len(big))])
    m = ranks.mean(0)
    return {
        "weights": {p: round(float(v), 4) for p, v in zip(FIT_PARTS, weights)},
        "raw": {p: round(float(v), 4) for p, v in zip(FIT_PARTS, raw)},
        "train": {"mrr": round(float(m[0]), 4), "top1": round(float(m[1]), 4),
                  "top5": round(float(m[2]), 4)},
        "loss": round(float(res.fun), 4),
        "cuts": len(big),
        "songs": len(songs),
        "seed": seed,
    }
