"""Compact per-bar sketch of a song's head and tail: what the mix-point scorer reads."""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass

import numpy as np

from ..music.families import N_FAMILIES
from ..music.features import BarFeatures
from ..music.mixpoint import MixFeatures

__all__ = ["HEAD_BARS", "TAIL_BARS", "EXIT_CANDIDATES", "ENTRY_CANDIDATES", "EXIT_FROM",
           "ENTRY_UNTIL", "Sketch", "encode_sketch", "decode_sketch"]

#: Bars kept from a song's start (entries ``0..ENTRY_CANDIDATES-1`` and their 8-bar key window).
HEAD_BARS = 16
#: Bars kept before a song's end (the latest exits and the 8 bars of key before them).
TAIL_BARS = 24
#: Latest exits considered for a join (the player's default window starts at 70 %).
EXIT_CANDIDATES = 16
#: Earliest entries considered for a join (the player's default window ends at 15 %).
ENTRY_CANDIDATES = 8
#: The player's default search windows (:class:`~smootify_player.music.mixpoint.MixSettings`).
EXIT_FROM = 0.70
ENTRY_UNTIL = 0.15

_VERSION = 1
_HEADER = struct.Struct("<BHHHHf")  # version, n_bars, head_len, tail_start, tail_len, pc scale
_STEPS = 16


@dataclass
class Sketch:
    """The head and tail bars of a song, decoded.

    Attributes
    ----------
    n_bars : int
        Bars of the whole song.
    tail_start : int
        Absolute bar of the first tail bar.
    head, tail : MixFeatures
        Bars ``[0, head_len)`` and, after ``pad`` empty bars that keep bar numbers' place in
        an 8-bar period, bars ``[tail_start, n_bars)``.
    pad : int
        Empty bars in front of the tail (``tail_start % 8``).
    """

    n_bars: int
    tail_start: int
    head: MixFeatures
    tail: MixFeatures
    pad: int

    def exits(self) -> np.ndarray:
        """Candidate exit bars, absolute: the latest :data:`EXIT_CANDIDATES` after 70 %."""
        n = self.n_bars
        lo = max(int(math.ceil(EXIT_FROM * n - 1e-9)), 1, n - EXIT_CANDIDATES + 1,
                 self.tail_start + 1)
        return np.arange(min(lo, n), n + 1, dtype=np.int64)

    def entries(self) -> np.ndarray:
        """Candidate entry bars: the earliest up to 15 % (at least bar 0)."""
        last = int(math.floor(ENTRY_UNTIL * self.n_bars + 1e-9))
        last = min(last, self.n_bars - 1, ENTRY_CANDIDATES - 1, self.head.n_bars - 1)
        return np.arange(0, max(last, 0) + 1, dtype=np.int64)

    def tail_index(self, bars: np.ndarray) -> np.ndarray:
        """Absolute bar numbers as indices of :attr:`tail`."""
        return np.asarray(bars, np.int64) - self.tail_start + self.pad


def encode_sketch(features: BarFeatures, bar_tempo: np.ndarray) -> bytes:
    """The head and tail bars of a song's features as a few hundred compressed bytes."""
    n = features.n_bars
    head = min(HEAD_BARS, n)
    tail_start = max(n - TAIL_BARS, 0)
    rows = np.r_[np.arange(head), np.arange(tail_start, n)]
    pc = np.asarray(features.pc, np.float64)[rows]
    top = float(pc.max()) if pc.size else 0.0
    scale = top / 255.0 if top > 0 else 1.0
    pc_q = np.clip(np.rint(pc / scale), 0, 255).astype(np.uint8)
    onsets = np.packbits(np.asarray(features.onsets, bool)[rows].reshape(len(rows), -1), axis=1)
    presence = np.packbits(np.asarray(features.presence, bool)[rows], axis=1)
    density = np.clip(np.rint(np.asarray(features.density)[rows]), 0, 65535).astype("<u2")
    tempo = np.asarray(bar_tempo, np.float64)[rows].astype("<f2")
    body = b"".join(a.tobytes() for a in (pc_q, onsets, presence, density, tempo))
    header = _HEADER.pack(_VERSION, n, head, tail_start, n - tail_start, scale)
    return header + zlib.compress(body, 9)


def decode_sketch(blob: bytes) -> Sketch:
    """The :class:`Sketch` of :func:`encode_sketch`'s bytes.

    Raises
    ------
    ValueError
        The bytes are not a sketch of this version.
    """
    try:
        version, n, head, tail_start, tail_len, scale = _HEADER.unpack_from(blob)
        if version != _VERSION:
            raise ValueError(f"sketch version {version}")
        body = zlib.decompress(blob[_HEADER.size:])
    except (struct.error, zlib.error) as exc:
        raise ValueError(f"bad sketch ({exc})") from None
    m = head + tail_len
    widths = (12, N_FAMILIES * _STEPS // 8, 1, 2, 2)
    if len(body) != m * sum(widths):
        raise ValueError("bad sketch (wrong length)")
    parts, at = [], 0
    for w in widths:
        parts.append(np.frombuffer(body, np.uint8, m * w, at).reshape(m, w))
        at += m * w
    pc = parts[0].astype(np.float64) * scale
    onsets = np.unpackbits(parts[1], axis=1)[:, :N_FAMILIES * _STEPS].reshape(m, N_FAMILIES,
                                                                               _STEPS)
    presence = np.unpackbits(parts[2], axis=1)[:, :N_FAMILIES]
    density = parts[3].copy().view("<u2")[:, 0].astype(np.float64)
    tempo = parts[4].copy().view("<f2")[:, 0].astype(np.float64)
    pad = tail_start % 8

    def features(sl: slice, front: int) -> MixFeatures:
        def padded(x: np.ndarray) -> np.ndarray:
            x = np.asarray(x[sl], np.float64)
            return np.concatenate([np.zeros((front,) + x.shape[1:]), x]) if front else x

        t = padded(tempo)
        if front:
            t[:front] = t[front]
        return MixFeatures(pc=padded(pc), onsets=padded(onsets), density=padded(density),
                           presence=padded(presence), tempo=t)

    return Sketch(n_bars=n, tail_start=tail_start, head=features(slice(0, head), 0),
                  tail=features(slice(head, m), pad), pad=pad)
