"""Score the model, the seed design and baselines on gap windows; tune decoding thresholds."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from ..data import data_dir
from ..music.bridge import BridgeContext, RuleComposer
from ..music.families import DEFAULT_PROGRAMS, FAMILIES
from ..music.key import estimate_key, key_scale
from .baselines import BASELINES
from .batches import split_window, window_rolls
from .data import LPD5, gap_windows, load_lpd5

__all__ = ["evaluate", "format_table", "tune_thresholds", "tune_file", "make_context",
           "Scores", "pc_histogram"]

_CHUNK = 200


def pc_histogram(active: np.ndarray) -> np.ndarray:
    """Duration-weighted pitch-class histogram (12,) of the pitched tracks of (T, 5, 128)."""
    h = active[:, 1:, :].sum((0, 1)).astype(np.float64)
    return np.bincount(np.arange(128) % 12, weights=h, minlength=12)


def make_context(ba: np.ndarray, bo: np.ndarray, aa: np.ndarray, ao: np.ndarray,
                 tempo_a: float = 120.0, tempo_b: float = 120.0) -> BridgeContext:
    """A :class:`BridgeContext` for one window (default programs where a family plays).

    Parameters
    ----------
    ba, bo, aa, ao : np.ndarray
        (T, 5, 128) bool active/onset rolls before and after the gap.
    tempo_a, tempo_b : float
        Tempi of the two sides.
    """
    def progs(act: np.ndarray) -> tuple[int | None, ...]:
        has = np.asarray(act.any((0, 2)))
        return tuple(DEFAULT_PROGRAMS[f] if has[f] else None for f in range(5))

    def vel(act: np.ndarray) -> tuple[int, ...]:
        has = np.asarray(act.any((0, 2)))
        return tuple(90 if h else 0 for h in has)

    return BridgeContext(ba, bo, aa, ao, progs(ba), progs(aa), vel(ba), vel(aa),
                         estimate_key(pc_histogram(ba)), estimate_key(pc_histogram(aa)),
                         tempo_a, tempo_b)


class Scores:
    """Accumulates gap metrics of one method over batches."""

    def __init__(self) -> None:
        self.on = np.zeros((5, 3))  # tp, fp, fn per track
        self.act = np.zeros(3)
        self.bars = np.zeros(5)
        self.empty_bars = np.zeros(5)
        self.upc: list[float] = []
        self.notes = 0
        self.qualified = 0
        self.dp: list[float] = []
        self.onsets = np.zeros(5)
        self.n = 0

    def add(self, act: np.ndarray, on: np.ndarray, true_act: np.ndarray | None,
            true_on: np.ndarray | None) -> None:
        """Add (B, 32, 5, 128) predicted rolls and, when known, the true ones."""
        from pypianoroll.metrics import n_pitch_classes_used

        b = act.shape[0]
        self.n += b
        self.onsets += on.sum((0, 1, 3))
        if true_on is not None and true_act is not None:
            tp = (on & true_on).sum((0, 1, 3))
            self.on += np.stack([tp, on.sum((0, 1, 3)) - tp, true_on.sum((0, 1, 3)) - tp], 1)
            tpa = int((act & true_act).sum())
            self.act += [tpa, int(act.sum()) - tpa, int(true_act.sum()) - tpa]
        bars = act.reshape(b, 2, 16, 5, 128)
        has = np.asarray(bars.any((2, 4)))  # (B, 2, 5)
        self.bars += b * 2
        self.empty_bars += (~has).sum((0, 1))
        for i in range(b):
            for k in range(2):
                for f in range(1, 5):
                    if has[i, k, f]:
                        self.upc.append(n_pitch_classes_used(bars[i, k, :, f]))
            if on[i, :, 0].any():
                self.dp.append(_drum_pattern_rate(on[i, :, 0]))
        # note lengths of pitched tracks: a note runs from its onset while active, no new onset
        starts = np.argwhere(on[:, :, 1:])
        for bi, t, f, p in starts:
            e = t + 1
            while e < on.shape[1] and act[bi, e, f + 1, p] and not on[bi, e, f + 1, p]:
                e += 1
            self.notes += 1
            self.qualified += (e - t) >= 2

    def result(self) -> dict:
        """Metric dict (F1s only when ground truth was given)."""
        out: dict = {}
        if self.on.sum() > 0:
            tp, fp, fn = self.on.sum(0)
            out["note_f1"] = _f1(tp, fp, fn)
            for f, name in enumerate(FAMILIES):
                out[f"note_f1_{name.lower()}"] = _f1(*self.on[f])
            out["note_precision"] = float(tp / max(1, tp + fp))
            out["note_recall"] = float(tp / max(1, tp + fn))
            out["sustain_f1"] = _f1(*self.act)
        out["empty_bar_rate"] = float(self.empty_bars.sum() / max(1, self.bars.sum()))
        for f, name in enumerate(FAMILIES):
            out[f"empty_bar_rate_{name.lower()}"] = float(self.empty_bars[f] / max(1, self.bars[f]))
        out["used_pitch_classes"] = float(np.mean(self.upc)) if self.upc else math.nan
        out["qualified_note_rate"] = self.qualified / self.notes if self.notes else math.nan
        out["drum_pattern_rate"] = float(np.nanmean(self.dp)) if self.dp else math.nan
        out["onsets_per_bar"] = float(self.onsets.sum() / max(1, 2 * self.n))
        return out


def _drum_pattern_rate(drum_onsets: np.ndarray, tol: float = 0.1) -> float:
    """MuseGAN drum-in-pattern rate at 4 steps a beat (pypianoroll's mask, applied per beat).

    pypianoroll's ``drum_in_pattern_rate`` only accepts one beat at a time; this applies the
    same 8th-note mask ``[1, tol, 1, tol]`` to every beat of a (steps, 128) onset roll.
    """
    per_step = np.count_nonzero(drum_onsets, 1).reshape(-1, 4)
    total = per_step.sum()
    return float((per_step * np.array([1.0, tol, 1.0, tol])).sum() / total) if total else math.nan


def _f1(tp: float, fp: float, fn: float) -> float:
    return float(2 * tp / max(1.0, 2 * tp + fp + fn))


def _js(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance (base 2) of two histograms; 1 when one of them is empty."""
    from scipy.spatial.distance import jensenshannon

    if p.sum() <= 0 or q.sum() <= 0:
        return 1.0
    return float(jensenshannon(p / p.sum(), q / q.sum(), base=2))


def _in_key(act: np.ndarray, key) -> float:
    h = pc_histogram(act)
    if h.sum() <= 0:
        return math.nan
    return float(h[key_scale(key)].sum() / h.sum())


class _Methods:
    """Every method as a function (before, after) -> (act, on) gap rolls of shape (B,32,5,128)."""

    def __init__(self, weights: Path | None, seed_weights: Path | None) -> None:
        self.fns: dict = {}
        self.models: dict = {}
        for name, path in (("unet", weights), ("seed_unet", seed_weights)):
            if path is not None and Path(path).is_file():
                from ..model.unet import load_model

                model, meta = load_model(path)
                self.models[name] = (model, meta, Path(path))
                self.fns[name] = self._model_fn(model)
        self.fns.update(BASELINES)
        self.fns["rule"] = self._rule

    @staticmethod
    def _model_fn(model):
        from ..model.decode import decode_batch, predict_probs

        def fn(before, after):
            on, act = predict_probs(model, before[0], before[1], after[0], after[1])
            # as UNetComposer: a family that neither side plays has no program, so no notes
            plays = before[0].any((1, 3)) | after[0].any((1, 3))  # (B, 5)
            on *= plays[:, None, :, None]
            return decode_batch(on, act, model.cfg.onset_threshold, model.cfg.sustain_threshold)
        return fn

    @staticmethod
    def _rule(before, after):
        from ..model.decode import notes_to_rolls

        comp = RuleComposer()
        acts, ons = [], []
        for i in range(before[0].shape[0]):
            ctx = make_context(before[0][i], before[1][i], after[0][i], after[1][i])
            br = comp.compose(ctx)
            a, o = notes_to_rolls([(n.family, n.pitch, n.start, n.end) for n in br.notes])
            acts.append(a)
            ons.append(o)
        return np.stack(acts), np.stack(ons)


def evaluate(data: str | Path | LPD5, limit: int = 2000, seed: int = 0,
             weights: str | Path | None = None, seed_weights: str | Path | None = None,
             pairs: int = 300, threads: int = 2, split: str = "valid",
             latency_runs: int = 100) -> dict:
    """Evaluate all methods on ``limit`` windows sampled with ``seed``.

    Parameters
    ----------
    data : str, Path or LPD5
        Valid npz / LPD-5 directory or loaded data.
    limit : int
        Windows to sample (without replacement).
    seed : int
        Sampling seed.
    weights, seed_weights : str or Path, optional
        ``unet`` and ``seed_unet`` files (defaults in ``weights/``); a method is skipped when
        its file is missing.
    pairs : int
        Cross-song bridges (A from one song, B from another) to score.
    threads : int
        Torch threads while measuring latency.
    split : str
        Split to keep when ``data`` is an LPD-5 directory.
    latency_runs : int
        Bridges composed to measure the median latency.

    Returns
    -------
    dict
        ``{"methods": {name: metrics}, "model": {...}, "data": {...}}``.
    """
    import torch

    from .train import _tune_malloc

    _tune_malloc()
    wdir = data_dir("weights")
    weights = Path(weights) if weights else wdir / "bridge_unet.safetensors"
    seed_weights = Path(seed_weights) if seed_weights else wdir / "seed_unet.safetensors"
    if not isinstance(data, LPD5):
        src = str(data)
        data = load_lpd5(data, split=split if Path(data).is_dir() else None)
    else:
        src = "<LPD5>"
    win = gap_windows(data)
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(len(win), min(limit, len(win)), replace=False))
    methods = _Methods(weights, seed_weights)
    names = ["real"] + list(methods.fns)
    scores = {n: Scores() for n in names}
    old_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        for c in range(0, len(idx), _CHUNK):
            act, on = window_rolls(data, win.start[idx[c:c + _CHUNK]])
            ba, ga, aa = split_window(act)
            bo, go, ao = split_window(on)
            scores["real"].add(ga, go, None, None)
            for name, fn in methods.fns.items():
                pa, po = fn((ba, bo), (aa, ao))
                scores[name].add(pa, po, ga, go)
        result = {n: s.result() for n, s in scores.items()}
        cross = _cross_song(data, win, methods, pairs, rng)
        for n, r in cross.items():
            result[n].update(r)
        model_info: dict = {}
        for name, (model, meta, path) in methods.models.items():
            lat = _latency(path, data, win, idx, latency_runs, threads)
            result[name]["latency_ms"] = lat
            info = {**{k: v for k, v in meta.items() if k not in ("config",)},
                    "params": sum(p.numel() for p in model.parameters()),
                    "file": str(path.name), "file_bytes": path.stat().st_size,
                    "latency_ms": lat, "latency_threads": threads,
                    "config": dict(model.cfg.__dict__)}
            if name == "unet":
                model_info.update(info)
            else:
                model_info[name] = info
    finally:
        torch.set_num_threads(old_threads)
    return {"methods": result, "model": model_info,
            "data": {"source": src, "windows": int(len(idx)), "candidates": int(len(win)),
                     "seed": seed, "cross_song_pairs": pairs}}


def _cross_song(data: LPD5, win, methods: _Methods, pairs: int,
                rng: np.random.Generator) -> dict:
    """Bridges between two different songs: pitch-class JS, in-key ratio, density continuity."""
    if pairs <= 0:
        return {}
    ia = rng.choice(len(win), pairs)
    ib = rng.choice(len(win), pairs)
    keep = win.song[ia] != win.song[ib]
    ia, ib = ia[keep], ib[keep]
    a_act, a_on = window_rolls(data, win.start[ia])
    b_act, b_on = window_rolls(data, win.start[ib])
    ba, _, _ = split_window(a_act)
    bo, _, _ = split_window(a_on)
    _, _, aa = split_window(b_act)
    _, _, ao = split_window(b_on)
    keys_a = [estimate_key(pc_histogram(x)) for x in ba]
    keys_b = [estimate_key(pc_histogram(x)) for x in aa]
    dens_a = bo.sum((1, 2, 3)) / (bo.shape[1] / 16)
    dens_b = ao.sum((1, 2, 3)) / (ao.shape[1] / 16)
    out = {}
    for name, fn in methods.fns.items():
        pa, po = fn((ba, bo), (aa, ao))
        js_a, js_b, ik_a, ik_b, dj = [], [], [], [], []
        for i in range(len(ia)):
            h = pc_histogram(pa[i])
            js_a.append(_js(h, pc_histogram(ba[i])))
            js_b.append(_js(h, pc_histogram(aa[i])))
            ik_a.append(_in_key(pa[i], keys_a[i]))
            ik_b.append(_in_key(pa[i], keys_b[i]))
            mid = (dens_a[i] + dens_b[i]) / 2
            dj.append(abs(po[i].sum() / 2 - mid) / max(mid, 1.0))
        out[name] = {"x_pc_js_a": float(np.mean(js_a)), "x_pc_js_b": float(np.mean(js_b)),
                     "x_in_key_a": float(np.nanmean(ik_a)) if np.isfinite(ik_a).any() else math.nan,
                     "x_in_key_b": float(np.nanmean(ik_b)) if np.isfinite(ik_b).any() else math.nan,
                     "x_density_jump": float(np.mean(dj))}
    return out


def _latency(path: Path, data: LPD5, win, idx: np.ndarray, runs: int, threads: int) -> float:
    """Median ms per bridge of the full ``UNetComposer.compose`` path (inference + decoding)."""
    from ..model.composer import UNetComposer

    comp = UNetComposer(path)  # numpy; ``threads`` only sets torch for the rest
    sel = idx[: max(1, runs)]
    act, on = window_rolls(data, win.start[sel])
    ba, _, aa = split_window(act)
    bo, _, ao = split_window(on)
    times = []
    for i in range(len(sel)):
        ctx = make_context(ba[i], bo[i], aa[i], ao[i])
        if i == 0:
            comp.compose(ctx)  # warm-up
        t0 = time.perf_counter()
        comp.compose(ctx)
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def tune_thresholds(model, data: LPD5, n_windows: int = 1500, seed: int = 777
                    ) -> tuple[list[float], list[float]]:
    """Per-track thresholds on valid that make decoded note density match the real one.

    The onset threshold of a track is the quantile at which the number of predicted onset
    cells equals the real count; the sustain threshold is then picked from a grid so the
    decoded notes cover as many active cells as the real ones.

    Parameters
    ----------
    model : BridgeUNet
        Model to tune (its ``cfg`` is not modified).
    data : LPD5
        Valid data.
    n_windows : int
        Windows to sample.
    seed : int
        Sampling seed.

    Returns
    -------
    (list of float, list of float)
        Onset and sustain thresholds per track.
    """
    from ..model.decode import decode_batch, predict_probs

    win = gap_windows(data)
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(len(win), min(n_windows, len(win)), replace=False))
    lo, hi = model.cfg.pitch_lo, model.cfg.pitch_lo + model.cfg.n_pitches
    ps_on, ps_act, ts_on, ts_act = [], [], [], []
    for c in range(0, len(idx), _CHUNK):
        act, on = window_rolls(data, win.start[idx[c:c + _CHUNK]])
        ba, ga, aa = split_window(act)
        bo, go, ao = split_window(on)
        p_on, p_act = predict_probs(model, ba, bo, aa, ao)
        ps_on.append(p_on[..., lo:hi])
        ps_act.append(p_act[..., lo:hi])
        ts_on.append(go[..., lo:hi])
        ts_act.append(ga[..., lo:hi])
    p_on, p_act = np.concatenate(ps_on), np.concatenate(ps_act)
    t_on, t_act = np.concatenate(ts_on), np.concatenate(ts_act)
    on_thr = []
    for f in range(5):
        s = np.sort(p_on[:, :, f].ravel())[::-1]
        k = int(t_on[:, :, f].sum())
        on_thr.append(float(s[k]) if 0 < k < len(s) else 0.5)
    grid = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7]
    best_err = np.full(5, np.inf)
    act_thr = [0.5] * 5
    sub = slice(0, min(500, len(p_on)))
    pad = ((0, 0), (0, 0), (0, 0), (lo, 128 - hi))
    full_on = np.pad(p_on[sub], pad)
    full_act = np.pad(p_act[sub], pad)
    real = t_act[sub].sum((0, 1, 3))
    for g in grid:
        da, _ = decode_batch(full_on, full_act, on_thr, [g] * 5)
        got = da.sum((0, 1, 3))
        err = np.abs(got - real)
        for f in range(5):
            if err[f] < best_err[f]:
                best_err[f] = err[f]
                act_thr[f] = g
    return on_thr, act_thr


def tune_file(path: str | Path, valid: str | Path, seed: int = 777) -> dict:
    """Tune the thresholds of a weights file on valid and rewrite it with them.

    Parameters
    ----------
    path : str or Path
        Weights written by ``smootify train``.
    valid : str or Path
        Valid npz or LPD-5 directory.
    seed : int
        Window sampling seed.
    """
    from ..model.unet import load_model, save_model
    from .train import _tune_malloc

    _tune_malloc()
    model, meta = load_model(path)
    data = load_lpd5(valid, split="valid" if Path(valid).is_dir() else None)
    on_thr, act_thr = tune_thresholds(model, data, seed=seed)
    model.cfg.onset_threshold = [round(x, 5) for x in on_thr]
    model.cfg.sustain_threshold = act_thr
    extra = {k: v for k, v in meta.items() if k not in ("config", "format")}
    extra["thresholds"] = "density-matched on valid"
    save_model(model, path, extra)
    return {"onset": model.cfg.onset_threshold, "sustain": act_thr}


def format_table(res: dict) -> str:
    """Markdown table of the headline metrics of every method."""
    cols = ["note_f1"] + [f"note_f1_{n.lower()}" for n in FAMILIES] + [
        "sustain_f1", "empty_bar_rate", "used_pitch_classes", "qualified_note_rate",
        "drum_pattern_rate", "onsets_per_bar", "x_pc_js_a", "x_pc_js_b", "x_in_key_a",
        "x_in_key_b", "x_density_jump", "latency_ms"]
    short = [c.replace("note_f1_", "f1_") for c in cols]
    lines = ["| method | " + " | ".join(short) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, m in res["methods"].items():
        cells = []
        for c in cols:
            v = m.get(c)
            cells.append("" if v is None or (isinstance(v, float) and math.isnan(v))
                         else f"{v:.3f}" if isinstance(v, float) else str(v))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
