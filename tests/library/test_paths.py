"""The database's default place and the package's layering (no Qt, no app)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from smootify_player.library.paths import default_cache_dir, default_db_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_imports import _violations


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG folders")
def test_cache_dir_follows_xdg(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "Smootify"
    assert default_db_path() == tmp_path / "Smootify" / "library.sqlite3"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert default_cache_dir() == Path.home() / ".cache" / "Smootify"


def test_the_library_knows_no_qt_and_no_app():
    assert _violations("library", {"app", "player", "audio", "model", "composers", "training",
                                   "cli"}, qt=True) == []
