"""AnalysisPool: songs analysed in a child process equal those analysed here; failures."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest
from midi_factory import write_song

from smootify_player.music.song import Song, SongError
from smootify_player.player.analysis import AnalysisPool


@pytest.fixture
def pool():
    p = AnalysisPool(idle_seconds=30.0, warmup_seconds=0.0)
    yield p
    p.close()


def test_a_song_analysed_in_the_child_equals_one_analysed_here(tmp_path: Path, pool):
    path = write_song(tmp_path / "child.mid", bars=8, tonic=4, seed=90)
    song = pool.load(path)
    here = Song.from_bytes(path.read_bytes(), path)
    assert pool.analysed == 1 and pool.running
    assert song.path == path and song.digest == here.digest and song.n_bars == here.n_bars
    assert np.array_equal(song.features.pc, here.features.pc)
    assert all(np.array_equal(a, b) for a, b in zip(song.pianoroll(0, 8), here.pianoroll(0, 8)))
    assert song.voices(0, 4) == here.voices(0, 4)
    assert pool.load(path) is song and pool.analysed == 1  # the same content: analysed once


def test_a_broken_file_fails_in_one_line_through_the_child(tmp_path: Path, pool):
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x00\x60MTrk\x00\x00\x00\x04\x00\xff")
    with pytest.raises(SongError) as err:
        pool.load(bad)
    assert "bad.mid" in str(err.value) and "\n" not in str(err.value)


def test_a_child_that_dies_is_replaced_and_the_song_read_here(tmp_path: Path, pool):
    pool.load(write_song(tmp_path / "a.mid", bars=4, tonic=1, seed=91))
    for pid in list(pool._pool._processes):  # type: ignore[union-attr]
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    song = pool.load(write_song(tmp_path / "b.mid", bars=4, tonic=2, seed=92))
    assert song.n_bars == 4 and pool.restarts == 1
    assert pool.load(write_song(tmp_path / "c.mid", bars=4, tonic=3, seed=93)).n_bars == 4
    assert pool.running  # a new child took over


def test_the_child_stops_when_idle_and_a_closed_pool_reads_here(tmp_path: Path):
    pool = AnalysisPool(idle_seconds=0.2, warmup_seconds=0.0)
    pool.load(write_song(tmp_path / "d.mid", bars=4, tonic=5, seed=94))
    deadline = time.monotonic() + 10
    while pool.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pool.running
    pool.close()
    assert pool.load(write_song(tmp_path / "e.mid", bars=4, tonic=6, seed=95)).n_bars == 4
    assert pool.analysed == 1 and not pool.running


def test_a_child_that_cannot_start_leaves_the_songs_to_this_thread(tmp_path: Path, monkeypatch):
    from smootify_player.player import analysis

    def refuse(*args, **kwargs):
        raise RuntimeError("An attempt has been made to start a new process before the "
                           "current process has finished its bootstrapping phase")

    monkeypatch.setattr(analysis.ProcessPoolExecutor, "submit", refuse)
    pool = AnalysisPool(warmup_seconds=0.0)
    try:
        song = pool.load(write_song(tmp_path / "f.mid", bars=4, tonic=7, seed=96))
        assert song.n_bars == 4 and pool.analysed == 0 and not pool.running
        assert pool.load(write_song(tmp_path / "g.mid", bars=5, tonic=8, seed=97)).n_bars == 5
    finally:
        pool.close()


def test_while_warming_up_songs_are_analysed_here(tmp_path: Path):
    pool = AnalysisPool(warmup_seconds=60.0)
    try:
        assert pool.load(write_song(tmp_path / "h.mid", bars=4, tonic=9, seed=98)).n_bars == 4
        assert pool.analysed == 0 and not pool.running
    finally:
        pool.close()
