"""Small synthetic LPD-5 arrays for fast tests: songs that repeat a one-bar pattern."""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["synthetic_rolls", "write_synthetic_npz"]


def synthetic_rolls(n_songs: int = 6, bars: int = 14, seed: int = 0
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(active, onset) bool (steps, 5, 128) and offsets of songs repeating one random bar."""
    rng = np.random.default_rng(seed)
    acts, ons = [], []
    for _ in range(n_songs):
        bar_a = np.zeros((16, 5, 128), bool)
        bar_o = np.zeros_like(bar_a)
        for s in range(0, 16, 4):
            bar_o[s, 0, 36] = bar_a[s, 0, 36] = True
        for f, lo in ((1, 60), (3, 36)):
            for s in range(0, 16, 8):
                p = lo + int(rng.integers(0, 12))
                bar_o[s, f, p] = True
                bar_a[s:s + 6, f, p] = True
        acts.append(np.tile(bar_a, (bars, 1, 1)))
        ons.append(np.tile(bar_o, (bars, 1, 1)))
    lengths = [a.shape[0] for a in acts]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return np.concatenate(acts), np.concatenate(ons), offsets


def write_synthetic_npz(path: Path, n_songs: int = 6, bars: int = 14, seed: int = 0) -> Path:
    """Write synthetic songs in the ``lpd5_16th_*.npz`` format."""
    act, on, offsets = synthetic_rolls(n_songs, bars, seed)
    np.savez_compressed(
        path, active=np.packbits(act, axis=-1), onset=np.packbits(on, axis=-1), offsets=offsets,
        md5=np.array([f"{i:032x}" for i in range(n_songs)]), genre=np.array([""] * n_songs),
        tempo=np.full(n_songs, 120.0, np.float32), msd_ids=np.array([""] * n_songs),
        tracks=np.array(["Drums", "Piano", "Guitar", "Bass", "Strings"]),
        programs=np.array([0, 0, 24, 32, 48]), steps_per_beat=np.array(4))
    return path
