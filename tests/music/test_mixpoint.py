"""Mix points: search windows, restrictions, odd songs, determinism, musical preference, sound
rules (no silent exits or entries) and key compatibility."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pretty_midi
import pytest
from midi_factory import write_song

from smootify_player.music.features import bar_features
from smootify_player.music.key import estimate_key
from smootify_player.music.mixpoint import (
    KEY_COMPATIBLE_STEPS,
    MAX_ENTRIES,
    MAX_EXITS,
    METHODS,
    SMART_PARTS,
    SMART_WEIGHTS,
    MixFeatures,
    MixPlan,
    MixSettings,
    best_tier,
    candidate_entries,
    candidate_exits,
    choose_pair,
    entry_tiers,
    exit_tiers,
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


# ------------------------------------------------------------------ sound rules
def silent_bars(f) -> set[int]:
    return {int(i) for i in np.flatnonzero(~f.sound)}


def write_keyed(path: Path, tonics: list[int | None], tempo: float = 120.0) -> Path:
    """One bar per tonic: a I-IV-V-I major progression (by bar) and a scale melody, with bass
    and drums; a None bar plays only the tritone B-F (as much C major as F# major)."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(4, 4, 0.0))
    bar = 240.0 / tempo
    drum = pretty_midi.Instrument(0, is_drum=True)
    bass, piano = pretty_midi.Instrument(33), pretty_midi.Instrument(0)
    scale = (0, 2, 4, 5, 7, 9, 11)
    for i, tonic in enumerate(tonics):
        t0 = i * bar
        for s in range(4):
            drum.notes.append(pretty_midi.Note(100, 36, t0 + s * bar / 4, t0 + s * bar / 4 + .05))
        if tonic is None:
            for p in (59, 65):
                piano.notes.append(pretty_midi.Note(80, p, t0, t0 + bar))
            bass.notes.append(pretty_midi.Note(90, 35, t0, t0 + bar / 2))
            continue
        deg = (0, 3, 4, 0)[i % 4]
        for k in (0, 2, 4):
            p = 60 + (tonic + scale[(deg + k) % 7]) % 12
            piano.notes.append(pretty_midi.Note(80, p, t0, t0 + bar))
        for s, d in enumerate(scale[:4] if i % 2 else scale[3:]):
            t = t0 + s * bar / 4
            piano.notes.append(pretty_midi.Note(70, 72 + (tonic + d) % 12, t, t + bar / 4))
        bass.notes.append(pretty_midi.Note(90, 36 + (tonic + scale[deg]) % 12, t0, t0 + bar / 2))
    pm.instruments.extend([drum, bass, piano])
    pm.write(str(path))
    return path


def write_pickup_song(path: Path, bars: int = 24) -> Path:
    """Bar 0 holds only a last-beat pickup; PATTERN_X-like bars follow."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=120.0)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(4, 4, 0.0))
    piano = pretty_midi.Instrument(0)
    piano.notes.append(pretty_midi.Note(80, 67, 1.5, 1.75))
    piano.notes.append(pretty_midi.Note(80, 71, 1.75, 2.0))
    for i in range(1, bars):
        for p in (60, 64, 67):
            piano.notes.append(pretty_midi.Note(80, p, 2.0 * i, 2.0 * i + 1.9))
    pm.instruments.append(piano)
    pm.write(str(path))
    return path


def hand_features(sound: list[str]) -> MixFeatures:
    """MixFeatures from one letter per bar: P pitched on beat 1, D drums only on beat 1,
    L pitched starting late (beat 3), K pickup (last beat only), H held over (sounds, nothing
    starts), . silent."""
    n = len(sound)
    pc = np.zeros((n, 12))
    onsets = np.zeros((n, 5, 16))
    presence = np.zeros((n, 5))
    for i, c in enumerate(sound):
        if c in "PLKH":
            pc[i, [0, 4, 7]] = 4.0
            presence[i, 1] = 1
        if c == "P":
            onsets[i, 1, 0] = 1
        if c == "L":
            onsets[i, 1, 8] = 1
        if c == "K":
            onsets[i, 1, 13] = 1
        if c == "D":
            onsets[i, 0, [0, 4, 8, 12]] = 1
            presence[i, 0] = 1
    return MixFeatures(pc=pc, onsets=onsets, density=onsets.sum((1, 2)), presence=presence,
                       tempo=np.full(n, 120.0))


def test_sound_flags_and_tiers_from_hand_made_features():
    f = hand_features(list("PDLKH.PP"))
    assert f.sound.tolist() == [True, True, True, True, True, False, True, True]
    assert f.pitched.tolist() == [True, False, True, True, True, False, True, True]
    assert f.starts.tolist() == [True, True, True, True, False, False, True, True]
    assert f.first_beat.tolist() == [True, True, False, False, False, False, True, True]
    assert f.pickup.tolist() == [False, False, False, True, False, False, False, False]
    # Exit e judges bar e - 1: pitched 0, drums only 1, silent 2.
    assert exit_tiers(f, np.arange(1, 9)).tolist() == [0, 1, 0, 0, 0, 2, 0, 0]
    # Entry j: first beat (0/1 by bar j + 1), late start (2/3), pickup (4/5), none (6/7).
    assert entry_tiers(f, np.arange(8)).tolist() == [0, 0, 2, 4, 7, 6, 0, 1]
    assert best_tier(np.array([3, 1, 1, 5])).tolist() == [False, True, True, False]


def test_sound_flags_from_rolls():
    # An LPD-style roll: bar 0 silent, bar 1 a pickup, bar 2 on the downbeat and held into 3.
    active = np.zeros((64, 5, 128), bool)
    onset = np.zeros_like(active)
    onset[28, 1, 60] = active[28:32, 1, 60] = True
    onset[32, 3, 40] = active[32:56, 3, 40] = True
    f = MixFeatures.from_bar_features(bar_features(active, onset), 100.0)
    assert f.sound.tolist() == [False, True, True, True]
    assert f.pickup.tolist() == [False, True, False, False]
    assert f.first_beat.tolist() == [False, False, True, False]
    assert f.starts.tolist() == [False, True, True, False]


@pytest.mark.parametrize("method", METHODS)
def test_never_enters_a_silent_intro(tmp_path, method):
    a = Song.load(write_bars(tmp_path / "a.mid", [PATTERN_X] * 16))
    b = Song.load(write_bars(tmp_path / "b.mid", [None] * 4 + [PATTERN_Y] * 28))
    for until in (0.15, 0.5, 1.0):
        plan = plan_mix(a, b, MixSettings(method=method, entry_until=until))
        assert plan.entry_bar >= 4
        assert mix_features(b).first_beat[plan.entry_bar]
    # A silent intro longer than the entry window: the first audible bar is added.
    c = Song.load(write_bars(tmp_path / "c.mid", [None] * 6 + [PATTERN_Y] * 14))
    assert candidate_entries(c.n_bars, MixSettings()).tolist() == [0, 1, 2, 3]
    assert candidate_entries(c.n_bars, MixSettings(), mix_features(c)).tolist() == [0, 1, 2, 3, 6]
    assert plan_mix(a, c, MixSettings(method=method)).entry_bar == 6


@pytest.mark.parametrize("method", METHODS)
def test_never_exits_after_a_silent_bar(tmp_path, method):
    # A folk-like song: every fourth bar a rest, so every phrase-boundary exit follows silence.
    bars = [None if i % 4 == 3 else PATTERN_X for i in range(41)]
    a = Song.load(write_bars(tmp_path / "a.mid", bars))
    b = Song.load(write_bars(tmp_path / "b.mid", [PATTERN_X] * 32))
    fa = mix_features(a)
    assert silent_bars(fa) == {i for i in range(41) if i % 4 == 3}
    for exit_from in (0.7, 0.3):
        plan = plan_mix(a, b, MixSettings(method=method, exit_from=exit_from))
        assert plan.exit_bar - 1 not in silent_bars(fa)
    # Without the rule ``smart`` would take a phrase boundary, right after a rest.
    if method == "smart":
        exits = candidate_exits(a.n_bars, MixSettings())
        score, _ = score_pairs(fa, mix_features(b), exits, np.arange(5))
        e = int(exits[np.argmax(score.max(1))])
        assert e - 1 in silent_bars(fa)
    # Only silent-bar exits requested ("mix now" at bar 28): the request is kept.
    assert plan_mix(a, b, MixSettings(method=method), exit_bars=range(28, 29)).exit_bar == 28


@pytest.mark.parametrize("method", METHODS)
def test_never_enters_on_a_pickup_or_before_a_rest(tmp_path, method):
    a = Song.load(write_bars(tmp_path / "a.mid", [PATTERN_X] * 16))
    b = Song.load(write_pickup_song(tmp_path / "b.mid"))
    fb = mix_features(b)
    assert fb.pickup[0] and not fb.first_beat[0]
    for until in (0.05, 0.15, 0.5):
        assert plan_mix(a, b, MixSettings(method=method, entry_until=until)).entry_bar >= 1
    # B: sound, rest, sound, rest...: only bars followed by sound (none here but the
    # second-last) would be best; an entry whose next bar is silent is still taken over
    # an entry on silence.
    c = Song.load(write_bars(tmp_path / "c.mid",
                             [PATTERN_Y, None, PATTERN_Y, PATTERN_Y, None] * 4))
    for until in (0.15, 0.5):
        plan = plan_mix(a, c, MixSettings(method=method, entry_until=until))
        j = plan.entry_bar
        assert mix_features(c).first_beat[j] and mix_features(c).sound[j + 1]


def test_key_fit_prefers_a_compatible_exit(tmp_path):
    # A: F# major; C major in [20, 24); F# major in [28, 32); tritone bars (as much C as F#)
    # in [24, 28) and [32, 36). Exits 28 and 36 end on the same 4 tritone bars, in the same
    # place of the phrase grid, but [20, 28) is in C major and [28, 36) in F# major. B: C.
    tonics = [6] * 20 + [0] * 4 + [None] * 4 + [6] * 4 + [None] * 4
    a = Song.load(write_keyed(tmp_path / "a.mid", tonics))
    b = Song.load(write_keyed(tmp_path / "b.mid", [0] * 40))
    fa, fb = mix_features(a), mix_features(b)
    exits, entries = np.arange(28, 37), np.arange(0, 7)
    _, parts = score_pairs(fa, fb, exits, entries)
    assert parts["key_fit"][0, 0] == pytest.approx(1.0)  # exit 28
    assert parts["key_fit"][-1, 0] < 0.05  # exit 36: a clear clash
    assert parts["key"][-1, 0] < 0.5  # more than 2 fifths apart
    for name in ("harmony_edge", "phrase_pc", "phrase_rhythm", "phrase8"):
        assert parts[name][0, 0] == pytest.approx(parts[name][-1, 0])
    key_b = b.key_at(4)
    plan = plan_mix(a, b, MixSettings(), exit_bars=range(28, 37))
    key_a = estimate_key(a.features.pc[plan.exit_bar - 8:plan.exit_bar])
    assert plan.exit_bar == 28 and key_a.distance(key_b) <= KEY_COMPATIBLE_STEPS
    # Without key_fit a later, clashing exit wins.
    no_key = dict(SMART_WEIGHTS, key_fit=0.0)
    e, _, _, _ = choose_pair(fa, fb, exits, entries, weights=no_key)
    assert e > 28 and estimate_key(a.features.pc[e - 8:e]).distance(key_b) > 2


def test_key_fit_is_mild_between_ambiguous_keys():
    # Equal C major and G-ish windows: best keys may differ, but a compatible pair costs
    # almost nothing, so key_fit stays near 1; two clear, distant keys give near 0.
    c_major = np.array([[6, 0, 4, 0, 5, 4, 0, 6, 0, 4, 0, 3]], float)
    f_sharp = np.roll(c_major, 6, axis=1)
    def feats(pc):
        n = 8
        return MixFeatures(pc=np.repeat(pc, n, 0), onsets=np.ones((n, 5, 16)),
                           density=np.full(n, 16.0), presence=np.ones((n, 5)),
                           tempo=np.full(n, 120.0))
    same = score_pairs(feats(c_major), feats(c_major), np.array([8]), np.array([0]))[1]
    far = score_pairs(feats(c_major), feats(f_sharp), np.array([8]), np.array([0]))[1]
    assert same["key_fit"][0, 0] == pytest.approx(1.0)
    assert far["key_fit"][0, 0] < 0.01
    assert set(SMART_PARTS) >= {"key", "key_fit"} and SMART_WEIGHTS["key_fit"] > 0.25
