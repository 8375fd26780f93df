"""Folder scans: changes found by (path, size, mtime) then hash, new content analysed in a pool."""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..child import init_child
from .db import BROKEN, MISSING, OK, LibraryDB, path_key
from .features import Analysis, analyse_file, content_hash

__all__ = ["MIDI_SUFFIXES", "WORKER_NICE", "INLINE_MAX", "ScanReport", "Progress",
           "find_midi_files", "folder_paths", "index_files", "title_of"]

log = logging.getLogger("smootify.library")

#: The suffixes of MIDI files (the same as the player's ``MIDI_SUFFIXES``).
MIDI_SUFFIXES = (".mid", ".midi", ".kar", ".smf")
#: How much nicer than the app the analysis workers run (``os.nice`` increment).
WORKER_NICE = 10
#: Up to this many files are analysed in the calling process (a pool costs a second to start).
INLINE_MAX = 4
#: Pools in a row that break before finishing anything: then the scan stops (and says so).
MAX_FRUITLESS_POOLS = 3

#: ``progress(done, total)``: files analysed so far of those that need it.
Progress = Callable[[int, int], None]


@dataclass
class ScanReport:
    """What a scan found and did.

    Attributes
    ----------
    seen : int
        MIDI files found.
    unchanged : int
        Files whose size and modification time had not changed.
    new, changed : int
        Files not known before, and known files whose size or time changed.
    analysed : int
        Distinct contents analysed (the rest were known by their hash).
    broken : int
        Files marked broken (unreadable or not a usable MIDI file) in this scan.
    removed : int
        Known files no longer there, marked missing.
    stopped : bool
        The scan was stopped before the end (what was done is kept).
    seconds : float
        Wall time.
    errors : list of str
        One line per broken file (at most 100).
    """

    seen: int = 0
    unchanged: int = 0
    new: int = 0
    changed: int = 0
    analysed: int = 0
    broken: int = 0
    removed: int = 0
    stopped: bool = False
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready fields."""
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in vars(self).items()}


def title_of(path: str | os.PathLike[str]) -> str:
    """A file's title: its name without the extension, underscores as spaces."""
    stem = Path(os.fsdecode(os.fspath(path))).stem
    return stem.replace("_", " ").encode("utf-8", "replace").decode("utf-8")


def find_midi_files(folder: str | os.PathLike[str]) -> list[str]:
    """Every MIDI file under ``folder`` (links to folders are not followed), sorted."""
    out: list[str] = []

    def onerror(exc: OSError) -> None:
        log.info("library: cannot list %s (%s)", exc.filename, exc.strerror)

    for root, dirs, files in os.walk(folder, onerror=onerror):
        dirs.sort()
        out.extend(os.path.join(root, f) for f in files
                   if os.path.splitext(f)[1].lower() in MIDI_SUFFIXES)
    out.sort()
    return out


def _analyse_chunk(paths: list[str]) -> list[Analysis]:
    return [analyse_file(p) for p in paths]


def _hash_file(path: str) -> tuple[int, int, str] | str:
    """(size, mtime_ns, digest), or why the file cannot be read."""
    try:
        st = os.stat(path)
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    return st.st_size, st.st_mtime_ns, content_hash(data)


def index_files(db: LibraryDB, paths: Iterable[str], folder: int | None = None,
                known_paths: Iterable[bytes] | None = None, progress: Progress | None = None,
                workers: int | None = None, should_stop: Callable[[], bool] | None = None,
                report: ScanReport | None = None) -> ScanReport:
    """Bring the database up to date with ``paths`` (and mark ``known_paths`` not among them
    missing).

    Parameters
    ----------
    db : LibraryDB
        The database.
    paths : iterable of str
        The files to index.
    folder : int, optional
        The library folder they were found in.
    known_paths : iterable of bytes, optional
        Files the database knows in that folder: those not in ``paths`` are marked missing.
    progress : callable, optional
        ``progress(done, total)`` after each batch of analysed files (and once at 0).
    workers : int, optional
        Analysis processes (default: every core); 0 analyses in this process.
    should_stop : callable, optional
        Checked between batches; when it returns true the scan stops (what is done is kept).
    report : ScanReport, optional
        Added to (several folders make one report).
    """
    t0 = time.perf_counter()
    rep = report or ScanReport()
    paths = list(dict.fromkeys(os.path.abspath(p) for p in paths))
    keys = [path_key(p) for p in paths]
    rep.seen += len(paths)
    stale = _stale(db, paths, keys, rep)
    hashed = _hash_stale(db, stale, folder, rep)
    todo, waiting = _link_known(db, hashed, folder)
    if known_paths is not None:
        _mark_gone(db, set(bytes(k) for k in known_paths) - set(keys), rep)
    _analyse(db, todo, waiting, folder, progress, workers, should_stop, rep)
    rep.seconds += time.perf_counter() - t0
    return rep


def _stale(db: LibraryDB, paths: list[str], keys: list[bytes],
           rep: ScanReport) -> list[tuple[str, bytes, bool]]:
    """(path, key, known before) of the files that are new or whose size or time changed."""
    rows = {bytes(r[0]): r[1:] for r in _rows_for(db, keys)}
    stale: list[tuple[str, bytes, bool]] = []
    for p, k in zip(paths, keys):
        row = rows.get(k)
        if row is None:
            stale.append((p, k, False))
            continue
        size, mtime_ns, status = row
        try:
            st = os.stat(p)
        except OSError:
            stale.append((p, k, True))
            continue
        if status != MISSING and st.st_size == size and st.st_mtime_ns == mtime_ns:
            rep.unchanged += 1
        else:
            stale.append((p, k, True))
    rep.new += sum(1 for s in stale if not s[2])
    rep.changed += sum(1 for s in stale if s[2])
    return stale


def _hash_stale(db: LibraryDB, stale: list[tuple[str, bytes, bool]], folder: int | None,
                rep: ScanReport) -> dict[str, tuple[int, int, str]]:
    """Hash the stale files (outside any transaction); those unreadable are marked."""
    hashed: dict[str, tuple[int, int, str]] = {}
    failed: list[tuple[str, bytes, str]] = []
    for p, k, _ in stale:
        h = _hash_file(p)
        if isinstance(h, str):
            failed.append((p, k, h))
        else:
            hashed[p] = h
    if failed:
        with db.write() as conn:
            for p, k, why in failed:
                missing = not os.path.exists(p)
                db.put_file(conn, k, folder, title_of(p), 0, 0, None,
                            MISSING if missing else BROKEN, f"{Path(p).name}: {why}")
                if not missing:
                    _broken(rep, f"{Path(p).name}: {why}")
    return hashed


def _link_known(db: LibraryDB, hashed: dict[str, tuple[int, int, str]], folder: int | None
                ) -> tuple[list[str], dict[str, list[str]]]:
    """Point files of known content at its features; returns one path per new content to
    analyse and, per new digest, every path that holds it."""
    known = db.known_digests(h[2] for h in hashed.values())
    todo: dict[str, str] = {}  # digest -> one path to analyse
    waiting: dict[str, list[str]] = {}
    with db.write() as conn:
        for p, (size, mtime_ns, digest) in hashed.items():
            if digest in known:
                db.put_file(conn, path_key(p), folder, title_of(p), size, mtime_ns, digest, OK)
            else:
                todo.setdefault(digest, p)
                waiting.setdefault(digest, []).append(p)
    return list(todo.values()), waiting


def _mark_gone(db: LibraryDB, gone: set[bytes], rep: ScanReport) -> None:
    """Mark files no longer found missing."""
    if gone:
        with db.write() as conn:
            conn.executemany("UPDATE files SET status = ?, error = ? WHERE path = ? "
                             "AND status != ?",
                             [(MISSING, "no longer on disk", k, MISSING) for k in gone])
        rep.removed += len(gone)


def _rows_for(db: LibraryDB, keys: list[bytes]) -> list[tuple]:
    out: list[tuple] = []
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        out += db.query(f"SELECT path, size, mtime_ns, status FROM files WHERE path IN "
                        f"({', '.join('?' * len(chunk))})", chunk)
    return out


def _broken(rep: ScanReport, msg: str) -> None:
    rep.broken += 1
    if len(rep.errors) < 100:
        rep.errors.append(msg)


def _store(db: LibraryDB, results: list[Analysis], waiting: dict[str, list[str]],
           folder: int | None, rep: ScanReport) -> None:
    """Write one batch of analyses in one transaction."""
    with db.write() as conn:
        for a in results:
            rep.analysed += 1
            # Every file that had this content when hashed (the analysed one may have
            # changed since: it is stored under what it holds now).
            others = [p for p in waiting.get(a.digest or "", []) if p != a.path]
            targets = [a.path] + others
            if a.features is not None:
                db.put_song(conn, a.features)
            elif not a.missing:
                _broken(rep, a.error or "unusable")
            for p in targets:
                if p == a.path:
                    size, mtime_ns = a.size, a.mtime_ns
                else:
                    try:
                        st = os.stat(p)
                        size, mtime_ns = st.st_size, st.st_mtime_ns
                    except OSError:
                        continue
                status = OK if a.features is not None else (MISSING if a.missing else BROKEN)
                db.put_file(conn, path_key(p), folder, title_of(p), size, mtime_ns, a.digest,
                            status, a.error)


def _analyse(db: LibraryDB, todo: list[str], waiting: dict[str, list[str]],
             folder: int | None, progress: Progress | None, workers: int | None,
             should_stop: Callable[[], bool] | None, rep: ScanReport) -> None:
    total = len(todo)
    if progress is not None:
        progress(0, total)
    if not todo:
        return
    n_workers = (os.cpu_count() or 1) if workers is None else max(int(workers), 0)
    if n_workers == 0 or total <= INLINE_MAX:
        for i, p in enumerate(todo):
            if should_stop is not None and should_stop():
                rep.stopped = True
                return
            _store(db, [analyse_file(p)], waiting, folder, rep)
            if progress is not None:
                progress(i + 1, total)
        return
    _analyse_in_pool(db, todo, waiting, folder, progress, min(n_workers, total), should_stop,
                     rep)


class _Run:
    """What a pooled analysis has done so far: files done, suspects, the work left."""

    def __init__(self, chunks: list[list[str]], total: int):
        self.queue: deque[list[str]] = deque(chunks)
        self.total = total
        self.done = 0
        self.suspects: set[str] = set()  # files in flight when a pool broke


def _analyse_in_pool(db: LibraryDB, todo: list[str], waiting: dict[str, list[str]],
                     folder: int | None, progress: Progress | None, n_workers: int,
                     should_stop: Callable[[], bool] | None, rep: ScanReport,
                     worker: Callable[[list[str]], list[Analysis]] = _analyse_chunk) -> None:
    """Analyse in worker processes.

    A pool that breaks (a worker killed, a file that crashes the parser) is started again;
    the files that were in flight become suspects, analysed one at a time, and a suspect
    that breaks a pool on its own (once the pool has shown it works) is marked broken.
    Pools that keep breaking before finishing anything stop the scan, which says so.
    """
    size = max(1, min(32, len(todo) // (n_workers * 8) or 1))
    run = _Run([todo[i:i + size] for i in range(0, len(todo), size)], len(todo))
    fruitless = 0
    while run.queue:
        before = run.done
        lost = _pool_pass(db, run, waiting, folder, progress, n_workers, should_stop, rep,
                          worker)
        if rep.stopped or not lost:
            return
        fruitless = 0 if run.done > before else fruitless + 1
        if fruitless >= MAX_FRUITLESS_POOLS:
            rep.stopped = True
            rep.errors.append("analysis processes keep failing; the rest waits for the next "
                              "scan")
            return
        if len(lost) == 1 and len(lost[0]) == 1 and lost[0][0] in run.suspects:
            p = lost[0][0]
            if run.done > 0:  # the pool works: this file breaks it
                _store(db, [_crashed(p)], waiting, folder, rep)
                run.done += 1
            else:
                run.queue.append([p])  # let the others show whether the pool works
            continue
        for chunk in reversed(lost):
            run.suspects.update(chunk)
            run.queue.extendleft([p] for p in reversed(chunk))


def _crashed(path: str) -> Analysis:
    try:
        st = os.stat(path)
        size, mtime_ns = st.st_size, st.st_mtime_ns
    except OSError:
        size = mtime_ns = 0
    return Analysis(path, size, mtime_ns, None, None,
                    f"{Path(path).name}: analysis crashed (twice)")


def _pool_pass(db: LibraryDB, run: _Run, waiting: dict[str, list[str]], folder: int | None,
               progress: Progress | None, n_workers: int,
               should_stop: Callable[[], bool] | None, rep: ScanReport,
               worker: Callable[[list[str]], list[Analysis]]) -> list[list[str]]:
    """Work through ``run.queue`` with one pool; returns the chunks lost if it broke."""
    ctx = multiprocessing.get_context("spawn")  # no fork of a process with threads (Qt)
    # Below the app, so playback keeps its share of the cores; gone with the app.
    pool = ProcessPoolExecutor(n_workers, mp_context=ctx, initializer=init_child,
                               initargs=(WORKER_NICE,))
    pending: dict[Future, list[str]] = {}

    def suspect(chunk: list[str]) -> bool:
        return len(chunk) == 1 and chunk[0] in run.suspects

    def feed() -> list[str] | None:  # a few chunks ahead per worker; a suspect alone
        """Submit chunks; returns the one a pool that broke meanwhile refused."""
        while run.queue and len(pending) < n_workers * 3:
            if any(suspect(c) for c in pending.values()):
                return None
            if suspect(run.queue[0]) and pending:
                return None
            chunk = run.queue.popleft()
            try:
                pending[pool.submit(worker, chunk)] = chunk
            except BrokenProcessPool:  # a worker died between two results
                return chunk
        return None

    def broken(chunk: list[str] | None) -> list[list[str]]:
        log.warning("library: an analysis process died; starting the pool again")
        return ([chunk] if chunk is not None else []) + list(pending.values())

    try:
        refused = feed()
        if refused is not None:
            return broken(refused)
        while pending:
            finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in finished:
                chunk = pending.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    return broken(chunk)
                _store(db, results, waiting, folder, rep)
                run.done += len(results)
            refused = feed()
            if refused is not None:
                return broken(refused)
            if finished and progress is not None:
                progress(run.done, run.total)
            if should_stop is not None and should_stop():
                rep.stopped = True
                return []
        return []
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def folder_paths(db: LibraryDB, folder: int) -> list[bytes]:
    """Stored paths of a library folder's files."""
    return [bytes(r[0]) for r in db.query("SELECT path FROM files WHERE folder = ?", (folder,))]
