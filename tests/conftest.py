"""Shared fixtures: test songs written to a temporary folder."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# The tests never write to the user's cache (a decoded soundfont is 205 MB): whatever they
# start, child processes included, sees a cache of its own, and no decoded soundfont unless
# a test asks for one (tests/audio/test_sfcache.py).
os.environ.setdefault("SMOOTIFY_SOUNDFONT_CACHE", "0")
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="smootify-test-cache-")

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
