"""Turn gap windows into model inputs and targets, with transposition augmentation."""

from __future__ import annotations

import numpy as np

from ..model.unet import ModelConfig, build_input
from .data import GAP_BARS, LPD5, MAX_CTX_BARS, STEPS_PER_BAR, extract, transpose_pitched

__all__ = ["window_rolls", "make_batch", "split_window"]


def window_rolls(data: LPD5, starts: np.ndarray, rng: np.random.Generator | None = None,
                 max_shift: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unpack full windows (B, (2*MAX_CTX_BARS+2)*16, 5, 128), transposing pitched tracks.

    Parameters
    ----------
    data : LPD5
        The songs.
    starts : np.ndarray
        Window starts from :func:`gap_windows`.
    rng : np.random.Generator, optional
        Draws one shift in ``[-max_shift, max_shift]`` per window when ``max_shift`` > 0.
    max_shift : int
        Largest transposition in semitones.
    """
    acts, ons = [], []
    for s in starts:
        a, o = extract(data, int(s))
        if max_shift and rng is not None:
            k = int(rng.integers(-max_shift, max_shift + 1))
            a, o = transpose_pitched(a, k), transpose_pitched(o, k)
        acts.append(a)
        ons.append(o)
    return np.stack(acts), np.stack(ons)


def split_window(roll: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split (B, T, ...) full windows into (before, gap, after) along time."""
    c = MAX_CTX_BARS * STEPS_PER_BAR
    g = GAP_BARS * STEPS_PER_BAR
    return roll[:, :c], roll[:, c:c + g], roll[:, c + g:]


def make_batch(act: np.ndarray, on: np.ndarray, cfg: ModelConfig
               ) -> tuple[np.ndarray, np.ndarray]:
    """Model input (B, C, T, P) and gap target (B, 10, 32, P) from full-window rolls.

    Parameters
    ----------
    act, on : np.ndarray
        (B, T, 5, 128) bool full windows.
    cfg : ModelConfig
        Context bars, pitch range and layout of the model.
    """
    c = cfg.ctx_bars * STEPS_PER_BAR
    lo, hi = cfg.pitch_lo, cfg.pitch_lo + cfg.n_pitches
    ba, ga, aa = split_window(act[..., lo:hi])
    bo, go, ao = split_window(on[..., lo:hi])
    x = build_input(ba[:, -c:], bo[:, -c:], aa[:, :c], ao[:, :c], cfg)
    y = np.concatenate([go.transpose(0, 2, 1, 3), ga.transpose(0, 2, 1, 3)], 1)
    return x, y.astype(np.float32)
