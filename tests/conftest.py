"""Shared fixtures: test songs written to a temporary folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from midi_factory import write_song

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "resources" / "demo"
SHARED = REPO.parent / "shared"


@pytest.fixture
def song_files(tmp_path: Path) -> list[Path]:
    """Three dense 16-bar songs in different keys and tempi."""
    return [
        write_song(tmp_path / "alpha.mid", bars=16, tempo=120, tonic=0, seed=1),
        write_song(tmp_path / "beta.mid", bars=16, tempo=100, tonic=7, seed=2),
        write_song(tmp_path / "gamma.mid", bars=16, tempo=140, tonic=9, seed=3),
    ]
