"""Per-bar features computed from 5-family pianorolls: pitch classes, onset grids, density."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import STEPS_PER_BAR
from .families import DRUMS, N_FAMILIES

__all__ = ["STEPS_PER_BAR", "BarFeatures", "bar_features"]



@dataclass
class BarFeatures:
    """Features of every bar of a song, all arrays indexed by bar.

    Attributes
    ----------
    pc : np.ndarray
        (n_bars, 12) duration-weighted pitch-class counts in steps (drums excluded).
    onsets : np.ndarray
        (n_bars, 5, 16) bool: a note of the family starts on the step.
    density : np.ndarray
        (n_bars,) note onsets per bar, all families.
    presence : np.ndarray
        (n_bars, 5) bool: the family sounds in the bar.
    """

    pc: np.ndarray
    onsets: np.ndarray
    density: np.ndarray
    presence: np.ndarray

    @property
    def n_bars(self) -> int:
        return int(self.pc.shape[0])

    def pc_dist(self, start: int, stop: int) -> np.ndarray:
        """Normalised pitch-class distribution of bars [start, stop) (uniform when empty)."""
        h = self.pc[max(start, 0):max(stop, 0)].sum(0)
        total = h.sum()
        return h / total if total > 0 else np.full(12, 1 / 12)


def bar_features(active: np.ndarray, onset: np.ndarray) -> BarFeatures:
    """Compute :class:`BarFeatures` from (n_bars*16, 5, 128) bool active and onset rolls."""
    steps = active.shape[0] - active.shape[0] % STEPS_PER_BAR
    n = steps // STEPS_PER_BAR
    act = active[:steps].reshape(n, STEPS_PER_BAR, N_FAMILIES, 128)
    ons = onset[:steps].reshape(n, STEPS_PER_BAR, N_FAMILIES, 128)
    pitched = act[:, :, DRUMS + 1:, :].sum(axis=(1, 2), dtype=np.float32)  # (n, 128)
    pad = np.zeros((n, 132), np.float32)
    pad[:, :128] = pitched
    pc = pad.reshape(n, 11, 12).sum(1)
    onset_grid = np.any(ons, axis=3).transpose(0, 2, 1)  # (n, 5, 16)
    density = ons.sum(axis=(1, 2, 3)).astype(np.float32)
    presence = np.any(act, axis=(1, 3))
    return BarFeatures(pc=pc, onsets=onset_grid, density=density, presence=presence)
