"""Key detection with Krumhansl-Schmuckler profiles, and distances between keys."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Key", "estimate_key", "key_scale", "NOTE_NAMES"]

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")

# Krumhansl & Kessler (1982) probe-tone profiles, tonic first.
_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def _rotations(profile: np.ndarray) -> np.ndarray:
    return np.stack([np.roll(profile, k) for k in range(12)])


# (24, 12): rows 0-11 major keys on C..B, rows 12-23 minor keys on C..B; z-scored per row.
_PROFILES = np.concatenate([_rotations(_MAJOR), _rotations(_MINOR)])
_PROFILES = (_PROFILES - _PROFILES.mean(1, keepdims=True)) / _PROFILES.std(1, keepdims=True)

#: The 24 z-scored key profiles (major C..B, then minor C..B), for correlation with histograms.
KEY_PROFILES = _PROFILES

_MAJOR_SCALE = np.array([0, 2, 4, 5, 7, 9, 11])
_MINOR_SCALE = np.array([0, 2, 3, 5, 7, 8, 10])


@dataclass(frozen=True)
class Key:
    """A musical key: tonic pitch class 0-11 and mode, with the profile correlation."""

    tonic: int
    minor: bool
    confidence: float = 0.0

    @property
    def name(self) -> str:
        """Human-readable name such as ``"A minor"``."""
        return f"{NOTE_NAMES[self.tonic]} {'minor' if self.minor else 'major'}"

    @property
    def fifths(self) -> int:
        """Position on the circle of fifths of the relative major (C=0, G=1, F=-1...)."""
        major_tonic = (self.tonic + 3) % 12 if self.minor else self.tonic
        pos = (major_tonic * 7) % 12
        return pos - 12 if pos > 6 else pos

    def distance(self, other: Key) -> int:
        """Steps on the circle of fifths between the two keys' relative majors (0-6)."""
        d = abs(self.fifths - other.fifths) % 12
        return min(d, 12 - d)

    def scale(self) -> np.ndarray:
        """Pitch classes of the key's diatonic scale."""
        return key_scale(self)

    def to_dict(self) -> dict:
        return {"tonic": self.tonic, "minor": self.minor, "name": self.name,
                "confidence": round(float(self.confidence), 3)}


def key_scale(key: Key) -> np.ndarray:
    """Pitch classes (sorted) of the natural scale of ``key``."""
    steps = _MINOR_SCALE if key.minor else _MAJOR_SCALE
    return np.sort((steps + key.tonic) % 12)


def estimate_key(pc_hist: np.ndarray) -> Key:
    """Estimate the key of a 12-bin duration-weighted pitch-class histogram.

    Parameters
    ----------
    pc_hist : np.ndarray
        Shape (12,) or (n, 12); rows are summed. An all-zero histogram gives C major with
        confidence 0.
    """
    h = np.asarray(pc_hist, dtype=np.float64)
    if h.ndim == 2:
        h = h.sum(0)
    if not np.any(h > 0) or h.std() == 0:
        return Key(0, False, 0.0)
    z = (h - h.mean()) / h.std()
    corr = _PROFILES @ z / 12.0
    best = int(np.argmax(corr))
    return Key(best % 12, best >= 12, float(corr[best]))
