"""Fixtures for the training tests: a synthetic dataset file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from synth import write_synthetic_npz


@pytest.fixture
def synth_npz(tmp_path: Path) -> Path:
    """Six 14-bar songs repeating one bar, in the 16th-note npz format."""
    return write_synthetic_npz(tmp_path / "synth.npz")
