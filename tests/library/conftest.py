"""Small real libraries: MIDI files written with pretty_midi (keys, tempi, meters, credits)."""

from __future__ import annotations

import io
from pathlib import Path

import mido
import pytest
from midi_factory import make_song

from smootify_player.library import Library

#: (numerator, denominator) of the generated songs, round-robin.
METERS = ((4, 4), (3, 4), (6, 8))


def write_credited(path: Path, credit: str | None = None, **kwargs) -> Path:
    """:func:`midi_factory.make_song` written to ``path`` with a copyright notice."""
    buf = io.BytesIO()
    make_song(**kwargs).write(buf)
    if credit is not None:
        buf.seek(0)
        mf = mido.MidiFile(file=buf)
        mf.tracks[0].insert(0, mido.MetaMessage("copyright", text=credit, time=0))
        buf = io.BytesIO()
        mf.save(file=buf)
    path.write_bytes(buf.getvalue())
    return path


def write_library(folder: Path, n: int, seed: int = 0, credits: int = 3) -> list[Path]:
    """``n`` short songs in ``folder``: keys round the circle, tempi 80-160, three meters,
    ``credits`` different credits round-robin."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        num, den = METERS[i % len(METERS)]
        out.append(write_credited(
            folder / f"song_{i:02d}.mid", credit=f"Composer {i % credits}" if credits else None,
            bars=6 + i % 5, tempo=80 + (i * 37 + seed) % 80, tonic=(i * 7 + seed) % 12,
            numerator=num, denominator=den, seed=seed + i, drums=i % 4 != 3))
    return out


@pytest.fixture
def music(tmp_path: Path) -> Path:
    """A folder of 12 songs."""
    write_library(tmp_path / "music", 12)
    return tmp_path / "music"


@pytest.fixture
def library(tmp_path: Path, music: Path):
    """A Library in ``tmp_path/lib.sqlite3`` with ``music`` scanned (in this process)."""
    lib = Library(tmp_path / "lib.sqlite3")
    lib.scan([music], workers=0)
    yield lib
    lib.close()
