"""The music library: a feature cache in SQLite, radio picks and smoothest-flow ordering.

- ``paths.py``: where the database lives (the per-user cache folder)
- ``db.py``: :class:`LibraryDB`, the SQLite schema, transactions, repair
- ``features.py``: :class:`SongFeatures`, what is kept of a song, and its analysis
- ``sketch.py``: the per-bar head and tail of a song that the mix-point scorer reads
- ``scan.py``: folder scans, change detection, the analysis process pool
- ``query.py``: search, filters and sorting
- ``library.py``: :class:`Library`, the facade
- ``catalog.py``: :class:`Catalog`, the songs as numpy columns
- ``cost.py``: the transition cost between songs from their features
- ``radio.py``: :class:`Radio`, the next song for the one playing; :class:`LibraryRadio`,
  the Player's radio source
- ``order.py``: :func:`smooth_order`, the smoothest-flow order of a playlist
- ``ratings.py``: :class:`Ratings`, listener profiles and join ratings, CSV, MOS results
- ``commands.py``: ``smootify radio`` and ``smootify order``
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported on first use, so the CLI's parser can load ``commands`` without numpy.
_LAZY = {
    "Catalog": "catalog",
    "Library": "library",
    "OrderResult": "order",
    "order_songs": "order",
    "smooth_order": "order",
    "default_cache_dir": "paths",
    "default_db_path": "paths",
    "SongRecord": "query",
    "Pick": "radio",
    "Ratings": "ratings",
    "LibraryRadio": "radio",
    "Radio": "radio",
    "ScanReport": "scan",
}

__all__ = ["Catalog", "Library", "LibraryRadio", "OrderResult", "Pick", "Radio", "Ratings",
           "ScanReport", "SongRecord", "default_cache_dir", "default_db_path", "order_songs",
           "smooth_order"]

if TYPE_CHECKING:
    from .catalog import Catalog
    from .library import Library
    from .order import OrderResult, order_songs, smooth_order
    from .paths import default_cache_dir, default_db_path
    from .query import SongRecord
    from .radio import LibraryRadio, Pick, Radio
    from .ratings import Ratings
    from .scan import ScanReport


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
