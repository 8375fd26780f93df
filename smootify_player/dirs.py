"""Per-user folders Smootify writes to (its cache), found the way platformdirs and Qt do."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["APP_NAME", "user_cache_dir"]

#: The application name, as the app gives Qt (``~/.local/share/Smootify`` holds its state).
APP_NAME = "Smootify"


def user_cache_dir() -> Path:
    """The per-user cache folder of Smootify (what Qt's CacheLocation and platformdirs give).

    Linux and other Unix: ``$XDG_CACHE_HOME/Smootify`` (``~/.cache/Smootify``); macOS:
    ``~/Library/Caches/Smootify``; Windows: ``%LOCALAPPDATA%\\Smootify\\cache``.
    """
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_NAME / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP_NAME
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base_dir = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base_dir / APP_NAME
