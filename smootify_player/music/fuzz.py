"""Seeded mutations of MIDI files, for fuzzing the reader (tests and ``bench/fuzz_midi.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["mutations"]

_STATUS = bytes([0x80, 0x90, 0xB0, 0xC0, 0xE0, 0xF0, 0xF4, 0xF7, 0xFF, 0x2F, 0x51, 0x00, 0x7F])


def mutations(seed_files: list[bytes], n: int, seed: int = 0) -> Iterator[bytes]:
    """``n`` damaged variants of ``seed_files``: flipped bytes, cuts, splices, bogus lengths.

    Each variant applies 1-4 of: random byte changes, interesting status/meta bytes written
    at random places, a truncation, a duplicated or deleted span, a chunk length rewritten
    to 0, huge or random, and a splice of two files.
    """
    rng = np.random.default_rng(seed)
    for _ in range(n):
        data = bytearray(seed_files[int(rng.integers(len(seed_files)))])
        for _ in range(int(rng.integers(1, 5))):
            op = int(rng.integers(7))
            size = len(data)
            if size < 16:
                break
            at = int(rng.integers(size))
            if op == 0:
                for _ in range(int(rng.integers(1, 9))):
                    data[int(rng.integers(size))] = int(rng.integers(256))
            elif op == 1:
                data[at] = _STATUS[int(rng.integers(len(_STATUS)))]
            elif op == 2:
                del data[at:]
            elif op == 3:
                span = data[at:at + int(rng.integers(1, 64))]
                data[at:at] = span
            elif op == 4:
                del data[at:at + int(rng.integers(1, 64))]
            elif op == 5:
                idx = data.find(b"MTrk", int(rng.integers(size)))
                if idx < 0:
                    idx = data.find(b"MTrk")
                if idx >= 0 and idx + 8 <= len(data):
                    length = (0, 0xFFFFFFFF, int(rng.integers(1 << 32)))[int(rng.integers(3))]
                    data[idx + 4:idx + 8] = length.to_bytes(4, "big")
            else:
                other = seed_files[int(rng.integers(len(seed_files)))]
                cut = int(rng.integers(len(other)))
                data = data[:at] + bytearray(other[cut:])
        yield bytes(data)
