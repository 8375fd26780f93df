"""The app's library database (radio, ratings), opened on first use from any thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["LibraryAccess", "LazyRadio"]

log = logging.getLogger("smootify.app")


class LibraryAccess:
    """Opens the :class:`~smootify_player.library.Library` when something first needs it.

    The window rates joins and shows results through it; the Player's radio picks songs
    through it from a background job. Opening is lazy (a window that never rates nor plays
    radio never creates the file) and guarded by a lock (the database connection itself is
    safe to share between threads). Raises what ``Library`` raises when the file cannot be
    opened (a one-line ``LibraryError``), each time it is asked.

    Parameters
    ----------
    path : Path, optional
        The database (default: ``library.sqlite3`` in the per-user cache folder).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self._path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._library: Any = None
        self._closed = False

    @property
    def path(self) -> Path:
        """The database file."""
        if self._path is None:
            from ..library import default_db_path

            self._path = default_db_path()
        return self._path

    @property
    def opened(self) -> bool:
        return self._library is not None

    def library(self) -> Any:
        """The :class:`~smootify_player.library.Library`, opened now if it is not yet."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the library is closed")
            if self._library is None:
                from ..library import Library

                self._library = Library(self.path, notice=lambda m: log.warning("%s", m))
            return self._library

    def ratings(self) -> Any:
        """The library's :class:`~smootify_player.library.Ratings`."""
        return self.library().ratings

    def close(self) -> None:
        """Close the database (when it was opened); later calls raise."""
        with self._lock:
            self._closed = True
            lib, self._library = self._library, None
        if lib is not None:
            lib.close()


class LazyRadio:
    """The Player's radio source over a :class:`LibraryAccess`: a
    :class:`~smootify_player.library.LibraryRadio` made on the first pick (in the background
    job that asks for it)."""

    def __init__(self, access: LibraryAccess, seed: int | None = None) -> None:
        self.access = access
        self.seed = seed
        self._radio: Any = None

    def next_after(self, path: str, recent: Iterable[str] = ()) -> Any:
        """The pick to follow ``path`` (see ``LibraryRadio.next_after``)."""
        if self._radio is None:
            from ..library import LibraryRadio

            self._radio = LibraryRadio(self.access.library(), seed=self.seed)
        return self._radio.next_after(path, recent)
