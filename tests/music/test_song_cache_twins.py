"""Identical content under another name is analysed once: the twin shares the analysis and
keeps its own path and title (#11: queueing thousands of copies)."""

from __future__ import annotations

from pathlib import Path

from midi_factory import write_song

from smootify_player.music.song import Song


def test_a_copy_under_another_name_shares_the_analysis(tmp_path: Path):
    a = write_song(tmp_path / "first_song.mid", bars=4, seed=3)
    b = tmp_path / "second_song.mid"
    b.write_bytes(a.read_bytes())
    sa, sb = Song.load(a), Song.load(b)
    assert sb is not sa and sb.path == b and sb.title == "second song"
    assert sa.path == a and sa.title == "first song"
    assert sb.note_arrays is sa.note_arrays and sb.features is sa.features
    assert sb.digest == sa.digest


def test_twins_loaded_in_turn_stay_the_same_object_per_path(tmp_path: Path):
    a = write_song(tmp_path / "a.mid", bars=4, seed=5)
    b = tmp_path / "b.mid"
    b.write_bytes(a.read_bytes())
    sb = Song.load(b)
    sa = Song.load(a)
    assert Song.load(a) is sa and sa.note_arrays is sb.note_arrays and sa.path == a
