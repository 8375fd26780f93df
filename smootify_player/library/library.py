"""The Library: folders of MIDI files, their features cached in SQLite, searched and read."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from .catalog import Catalog, load_catalog
from .db import MISSING, OK, STATUS_NAMES, LibraryDB, path_from_key, path_key
from .paths import default_db_path
from .query import SongRecord, search
from .ratings import Ratings
from .scan import Progress, ScanReport, find_midi_files, folder_paths, index_files

__all__ = ["Library"]


class Library:
    """A user's music library: folders scanned into a cache of per-song features.

    Parameters
    ----------
    path : Path, optional
        The database (default: ``library.sqlite3`` in the per-user cache folder).
    notice : callable, optional
        Told, in one line, of a broken database moved aside.

    Examples
    --------
    >>> lib = Library(tmp / "lib.sqlite3")            # doctest: +SKIP
    >>> lib.scan([music_folder], progress=print)      # doctest: +SKIP
    >>> lib.search("waltz", meter="3/4", sort="tempo")  # doctest: +SKIP
    """

    def __init__(self, path: str | Path | None = None,
                 notice: Callable[[str], None] | None = None):
        self.db = LibraryDB(default_db_path() if path is None else path, notice=notice)
        self._ratings: Ratings | None = None
        #: Bumped whenever this object changed which songs the library holds (a scan that
        #: found something, a folder removed, files forgotten): a radio rebuilds its catalog.
        self.changes = 0

    @property
    def ratings(self) -> Ratings:
        """Listener profiles and join ratings (kept in this database)."""
        if self._ratings is None:
            self._ratings = Ratings(self.db)
        return self._ratings

    @property
    def path(self) -> Path:
        """The database file."""
        return self.db.path

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- folders
    def folders(self) -> list[str]:
        """The library's folders, in the order they were added."""
        return [path_from_key(r[0]) for r in self.db.query("SELECT path FROM folders ORDER BY id")]

    def add_folder(self, folder: str | os.PathLike[str]) -> None:
        """Add a folder (scan it with :meth:`scan`)."""
        self.db.folder_id(path_key(folder))

    def remove_folder(self, folder: str | os.PathLike[str]) -> None:
        """Forget a folder and its files (the features stay cached by content)."""
        key = path_key(folder)
        with self.db.write() as conn:
            row = conn.execute("SELECT id FROM folders WHERE path = ?", (key,)).fetchone()
            if row is not None:
                conn.execute("DELETE FROM files WHERE folder = ?", (row[0],))
                conn.execute("DELETE FROM folders WHERE id = ?", (row[0],))
                self.changes += 1

    def scan(self, folders: Iterable[str | os.PathLike[str]] | None = None,
             progress: Progress | None = None, workers: int | None = None,
             should_stop: Callable[[], bool] | None = None) -> ScanReport:
        """Bring the cache up to date with the folders (added when new; default: all).

        New and changed files are found by path, size and modification time, then by
        content hash; contents not seen before are analysed in a process pool (every core,
        at lower priority). A vanished folder or file is marked missing, a file that cannot
        be used broken; neither stops the scan.

        Parameters
        ----------
        folders : iterable of path, optional
            Folders to scan (added to the library); default: every library folder.
        progress : callable, optional
            ``progress(done, total)`` as files are analysed.
        workers : int, optional
            Analysis processes (default: every core; 0: in this process).
        should_stop : callable, optional
            Polled between batches; stops the scan early when true.
        """
        targets = [path_key(f) for f in folders] if folders is not None else \
            [r[0] for r in self.db.query("SELECT path FROM folders ORDER BY id")]
        report = ScanReport()
        for key in targets:
            fid = self.db.folder_id(bytes(key))
            root = path_from_key(bytes(key))
            files = find_midi_files(root) if os.path.isdir(root) else []
            index_files(self.db, files, folder=fid, known_paths=folder_paths(self.db, fid),
                        progress=progress, workers=workers, should_stop=should_stop,
                        report=report)
            if report.stopped:
                break
        self._changed(report)
        return report

    def _changed(self, report: ScanReport) -> None:
        if report.new or report.changed or report.removed or report.broken:
            self.changes += 1

    def forget_missing(self, folders: Iterable[str | os.PathLike[str]] | None = None) -> int:
        """Drop the rows of files marked missing; returns how many.

        Parameters
        ----------
        folders : iterable of path, optional
            Only those of these library folders (default: every file).
        """
        with self.db.write() as conn:
            if folders is None:
                gone = conn.execute(f"DELETE FROM files WHERE status = {MISSING}").rowcount
            else:
                gone = sum(conn.execute(
                    f"DELETE FROM files WHERE status = {MISSING} AND folder IN "
                    "(SELECT id FROM folders WHERE path = ?)", (path_key(f),)).rowcount
                    for f in folders)
        if gone:
            self.changes += 1
        return gone

    def prune(self) -> int:
        """Drop cached features that no known file holds; returns how many."""
        with self.db.write() as conn:
            return conn.execute("DELETE FROM songs WHERE digest NOT IN (SELECT digest FROM "
                                "files WHERE digest IS NOT NULL)").rowcount

    def add_files(self, paths: Iterable[str | os.PathLike[str]],
                  progress: Progress | None = None, workers: int | None = None) -> ScanReport:
        """Index single files (outside the library's folders, e.g. a playlist's songs)."""
        report = index_files(self.db, [os.fspath(p) for p in paths], progress=progress,
                             workers=workers)
        self._changed(report)
        return report

    # ----------------------------------------------------------------- reading
    def search(self, text: str | None = None, **filters: object) -> list[SongRecord]:
        """Files matching the filters, sorted; see :func:`~.query.search`."""
        return search(self.db, text, **filters)  # type: ignore[arg-type]

    def count(self, status: str = "ok") -> int:
        """Files that are ``ok``, ``broken``, ``missing`` or ``all``."""
        codes = {"ok": f"status = {OK}", "broken": "status = 1",
                 "missing": f"status = {MISSING}", "all": "1"}
        return int(self.db.query(f"SELECT count(*) FROM files WHERE {codes[status]}")[0][0])

    def digest_of(self, path: str | os.PathLike[str]) -> str | None:
        """The content hash the library holds for an analysed file, else None."""
        rows = self.db.query(f"SELECT digest FROM files WHERE path = ? AND status = {OK}",
                             (path_key(path),))
        return rows[0][0] if rows else None

    def file_status(self, path: str | os.PathLike[str]) -> tuple[str, str | None] | None:
        """(``ok``/``broken``/``missing``, why) of a file the library knows, else None."""
        rows = self.db.query("SELECT status, error FROM files WHERE path = ?", (path_key(path),))
        return (STATUS_NAMES.get(rows[0][0], "?"), rows[0][1]) if rows else None

    def catalog(self, folders: Iterable[str | os.PathLike[str]] | None = None,
                files: Iterable[str | os.PathLike[str]] | None = None) -> Catalog:
        """Every distinct analysed song present on disk, as arrays (radio and ordering).

        With ``folders`` or ``files``, only the songs of those library folders and files.
        """
        if folders is None and files is None:
            return load_catalog(self.db)
        ids: list[int] = []
        for f in folders or []:
            rows = self.db.query("SELECT id FROM folders WHERE path = ?", (path_key(f),))
            ids += [int(r[0]) for r in rows]
        return load_catalog(self.db, ids, [path_key(p) for p in files or []])

    def sketches(self, digests: list[str]) -> dict[str, bytes]:
        """The stored head/tail sketch of each content hash asked for."""
        out: dict[str, bytes] = {}
        for i in range(0, len(digests), 500):
            chunk = digests[i:i + 500]
            out.update((d, bytes(b)) for d, b in self.db.query(
                f"SELECT digest, sketch FROM songs WHERE digest IN "
                f"({', '.join('?' * len(chunk))})", chunk))
        return out
