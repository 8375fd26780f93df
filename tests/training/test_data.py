"""Tests of the LPD-5 loaders, gap windows, augmentation and baselines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from smootify_player.training.baselines import BASELINES, blend, copy_next, repeat_last
from smootify_player.training.batches import make_batch, split_window, window_rolls
from smootify_player.training.data import (
    MAX_CTX_BARS,
    extract,
    gap_windows,
    load_lpd5,
    split_of_md5,
    transpose_pitched,
)

SHARED_VALID = Path(__file__).resolve().parents[2].parent / "shared/data/lpd5/lpd5_16th_valid.npz"


def test_load_and_windows(synth_npz, tmp_path):
    data = load_lpd5(synth_npz)
    assert data.n_songs == 6
    win = gap_windows(data)
    span = 2 * MAX_CTX_BARS + 2
    assert len(win) == 6 * (14 - span + 1)
    act, on = extract(data, int(win.start[0]))
    assert act.shape == (span * 16, 5, 128) and act.dtype == bool
    assert (on <= act).all()
    cached = load_lpd5(synth_npz, cache_dir=tmp_path / "cache")
    assert isinstance(cached.active, np.memmap)
    assert np.array_equal(np.asarray(cached.active), data.active)


def test_windows_skip_silent_gaps(synth_npz):
    data = load_lpd5(synth_npz)
    data.onset[16 * 5:16 * 7] = 0  # silence bars 5-6 of song 0
    win = gap_windows(data)
    assert not np.isin(16 * (5 - MAX_CTX_BARS), win.start)


def test_split_rule():
    assert split_of_md5("00000001" + "0" * 24) == "valid"
    assert split_of_md5("00000014" + "0" * 24) == "test"
    assert split_of_md5("00000002" + "0" * 24) == "train"


def test_transpose_keeps_drums():
    roll = np.zeros((4, 5, 128), bool)
    roll[:, 0, 36] = roll[:, 1, 60] = True
    up = transpose_pitched(roll, 3)
    assert up[:, 0, 36].all() and up[:, 1, 63].all() and not up[:, 1, 60].any()
    down = transpose_pitched(roll, -2)
    assert down[:, 1, 58].all() and down[:, 0, 36].all()


def test_batch_and_baselines(synth_npz):
    from smootify_player.model.unet import ModelConfig, in_channels

    data = load_lpd5(synth_npz)
    win = gap_windows(data)
    act, on = window_rolls(data, win.start[:3], np.random.default_rng(0), 2)
    cfg = ModelConfig(ctx_bars=2)
    x, y = make_batch(act, on, cfg)
    assert x.shape == (3, in_channels(cfg), cfg.canvas_steps, 72)
    assert y.shape == (3, 10, 32, 72)
    before = split_window(act)[0], split_window(on)[0]
    after = split_window(act)[2], split_window(on)[2]
    gap_on = split_window(on)[1]
    for fn in BASELINES.values():
        a, o = fn(before, after)
        assert a.shape == o.shape == (3, 32, 5, 128)
    # the songs repeat one bar, so copying a neighbour bar is exact
    assert np.array_equal(repeat_last(before, after)[1], gap_on)
    assert np.array_equal(copy_next(before, after)[1], gap_on)
    assert np.array_equal(blend(before, after)[1], gap_on)


def test_official_lpd5_directory(tmp_path):
    pypianoroll = pytest.importorskip("pypianoroll")
    roll = np.zeros((24 * 4 * 12, 128), np.uint8)
    for b in range(4 * 12):  # a note of 20 ticks on every beat
        roll[b * 24:b * 24 + 20, 40] = 100
    tracks = [pypianoroll.StandardTrack(name="Piano", program=0, is_drum=False, pianoroll=roll)]
    mt = pypianoroll.Multitrack(resolution=24, tempo=np.full(roll.shape[0], 100.0),
                                tracks=tracks)
    md5 = "00000002" + "a" * 24  # train split
    sub = tmp_path / "lpd" / "A"
    sub.mkdir(parents=True)
    mt.save(sub / f"{md5}.npz")
    data = load_lpd5(tmp_path / "lpd", split="train")
    assert data.n_songs == 1 and data.active.shape == (16 * 12, 5, 16)
    act = np.unpackbits(data.active, axis=-1)
    on = np.unpackbits(data.onset, axis=-1)
    assert act[:, 1, 40].all() and on[::4, 1, 40].all() and not on[1::4, 1, 40].any()
    with pytest.raises(ValueError):
        load_lpd5(tmp_path / "lpd", split="valid")


@pytest.mark.skipif(not SHARED_VALID.exists(), reason="shared LPD-5 valid set not present")
def test_real_valid_slice():
    data = load_lpd5(SHARED_VALID)
    assert data.active.shape[1:] == (5, 16)
    assert data.offsets[-1] == data.active.shape[0]
    act, on = extract(data, int(gap_windows(data).start[0]))
    assert (on <= act).all()
