"""Features and sketches: compact, and the sketch gives the scorer the bars it needs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from smootify_player.library.db import path_key
from smootify_player.library.features import analyse_file, key_name
from smootify_player.library.sketch import HEAD_BARS, TAIL_BARS, decode_sketch
from smootify_player.music.mixpoint import choose_pair, mix_features
from smootify_player.music.song import Song

from .conftest import write_credited


def test_features_of_a_song(tmp_path: Path):
    path = write_credited(tmp_path / "s.mid", credit="Ann", bars=40, tempo=132, tonic=3,
                          numerator=6, denominator=8)
    a = analyse_file(str(path))
    f = a.features
    assert a.error is None and f is not None
    assert f.credit == "Ann" and f.bars == 40 and f.meter == (6, 8) == f.meter_head
    assert round(f.tempo) == 132 and key_name(f.key) == "Eb major"
    assert key_name(f.key_head) == key_name(f.key_tail) == "Eb major"
    assert f.texture.shape == (12,) and 0 < f.texture[5] == pytest.approx(f.texture[11])
    assert len(f.sketch) < 1200


def test_sketch_round_trip_scores_like_the_song(tmp_path: Path):
    a_path = write_credited(tmp_path / "a.mid", bars=60, tempo=120, tonic=0, seed=1)
    b_path = write_credited(tmp_path / "b.mid", bars=30, tempo=118, tonic=7, seed=2)
    a, b = Song.load(a_path), Song.load(b_path)
    sa = decode_sketch(analyse_file(str(a_path)).features.sketch)
    sb = decode_sketch(analyse_file(str(b_path)).features.sketch)
    assert sa.n_bars == 60 and sa.tail_start == 60 - TAIL_BARS and sa.tail_start % 8 == sa.pad
    assert sa.head.n_bars == HEAD_BARS and sb.tail.n_bars == TAIL_BARS + sb.pad
    fa = mix_features(a)
    rows = slice(sa.tail_start, 60)
    np.testing.assert_allclose(sa.tail.pc[sa.pad:].sum(0) / sa.tail.pc.sum(),
                               fa.pc[rows].sum(0) / fa.pc[rows].sum(), atol=0.01)
    np.testing.assert_array_equal(sa.tail.onsets[sa.pad:], fa.onsets[rows])
    exits, entries = sa.exits(), sb.entries()
    assert exits[-1] == 60 and exits[0] == 45 and entries.tolist() == list(range(5))
    e, j, s, _ = choose_pair(sa.tail, sb.head, sa.tail_index(exits), entries)
    e_full, j_full, s_full, _ = choose_pair(fa, mix_features(b), exits, entries)
    assert (e - sa.pad + sa.tail_start, j) == (e_full, j_full)
    assert s == pytest.approx(s_full, abs=0.02)


def test_bad_sketch_bytes():
    with pytest.raises(ValueError):
        decode_sketch(b"\x01garbage")


def test_unreadable_and_odd_paths(tmp_path: Path):
    gone = analyse_file(str(tmp_path / "gone.mid"))
    assert gone.missing and gone.features is None
    odd = tmp_path / "caf\udce9.mid"  # a file name that is not UTF-8
    try:
        write_credited(odd, bars=4)
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses non-UTF-8 names")
    assert path_key(odd).endswith(b"caf\xe9.mid")
    assert analyse_file(str(odd)).features is not None
