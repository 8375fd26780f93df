"""Scanning: index, rescan after a change or removal, broken files, the process pool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smootify_player.library import Library
from smootify_player.library.scan import MIDI_SUFFIXES, find_midi_files, title_of
from smootify_player.player.files import MIDI_SUFFIXES as PLAYER_SUFFIXES

from .conftest import write_credited, write_library


def test_suffixes_match_the_player():
    assert MIDI_SUFFIXES == PLAYER_SUFFIXES


def test_index_then_rescan_finds_nothing_new(tmp_path: Path, music: Path):
    lib = Library(tmp_path / "lib.sqlite3")
    seen = []
    rep = lib.scan([music], workers=0, progress=lambda d, t: seen.append((d, t)))
    assert (rep.seen, rep.new, rep.analysed, rep.broken) == (12, 12, 12, 0)
    assert seen[0] == (0, 12) and seen[-1] == (12, 12)
    assert lib.count() == 12 and lib.folders() == [str(music)]
    again = lib.scan(workers=0)
    assert (again.unchanged, again.new, again.analysed) == (12, 0, 0)
    lib.close()


def test_change_removal_and_copy(tmp_path: Path, library: Library, music: Path):
    files = sorted(music.glob("*.mid"))
    write_credited(files[0], bars=12, tempo=150, tonic=2)  # new content, same name
    os.utime(files[0], ns=(1, 1))
    files[1].unlink()
    shutil.copyfile(files[2], music / "copy of two.mid")  # known content: not analysed
    rep = library.scan(workers=0)
    assert (rep.changed, rep.removed, rep.new, rep.analysed) == (1, 1, 1, 1)
    missing = library.search(include="all", sort="status")[-1]
    assert missing.status == "missing" and missing.path == str(files[1])
    assert library.count() == 12 and library.count("missing") == 1
    assert library.digest_of(music / "copy of two.mid") == library.digest_of(files[2])
    rec = library.search("song 00")[0]
    assert rec.bars == 12 and round(rec.tempo or 0) == 150
    files[1].write_bytes(files[3].read_bytes())  # back, with other content
    rep = library.scan(workers=0)
    assert rep.changed == 1 and library.count("missing") == 0


def test_broken_and_vanished_files_are_marked_not_fatal(tmp_path: Path, library: Library,
                                                        music: Path):
    (music / "junk.mid").write_bytes(b"MThd\x00\x00\x00\x06 not really")
    (music / "empty.midi").write_bytes(b"")
    (music / "notes.txt").write_text("not a song")
    rep = library.scan(workers=0)
    assert rep.broken == 2 and len(rep.errors) == 2
    broken = {r.title: r for r in library.search(include="present") if r.status == "broken"}
    assert set(broken) == {"junk", "empty"}
    assert "empty file" in (broken["empty"].error or "")
    shutil.rmtree(music)
    rep = library.scan(workers=0)
    assert rep.removed == 14 and library.count() == 0 and library.count("missing") == 14
    assert len(library.catalog()) == 0


def test_the_process_pool_indexes_in_batches(tmp_path: Path):
    write_library(tmp_path / "many", 10)
    (tmp_path / "many" / "bad.mid").write_bytes(b"nope")
    lib = Library(tmp_path / "lib.sqlite3")
    seen = []
    rep = lib.scan([tmp_path / "many"], workers=2, progress=lambda d, t: seen.append(d))
    assert (rep.analysed, rep.broken, lib.count()) == (11, 1, 10)
    assert seen[-1] == 11 and seen == sorted(seen)
    lib.close()


def test_stop_keeps_what_was_done(tmp_path: Path, music: Path):
    lib = Library(tmp_path / "lib.sqlite3")
    done = []
    rep = lib.scan([music], workers=0, progress=lambda d, t: done.append(d),
                   should_stop=lambda: len(done) > 5)
    assert rep.stopped and lib.count() == 5
    assert lib.scan(workers=0).analysed == 7
    lib.close()


def test_reopen_reads_the_cache(tmp_path: Path, library: Library, music: Path):
    before = library.search(sort="tempo")
    library.close()
    lib = Library(tmp_path / "lib.sqlite3")
    assert lib.search(sort="tempo") == before
    assert lib.scan(workers=0).analysed == 0
    lib.close()


_KILL = """
import os, signal, sys
import pytest

from smootify_player.library import Library
lib = Library(sys.argv[1])
def progress(done, total):
    if done == 4:
        os.kill(os.getpid(), signal.SIGKILL)
lib.scan([sys.argv[2]], workers=0, progress=progress)
"""


def test_the_cache_survives_kill_9(tmp_path: Path, music: Path):
    db = tmp_path / "lib.sqlite3"
    proc = subprocess.run([sys.executable, "-c", _KILL, str(db), str(music)],
                          cwd=Path(__file__).resolve().parents[2], capture_output=True,
                          timeout=120)
    assert proc.returncode == -9
    lib = Library(db)
    assert lib.db.query("PRAGMA integrity_check")[0][0] == "ok"
    assert lib.count() == 4
    rep = lib.scan(workers=0)
    assert (rep.unchanged, rep.analysed, lib.count()) == (4, 8, 12)
    lib.close()


def test_a_broken_database_is_moved_aside(tmp_path: Path, music: Path):
    db = tmp_path / "lib.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    notices: list[str] = []
    lib = Library(db, notice=notices.append)
    assert len(notices) == 1 and "moved aside" in notices[0]
    assert lib.scan([music], workers=0).analysed == 12
    lib.close()
    assert len(list(tmp_path.glob("lib.sqlite3.broken-*"))) == 1


def test_find_midi_files_and_titles(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("x.MID", "a/y.kar", "a/b/z.midi", "a/readme.txt"):
        (tmp_path / name).write_bytes(b"")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in find_midi_files(tmp_path)]
    assert found == ["a/b/z.midi", "a/y.kar", "x.MID"]
    assert title_of("/m/My_Song.mid") == "My Song"


def test_remove_folder_forgets_files_keeps_features(tmp_path: Path, library: Library,
                                                    music: Path):
    library.remove_folder(music)
    assert library.folders() == [] and library.count("all") == 0
    again = library.scan([music], workers=0)
    assert (again.new, again.analysed) == (12, 0)  # the features were cached by content


def test_a_database_that_cannot_be_made_is_one_line(tmp_path: Path, capsys):
    from smootify_player.cli import main
    from smootify_player.library.db import LibraryError

    (tmp_path / "file").write_text("a file, not a folder")
    with pytest.raises(LibraryError, match="cannot open the library database"):
        Library(tmp_path / "file" / "lib.sqlite3")
    (tmp_path / "dir.sqlite3").mkdir()
    assert main(["order", str(tmp_path / "file"), "--db", str(tmp_path / "dir.sqlite3")]) == 1
    assert "cannot open the library database" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX priorities")
def test_workers_run_at_lower_priority():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from smootify_player.child import init_child
    from smootify_player.library.scan import WORKER_NICE

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=init_child,
                             initargs=(WORKER_NICE,)) as pool:
        worker = pool.submit(os.nice, 0).result()
    assert worker == min(os.nice(0) + WORKER_NICE, 19)


def test_forget_missing_and_prune(library: Library, music: Path):
    for f in sorted(music.glob("*.mid"))[:3]:
        f.unlink()
    library.scan(workers=0)
    assert library.prune() == 0  # missing files still name their content
    assert library.forget_missing() == 3 and library.count("all") == 9
    assert library.prune() == 3
    assert len(library.catalog()) == 9


def test_forget_missing_of_some_folders(library: Library, music: Path, tmp_path: Path):
    other = tmp_path / "other"
    write_library(other, 2, seed=5)
    library.scan([other], workers=0)
    sorted(music.glob("*.mid"))[0].unlink()
    sorted(other.glob("*.mid"))[0].unlink()
    library.scan(workers=0)
    assert library.count("missing") == 2
    assert library.forget_missing([other]) == 1
    assert [r.path for r in library.search(include="all") if r.status == "missing"] == \
        [str(music / "song_00.mid")]


def test_a_file_that_kills_its_worker_is_marked_broken(tmp_path: Path):
    from smootify_player.library.db import LibraryDB
    from smootify_player.library.scan import ScanReport, _analyse_in_pool

    from .crashy import analyse_or_crash

    files = [str(p) for p in write_library(tmp_path / "m", 8)]
    crash = str(write_credited(tmp_path / "m" / "crash.mid", bars=4))
    db = LibraryDB(tmp_path / "lib.sqlite3")
    rep = ScanReport()
    _analyse_in_pool(db, files[:2] + [crash] + files[2:], {}, None, None, 2, None, rep,
                     worker=analyse_or_crash)
    assert not rep.stopped and rep.broken == 1 and "analysis crashed" in rep.errors[0]
    rows = dict(db.query("SELECT title, status FROM files"))
    assert rows.pop("crash") == 1 and set(rows.values()) == {0} and len(rows) == 8
    db.close()


def test_pools_that_never_work_stop_the_scan_and_mark_nothing(tmp_path: Path):
    from smootify_player.library.db import LibraryDB
    from smootify_player.library.scan import ScanReport, _analyse_in_pool

    from .crashy import always_crash

    files = [str(p) for p in write_library(tmp_path / "m", 3)]
    db = LibraryDB(tmp_path / "lib.sqlite3")
    rep = ScanReport()
    _analyse_in_pool(db, files, {}, None, None, 2, None, rep, worker=always_crash)
    assert rep.stopped and "keep failing" in rep.errors[-1] and rep.broken == 0
    assert db.query("SELECT count(*) FROM files")[0][0] == 0
    db.close()
