"""Where the library database lives: the per-user cache folder, platformdirs-style."""

from __future__ import annotations

from pathlib import Path

from ..dirs import APP_NAME, user_cache_dir

__all__ = ["APP_NAME", "DB_NAME", "default_cache_dir", "default_db_path"]

#: The database's file name inside the cache folder.
DB_NAME = "library.sqlite3"
#: The per-user cache folder of Smootify (``smootify_player.dirs.user_cache_dir``).
default_cache_dir = user_cache_dir


def default_db_path() -> Path:
    """The library database in :func:`default_cache_dir`."""
    return default_cache_dir() / DB_NAME
