"""Simple gap fillers to measure the model against: empty, repeat, copy, blend."""

from __future__ import annotations

import numpy as np

from .data import GAP_BARS, STEPS_PER_BAR

__all__ = ["BASELINES", "empty", "repeat_last", "copy_next", "blend"]

_G = GAP_BARS * STEPS_PER_BAR


def empty(before: tuple[np.ndarray, np.ndarray], after: tuple[np.ndarray, np.ndarray]
          ) -> tuple[np.ndarray, np.ndarray]:
    """No notes in the gap. ``before``/``after`` are (active, onset) (B, T, 5, 128) rolls."""
    a = np.zeros((before[0].shape[0], _G) + before[0].shape[2:], bool)
    return a, a.copy()


def _tile(bar: np.ndarray) -> np.ndarray:
    return np.concatenate([bar] * GAP_BARS, axis=1)


def repeat_last(before, after) -> tuple[np.ndarray, np.ndarray]:
    """A's last context bar played twice."""
    return _tile(before[0][:, -STEPS_PER_BAR:]), _tile(before[1][:, -STEPS_PER_BAR:])


def copy_next(before, after) -> tuple[np.ndarray, np.ndarray]:
    """B's first context bar played twice."""
    return _tile(after[0][:, :STEPS_PER_BAR]), _tile(after[1][:, :STEPS_PER_BAR])


def blend(before, after, threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Cross-fade of ``repeat_last`` into ``copy_next``: weight of B grows linearly per step.

    A cell sounds when ``(1 - w) * A + w * B > threshold``; with 0.5 the first bar follows A,
    the second B, and cells both agree on sound throughout.
    """
    w = ((np.arange(_G) + 0.5) / _G)[None, :, None, None]
    ra, rb = repeat_last(before, after), copy_next(before, after)
    act = (1 - w) * ra[0] + w * rb[0] > threshold
    on = (1 - w) * ra[1] + w * rb[1] > threshold
    return act, on & act


BASELINES = {"empty": empty, "repeat_last": repeat_last, "copy_next": copy_next, "blend": blend}
