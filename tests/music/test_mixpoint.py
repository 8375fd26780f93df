"""Mix points: search windows, restrictions, odd songs, determinism and musical preference."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pretty_midi
import pytest
from midi_factory import write_song

from smootify_player.music.mixpoint import (
    MAX_ENTRIES,
    MAX_EXITS,
    METHODS,
    SMART_PARTS,
    SMART_WEIGHTS,
    MixPlan,
    MixSettings,
    candidate_entries,
    candidate_exits,
    mix_features,
    plan_mix,
    score_pairs,
)
from smootify_player.music.song import Song

# A bar pattern: (chord pitches, bass steps, bass pitch, drum steps); None is an empty bar.
PATTERN_X = ((60, 64, 67), (0, 8), 36, (0, 4, 8, 12))
PATTERN_Y = ((66, 70, 73, 78), (3, 6, 11, 14), 42, (2, 6, 7, 10, 14, 15))


def write_bars(path: Path, bars: list, tempo: float = 120.0, drums_only: bool = False) -> Path:
    """Write one bar per pattern in ``bars`` (16 steps a bar, 4/4)."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(4, 4, 0.0))
    step = 60.0 / tempo / 4
    drum = pretty_midi.Instrument(0, is_drum=True)
    bass = pretty_midi.Instrument(33)
    piano = pretty_midi.Instrument(0)
    for i, pat in enumerate(bars):
        if pat is None:
            continue
        chord, bass_steps, bass_pitch, drum_steps = pat
        t0 = i * 16 * step
        for s in drum_steps:
            drum.notes.append(pretty_midi.Note(100, 36 + (s % 3), t0 + s * step,
                                               t0 + (s + 1) * step))
        if drums_only:
            continue
        for s in bass_steps:
            bass.notes.append(pretty_midi.Note(90, bass_pitch, t0 + s * step,
                                               t0 + (s + 2) * step))
        for p in chord:
            piano.notes.append(pretty_midi.Note(80, p, t0, t0 + 16 * step))
    pm.instruments.append(drum)
    if not drums_only:
        pm.instruments.extend([bass, piano])
    pm.write(str(path))
    return path


def assert_valid(plan: MixPlan, a: Song, b: Song) -> None:
    assert 1 <= plan.exit_bar <= a.n_bars
    assert 0 <= plan.entry_bar < b.n_bars
    assert math.isfinite(plan.score)
    assert plan.tempo_from > 0 and plan.tempo_to > 0
    json.dumps(plan.to_dict())


@pytest.fixture
def songs(song_files) -> tuple[Song, Song]:
    return Song.load(song_files[0]), Song.load(song_files[1])


@pytest.fixture
def long_pair(tmp_path) -> tuple[Song, Song]:
    a = Song.load(write_song(tmp_path / "a.mid", bars=40, tempo=120, tonic=0, seed=1))
    b = Song.load(write_song(tmp_path / "b.mid", bars=60, tempo=90, tonic=5, seed=2))
    return a, b


@pytest.mark.parametrize("method", METHODS)
def test_plan_within_default_window(long_pair, method):
    a, b = long_pair
    plan = plan_mix(a, b, MixSettings(method=method))
    assert_valid(plan, a, b)
    assert plan.method == method
    assert plan.exit_bar >= math.ceil(0.70 * a.n_bars)
    assert plan.entry_bar <= math.floor(0.15 * b.n_bars)
    assert plan.timings_ms > 0


def test_custom_window_and_tempi(long_pair):
    a, b = long_pair
    plan = plan_mix(a, b, MixSettings(exit_from=0.5, entry_until=0.5))
    assert 20 <= plan.exit_bar <= 40 and plan.entry_bar <= 30
    assert plan.tempo_from == pytest.approx(120, abs=0.01)
    assert plan.tempo_to == pytest.approx(90, abs=0.01)


@pytest.mark.parametrize("method", METHODS)
def test_full_songs(long_pair, method):
    a, b = long_pair
    plan = plan_mix(a, b, MixSettings(method=method, full_songs=True))
    assert (plan.exit_bar, plan.entry_bar) == (a.n_bars, 0)


@pytest.mark.parametrize("method", METHODS)
def test_exit_bars_restriction(long_pair, method):
    a, b = long_pair
    plan = plan_mix(a, b, MixSettings(method=method), exit_bars=range(10, 13))
    assert plan.exit_bar in range(10, 13)
    # Requests past the song or before min_exit_bar are clamped into the song.
    plan = plan_mix(a, b, MixSettings(method=method), exit_bars=range(100, 104))
    assert plan.exit_bar == a.n_bars
    plan = plan_mix(a, b, MixSettings(method=method), exit_bars=range(2, 5), min_exit_bar=8)
    assert plan.exit_bar == 8
    plan = plan_mix(a, b, MixSettings(method=method), exit_bars=range(0))
    assert_valid(plan, a, b)


def test_min_exit_bar(long_pair):
    a, b = long_pair
    plan = plan_mix(a, b, min_exit_bar=36)
    assert plan.exit_bar >= 36
    plan = plan_mix(a, b, min_exit_bar=500)
    assert plan.exit_bar == a.n_bars


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n_bars", [1, 2, 3, 4])
def test_short_songs(tmp_path, method, n_bars):
    a = Song.load(write_song(tmp_path / "a.mid", bars=n_bars, seed=1))
    b = Song.load(write_song(tmp_path / "b.mid", bars=n_bars, tonic=3, seed=2))
    for settings in (MixSettings(method=method), MixSettings(method=method, full_songs=True)):
        assert_valid(plan_mix(a, b, settings), a, b)
        assert_valid(plan_mix(a, b, settings, exit_bars=range(0, 2), min_exit_bar=3), a, b)


@pytest.mark.parametrize("method", METHODS)
def test_empty_bars_drums_only_and_identical(tmp_path, method):
    gaps = write_bars(tmp_path / "gaps.mid", [None, None, PATTERN_X, None, PATTERN_Y, None,
                                              None, PATTERN_X, None, PATTERN_X])
    drums = write_bars(tmp_path / "drums.mid", [PATTERN_X, PATTERN_Y] * 6, drums_only=True)
    songs = [Song.load(gaps), Song.load(drums), Song.load(gaps)]
    settings = MixSettings(method=method)
    for a in songs:
        for b in songs:
            assert_valid(plan_mix(a, b, settings), a, b)
            assert_valid(plan_mix(a, b, MixSettings(method=method, exit_from=0.0,
                                                    entry_until=1.0)), a, b)


def test_deterministic_with_seed(long_pair):
    a, b = long_pair
    s = MixSettings(method="random", exit_from=0.0, entry_until=1.0, seed=7)
    p1, p2 = plan_mix(a, b, s), plan_mix(a, b, s)
    assert (p1.exit_bar, p1.entry_bar) == (p2.exit_bar, p2.entry_bar)
    picks = {(plan_mix(a, b, MixSettings("random", 0.0, 1.0, seed=k)).exit_bar,
              plan_mix(a, b, MixSettings("random", 0.0, 1.0, seed=k)).entry_bar)
             for k in range(6)}
    assert len(picks) > 1
    for method in ("smart", "jsd", "dtw"):
        q1, q2 = plan_mix(a, b, MixSettings(method)), plan_mix(a, b, MixSettings(method))
        assert q1.to_dict() | {"timings_ms": 0} == q2.to_dict() | {"timings_ms": 0}


def test_unknown_method(songs):
    a, b = songs
    with pytest.raises(ValueError) as err:
        plan_mix(a, b, MixSettings(method="magic"))
    assert "magic" in str(err.value) and "\n" not in str(err.value)


def test_parts_in_report(songs):
    a, b = songs
    d = plan_mix(a, b).to_dict()
    assert set(d) == {"exit_bar", "entry_bar", "method", "score", "parts", "tempo_from",
                      "tempo_to", "timings_ms"}
    assert set(d["parts"]) == set(SMART_PARTS)
    assert all(0.0 <= v <= 1.0 for v in d["parts"].values())
    total = sum(SMART_WEIGHTS[k] * v for k, v in plan_mix(a, b).parts.items())
    assert d["score"] == pytest.approx(total, abs=1e-3)
    assert set(plan_mix(a, b, MixSettings("jsd")).parts) >= {"jsd_similarity", "prior"}
    assert "dtw_cost" in plan_mix(a, b, MixSettings("dtw")).parts


def test_smart_prefers_matching_entry(tmp_path):
    # A: 12 bars of X. B: Y everywhere but bars 4-7, which repeat A's pattern.
    a = Song.load(write_bars(tmp_path / "a.mid", [PATTERN_X] * 12))
    b_bars = [PATTERN_Y] * 32
    b_bars[4:8] = [PATTERN_X] * 4
    b = Song.load(write_bars(tmp_path / "b.mid", b_bars))
    plan = plan_mix(a, b, MixSettings(entry_until=0.25))
    assert plan.entry_bar == 4
    assert plan.exit_bar % 4 == 0
    # Without the phrase grid and the prior, the musical parts alone still pick bar 4.
    weights = dict(SMART_WEIGHTS, phrase=0.0, phrase8=0.0, prior=0.0)
    fa, fb = mix_features(a), mix_features(b)
    score, parts = score_pairs(fa, fb, np.array([12]), np.arange(b.n_bars), "smart",
                               prior=False, weights=weights)
    assert int(np.argmax(score[0])) == 4
    assert parts["harmony_edge"][0, 4] > parts["harmony_edge"][0, 12]
    assert parts["drums"][0, 4] > parts["drums"][0, 12]


def test_candidate_caps_for_long_songs():
    exits = candidate_exits(3000, MixSettings())
    entries = candidate_entries(3000, MixSettings())
    assert len(exits) == MAX_EXITS and exits[-1] == 3000 and exits[0] >= 2100
    assert len(entries) == MAX_ENTRIES and entries[0] == 0
    assert candidate_entries(1, MixSettings()).tolist() == [0]
    assert candidate_exits(1, MixSettings()).tolist() == [1]
    assert candidate_exits(10, MixSettings(exit_from=0.0)).tolist() == list(range(1, 11))
