"""Run the U-Net on context rolls and decode its onset/sustain probabilities into notes."""

from __future__ import annotations

from typing import Any

import numpy as np

from .config import GAP_BARS, STEPS_PER_BAR, build_input
from .runtime import NumpyUNet

__all__ = ["GAP_STEPS", "predict_probs", "decode_notes", "decode_to_density", "notes_to_rolls",
           "decode_batch", "inpaint"]

GAP_STEPS = GAP_BARS * STEPS_PER_BAR


def predict_probs(model: Any, before_active: np.ndarray, before_onset: np.ndarray,
                  after_active: np.ndarray, after_onset: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Onset and sustain probabilities for the gap from full-range context rolls.

    Parameters
    ----------
    model : NumpyUNet or BridgeUNet
        The numpy runtime (the player's) or a torch model in eval mode (training's).
    before_active, before_onset : np.ndarray
        (B, n*16, 5, 128) bool: A's bars before the gap, n >= the model's context bars.
    after_active, after_onset : np.ndarray
        (B, n*16, 5, 128) bool: B's bars after the gap.

    Returns
    -------
    (np.ndarray, np.ndarray)
        float32 (B, 32, 5, 128) onset and sustain probabilities (0 outside the pitch range).
    """
    cfg = model.cfg
    c = cfg.ctx_bars * STEPS_PER_BAR
    lo, hi = cfg.pitch_lo, cfg.pitch_lo + cfg.n_pitches

    def cut(roll: np.ndarray, last: bool) -> np.ndarray:
        r = roll[:, -c:] if last else roll[:, :c]
        return r[..., lo:hi]

    x = build_input(cut(before_active, True), cut(before_onset, True),
                    cut(after_active, False), cut(after_onset, False), cfg)
    logits = _logits(model, x, cfg.gap_slice)
    with np.errstate(over="ignore"):
        probs = 1.0 / (1.0 + np.exp(-logits)) if cfg.loss != "mse" else np.clip(logits, 0, 1)
    p = probs.astype(np.float32).transpose(0, 2, 1, 3)  # (B, 32, 10, P)
    b = p.shape[0]
    on = np.zeros((b, GAP_STEPS, 5, 128), np.float32)
    act = np.zeros_like(on)
    on[..., lo:hi] = p[:, :, :5]
    act[..., lo:hi] = p[:, :, 5:]
    return on, act


def _logits(model: Any, x: np.ndarray, rows: slice) -> np.ndarray:
    """Logits at canvas steps ``rows`` of the numpy runtime (which computes only what they
    need), or of a torch model (imported only then)."""
    if isinstance(model, NumpyUNet):
        return model(x, rows)
    import torch

    with torch.inference_mode():
        return model(torch.from_numpy(x)).numpy()[:, :, rows]


def decode_notes(p_on: np.ndarray, p_act: np.ndarray, on_thr: list[float] | np.ndarray,
                 act_thr: list[float] | np.ndarray, drums: int = 0
                 ) -> list[tuple[int, int, int, int]]:
    """Decode one bridge: onsets start notes, sustain extends them; drums are short hits.

    Parameters
    ----------
    p_on, p_act : np.ndarray
        (steps, 5, 128) onset and sustain probabilities.
    on_thr, act_thr : sequence of float
        Per-track thresholds.
    drums : int
        Index of the drum track (notes last one step).

    Returns
    -------
    list of (family, pitch, start, end)
        Sorted by start step.
    """
    on_thr = np.asarray(on_thr, np.float32)[None, :, None]
    act_thr = np.asarray(act_thr, np.float32)[None, :, None]
    return _notes_from(p_on > on_thr, p_act > act_thr, drums)


def _notes_from(on: np.ndarray, act: np.ndarray, drums: int) -> list[tuple[int, int, int, int]]:
    """Onsets start notes, sustain extends them until the next onset; drums are hits."""
    n = on.shape[0]
    # run[t]: steps from t on that sustain without a new onset (computed back to front)
    held = act & ~on
    run = np.zeros((n + 1,) + on.shape[1:], np.int32)
    for t in range(n - 1, -1, -1):
        run[t] = (run[t + 1] + 1) * held[t]
    ts, fs, ps = np.nonzero(on)  # in (step, family, pitch) order: the order returned
    ends = ts + 1 + np.where(fs == drums, 0, run[ts + 1, fs, ps])
    return [(int(f), int(p), int(t), int(e)) for t, f, p, e in zip(ts, fs, ps, ends)]


def decode_to_density(p_on: np.ndarray, p_act: np.ndarray, steps: np.ndarray,
                      notes: np.ndarray, act_thr: list[float] | np.ndarray, drums: int = 0,
                      ) -> list[tuple[int, int, int, int]]:
    """Decode one bridge at a target density per family and bar, rather than a threshold.

    A model trained on whole songs is shy between two different songs: its probabilities
    rarely pass the thresholds tuned inside one song, and the bridge thins out. Here each
    family plays, in each bar, on the ``steps[b, f]`` steps where the model is most sure a
    note starts, each with up to ``notes[b, f] / steps[b, f]`` of its likeliest pitches (at
    least a quarter as likely as the first); sustain extends them as in :func:`decode_notes`.

    Parameters
    ----------
    p_on, p_act : np.ndarray
        (bars*16, 5, 128) onset and sustain probabilities.
    steps, notes : np.ndarray
        (bars, 5) target onset steps and notes per bar and family (the bars around the gap).
    act_thr : sequence of float
        Per-track sustain thresholds.
    drums : int
        Index of the drum track (notes last one step).

    Returns
    -------
    list of (family, pitch, start, end)
        Sorted by start step.
    """
    n, n_fam = p_on.shape[0], p_on.shape[1]
    act = p_act > np.asarray(act_thr, np.float32)[None, :, None]
    on = np.zeros(p_on.shape, bool)
    for bar in range(n // STEPS_PER_BAR):
        sl = slice(bar * STEPS_PER_BAR, (bar + 1) * STEPS_PER_BAR)
        for f in range(n_fam):
            k = int(np.clip(round(float(steps[bar, f])), 0, STEPS_PER_BAR))
            if k == 0:
                continue
            probs = p_on[sl, f]
            best = probs.max(1)
            chosen = np.sort(np.argsort(-best, kind="stable")[:k])
            poly = max(1, int(round(float(notes[bar, f]) / k)))
            # each chosen step's likeliest pitches, all steps in one sort
            rows = probs[chosen]
            order = np.argsort(-rows, axis=1, kind="stable")[:, :poly]
            top = np.take_along_axis(rows, order, 1)
            keep = top >= 0.25 * top[:, :1]
            steps_of = np.broadcast_to(chosen[:, None], order.shape)
            on[bar * STEPS_PER_BAR + steps_of[keep], f, order[keep]] = True
    return _notes_from(on, act, drums)


def notes_to_rolls(notes: list[tuple[int, int, int, int]], n_steps: int = GAP_STEPS
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(active, onset) bool (n_steps, 5, 128) rolls of ``(family, pitch, start, end)`` notes."""
    act = np.zeros((n_steps, 5, 128), bool)
    on = np.zeros_like(act)
    for f, p, s, e in notes:
        act[s:e, f, p] = True
        on[s, f, p] = True
    return act, on


def decode_batch(p_on: np.ndarray, p_act: np.ndarray, on_thr: list[float],
                 act_thr: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Decode a batch (B, steps, 5, 128) of probabilities to (active, onset) note rolls."""
    acts, ons = [], []
    for i in range(p_on.shape[0]):
        a, o = notes_to_rolls(decode_notes(p_on[i], p_act[i], on_thr, act_thr), p_on.shape[1])
        acts.append(a)
        ons.append(o)
    return np.stack(acts), np.stack(ons)


def inpaint(model: Any, active: np.ndarray, onset: np.ndarray, ctx_bars: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """Fill the 2 gap bars of full windows with decoded notes; context cells are kept as given.

    Parameters
    ----------
    model : NumpyUNet or BridgeUNet
        The numpy runtime or a torch model in eval mode.
    active, onset : np.ndarray
        (B, (2*ctx_bars+2)*16, 5, 128) bool windows; their gap content is ignored.
    ctx_bars : int
        Context bars on each side of the windows (at least the model's).

    Returns
    -------
    (np.ndarray, np.ndarray)
        Copies of ``active`` and ``onset`` with the gap replaced by the model's bridge.
    """
    c = ctx_bars * STEPS_PER_BAR
    g = slice(c, c + GAP_STEPS)
    p_on, p_act = predict_probs(model, active[:, :c], onset[:, :c], active[:, g.stop:],
                                onset[:, g.stop:])
    da, do = decode_batch(p_on, p_act, model.cfg.onset_threshold, model.cfg.sustain_threshold)
    out_a, out_o = active.copy(), onset.copy()
    out_a[:, g], out_o[:, g] = da, do
    return out_a, out_o
