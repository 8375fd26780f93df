"""The library's SQLite database: schema, opening (WAL, repair of a broken file) and writes."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..errors import UserFacingError, one_line
from .features import ANALYSIS_VERSION, SongFeatures

__all__ = ["SCHEMA_VERSION", "OK", "BROKEN", "MISSING", "STATUS_NAMES", "LibraryDB",
           "LibraryError", "path_key", "path_from_key"]

log = logging.getLogger("smootify.library")

#: ``PRAGMA user_version`` of the layout below; a database of another version is rebuilt
#: (it is a cache: everything in it can be analysed again).
SCHEMA_VERSION = 1

#: ``files.status``: analysed, unreadable or not a usable MIDI file, gone from disk.
OK, BROKEN, MISSING = 0, 1, 2
STATUS_NAMES = {OK: "ok", BROKEN: "broken", MISSING: "missing"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS folders (
    id INTEGER PRIMARY KEY,
    path BLOB NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path BLOB NOT NULL UNIQUE,
    folder INTEGER,
    title TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    digest TEXT,
    status INTEGER NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS files_digest ON files(digest);
CREATE INDEX IF NOT EXISTS files_folder ON files(folder);
CREATE TABLE IF NOT EXISTS songs (
    digest TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    credit TEXT,
    duration REAL NOT NULL,
    bars INTEGER NOT NULL,
    tempo REAL NOT NULL,
    tempo_head REAL NOT NULL,
    tempo_tail REAL NOT NULL,
    meter_num INTEGER NOT NULL,
    meter_den INTEGER NOT NULL,
    head_num INTEGER NOT NULL,
    head_den INTEGER NOT NULL,
    tail_num INTEGER NOT NULL,
    tail_den INTEGER NOT NULL,
    key INTEGER NOT NULL,
    key_head INTEGER NOT NULL,
    key_tail INTEGER NOT NULL,
    key_conf REAL NOT NULL,
    conf_head REAL NOT NULL,
    conf_tail REAL NOT NULL,
    density REAL NOT NULL,
    families INTEGER NOT NULL,
    texture BLOB NOT NULL,
    sketch BLOB NOT NULL
) WITHOUT ROWID;
"""

_SONG_COLUMNS = ("digest", "version", "credit", "duration", "bars", "tempo", "tempo_head",
                 "tempo_tail", "meter_num", "meter_den", "head_num", "head_den", "tail_num",
                 "tail_den", "key", "key_head", "key_tail", "key_conf", "conf_head", "conf_tail",
                 "density", "families", "texture", "sketch")


class LibraryError(UserFacingError):
    """The library database cannot be opened (an unwritable folder, a locked file); one line."""


def path_key(path: str | os.PathLike[str]) -> bytes:
    """How a path is stored: its file-system bytes (any file name survives)."""
    return os.fsencode(os.path.abspath(os.fspath(path)))


def path_from_key(key: bytes) -> str:
    """The path of a stored :func:`path_key`."""
    return os.fsdecode(bytes(key))


def _song_row(f: SongFeatures) -> tuple:
    return (f.digest, ANALYSIS_VERSION, f.credit, float(f.duration), int(f.bars),
            float(f.tempo), float(f.tempo_head), float(f.tempo_tail), *f.meter, *f.meter_head,
            *f.meter_tail, int(f.key), int(f.key_head), int(f.key_tail), float(f.key_conf),
            float(f.conf_head), float(f.conf_tail), float(f.density), int(f.families),
            np.asarray(f.texture, "<f4").tobytes(), bytes(f.sketch))


class LibraryDB:
    """One connection to the library database, safe to share between threads.

    Every write runs in a transaction (:meth:`write`), the journal is a write-ahead log,
    so a process killed at any moment leaves the last committed state. A file that is not
    a database of this layout is moved aside (``<name>.broken-<time>``) and a new one made.

    Raises
    ------
    LibraryError
        The database cannot be opened or made (the folder is not writable, it is locked).

    Parameters
    ----------
    path : Path
        The database file (its folder is created).
    notice : callable, optional
        Told, in one line, when a broken database was moved aside.
    """

    def __init__(self, path: str | Path, notice: Callable[[str], None] | None = None):
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = self._open(notice)
        except (OSError, sqlite3.Error) as exc:
            raise LibraryError(f"cannot open the library database {self.path} "
                               f"({one_line(exc, typed=False)})") from None

    def _open(self, notice: Callable[[str], None] | None) -> sqlite3.Connection:
        """Connect; a file that is not a database of this layout is moved aside first."""
        try:
            return self._connect()
        except sqlite3.OperationalError:  # locked, unwritable, a folder: not a broken file
            raise
        except sqlite3.DatabaseError as exc:
            if not self.path.is_file():
                raise
            aside = self.path.with_name(f"{self.path.name}.broken-{int(time.time())}")
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    os.replace(src, Path(str(aside) + suffix))
            msg = (f"library database {self.path} could not be read ({exc}); moved aside to "
                   f"{aside.name}, a new one is built")
            log.warning(msg)
            if notice is not None:
                notice(msg)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False,
                               isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.info("library database journal mode is %s (WAL refused)", mode)
            conn.execute("PRAGMA synchronous = NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                conn.executescript("DROP TABLE IF EXISTS songs; DROP TABLE IF EXISTS files; "
                                   "DROP TABLE IF EXISTS folders;")
            conn.executescript("BEGIN;" + _SCHEMA
                               + f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            conn.execute("SELECT count(*) FROM files").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    # ------------------------------------------------------------------ access
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction: committed when the block ends, rolled back on an exception."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """All rows of a read."""
        with self._lock:
            return self.conn.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        """Close the connection (the write-ahead log is checkpointed)."""
        with self._lock:
            try:
                self.conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self.conn.close()

    # ------------------------------------------------------------------ writes
    @staticmethod
    def put_song(conn: sqlite3.Connection, features: SongFeatures) -> None:
        """Insert or replace one song's features (inside :meth:`write`)."""
        conn.execute(f"INSERT OR REPLACE INTO songs ({', '.join(_SONG_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(_SONG_COLUMNS))})", _song_row(features))

    @staticmethod
    def put_file(conn: sqlite3.Connection, path: bytes, folder: int | None, title: str,
                 size: int, mtime_ns: int, digest: str | None, status: int,
                 error: str | None = None) -> None:
        """Insert or update one file's row (inside :meth:`write`)."""
        conn.execute(
            "INSERT INTO files (path, folder, title, size, mtime_ns, digest, status, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
            "folder = coalesce(excluded.folder, folder), title = excluded.title, "
            "size = excluded.size, mtime_ns = excluded.mtime_ns, digest = excluded.digest, "
            "status = excluded.status, error = excluded.error",
            (path, folder, title, size, mtime_ns, digest, status, error))

    def folder_id(self, path: bytes) -> int:
        """The id of a library folder, added when new."""
        with self.write() as conn:
            conn.execute("INSERT OR IGNORE INTO folders (path) VALUES (?)", (path,))
            return int(conn.execute("SELECT id FROM folders WHERE path = ?",
                                    (path,)).fetchone()[0])

    def known_digests(self, digests: Iterable[str]) -> set[str]:
        """Which of ``digests`` have features of the current analysis version."""
        wanted = list(dict.fromkeys(digests))
        out: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            out.update(r[0] for r in self.query(
                f"SELECT digest FROM songs WHERE version = {ANALYSIS_VERSION} AND digest IN "
                f"({', '.join('?' * len(chunk))})", chunk))
        return out
