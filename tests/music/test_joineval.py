"""Join measures on synthetic signals and segments: dead air, dip, meter, key, texture."""

from __future__ import annotations

import numpy as np
import pytest

from smootify_player.music import joineval as je
from smootify_player.music.key import Key
from smootify_player.music.timeline import CC, EVENT_DTYPE, NOTE_OFF, NOTE_ON, PROGRAM, Segment

SR = 8000


class FakeSong:
    """What the measures read of a Song: time signatures, downbeats and a key."""

    def __init__(self, meter=(4, 4), tempo=120.0, bars=32, key: Key | None = None):
        self.time_signatures = [(0.0, meter[0], meter[1])]
        self.bar_s = 4.0 * meter[0] / meter[1] * 60.0 / tempo
        self.n_bars = bars
        self.bar_tempo = np.full(bars, float(tempo))
        self._key = key or Key(0, False)

    def bar_time(self, bar: int) -> float:
        return float(np.clip(bar, 0, self.n_bars)) * self.bar_s

    def key_at(self, bar: int) -> Key:
        return self._key


def _events(rows) -> np.ndarray:
    ev = np.array(rows, dtype=EVENT_DTYPE) if rows else np.zeros(0, EVENT_DTYPE)
    return ev[np.lexsort((ev["kind"], ev["sample"]))]


def _notes(onsets, pitch=60, chan=0, program=0, dur=200, vel=90, end=None) -> list[tuple]:
    rows = [(0, PROGRAM, chan, program, 0)]
    for s in onsets:
        off = s + dur if end is None else min(s + dur, end)
        rows += [(int(s), NOTE_ON, chan, pitch, vel), (int(off), NOTE_OFF, chan, pitch, 0)]
    return rows


def _song_seg(song: FakeSong, start: int, from_bar: int, n_bars: int, per_bar: int = 8,
              program: int = 0) -> Segment:
    bar = int(round(song.bar_s * SR))
    length = bar * n_bars
    onsets = [b * bar + k * bar // per_bar for b in range(n_bars) for k in range(per_bar)]
    return Segment(kind="song", label="s", start=start, length=length, block=0,
                   events=_events(_notes(onsets, program=program, dur=bar // per_bar)),
                   bar_samples=np.arange(n_bars + 1, dtype=np.int64) * bar, song=song,
                   from_bar=from_bar, to_bar=from_bar + n_bars, songs=(song,),
                   tempo_from=120.0, tempo_to=120.0)


def _step_ramp(n_steps: int, t0: float, t1: float) -> np.ndarray:
    """Samples of every 16th step (and the end) under the timeline's geometric step ramp."""
    k = (np.arange(n_steps) + 0.5) / n_steps
    bpm = t0 * (t1 / t0) ** k
    return np.round(np.concatenate([[0.0], np.cumsum(60.0 / (bpm * 4.0))]) * SR).astype(int)


def _bridge_seg(start: int, t0: float = 120.0, t1: float = 120.0, steps_per_bar: int = 16,
                onset_steps=None, pitch=60, kind="bridge") -> Segment:
    ramp = _step_ramp(2 * steps_per_bar, t0, t1)
    steps = range(0, 2 * steps_per_bar, 2) if onset_steps is None else onset_steps
    rows = _notes([ramp[s] for s in steps], pitch=pitch, dur=int(ramp[2] - ramp[0]),
                  end=int(ramp[-1]))
    return Segment(kind=kind, label="j", start=start, length=int(ramp[-1]), block=1,
                   events=_events(rows), bar_samples=ramp[::steps_per_bar].astype(np.int64),
                   tempo_from=t0, tempo_to=t1)


def _timeline(a_song: FakeSong, b_song: FakeSong, join: bool = True, **bridge):
    a = _song_seg(a_song, 0, 20, 4)
    segs = [a]
    if join:
        segs.append(_bridge_seg(a.end, **bridge))
    segs.append(_song_seg(b_song, segs[-1].end, 2, 4))
    segs[-1].from_bar, segs[-1].to_bar = 2, 6
    return segs


def _sine(n: int, amp: float = 0.3) -> np.ndarray:
    x = amp * np.sin(2 * np.pi * 440.0 * np.arange(n) / SR)
    return np.stack([x, x], 1).astype(np.float32)


# ---------------------------------------------------------------------- levels
def test_sine_with_a_500_ms_gap_has_500_ms_of_dead_air():
    audio = _sine(6 * SR)
    audio[3 * SR:3 * SR + SR // 2] = 0.0
    assert je.longest_quiet_run(audio, SR, 0, len(audio))[0] == pytest.approx(500, abs=20)
    # Outside the window searched, the gap does not count.
    assert je.longest_quiet_run(audio, SR, 0, 2 * SR)[0] == 0.0


def test_levels_of_silence_are_finite():
    silence = np.zeros((SR, 2), np.float32)
    assert np.isfinite(je.frame_levels(silence, SR)).all()
    assert je.loudness_db(silence, SR) == (je.FLOOR_DB, "lufs")
    assert je.loudness_db(silence[:SR // 10], SR) == (je.FLOOR_DB, "rms")


def test_quiet_middle_gives_a_negative_dip():
    audio = _sine(6 * SR)
    audio[2 * SR:4 * SR] *= 0.25  # -12 dB
    dip = je.level_dip(audio, SR, (2 * SR, 4 * SR), (0, 2 * SR), (4 * SR, 6 * SR))
    assert dip["scale"] == "lufs"
    assert dip["dip_db"] == pytest.approx(-12.0, abs=0.5)
    even = je.level_dip(_sine(6 * SR), SR, (2 * SR, 4 * SR), (0, 2 * SR), (4 * SR, 6 * SR))
    assert abs(even["dip_db"]) < 0.2


def test_short_stretches_use_rms_on_every_side():
    audio = _sine(SR)
    dip = je.level_dip(audio, SR, (0, SR // 10), (0, SR), (0, SR))
    assert dip["scale"] == "rms" and abs(dip["dip_db"]) < 0.3


# ---------------------------------------------------------------------- tempo ramp, meter
def test_ramp_quarters_matches_the_step_ramp():
    assert je.ramp_quarters(2 * SR, 2 * SR, SR, 120, 120) == pytest.approx(4.0)
    ramp = _step_ramp(32, 60, 180)
    q = je.ramp_quarters(ramp[::16], ramp[-1], SR, 60, 180)
    assert np.diff(q) == pytest.approx([4.0, 4.0], abs=0.05)
    back = je.ramp_sample(q, ramp[-1], SR, 60, 180)
    assert back == pytest.approx(ramp[::16], abs=1)


def test_meter_helpers():
    song = FakeSong()
    song.time_signatures = [(0.0, 4, 4), (10.0, 6, 8)]
    assert je.meter_at(song, 5.0) == (4, 4) and je.meter_at(song, 10.0) == (6, 8)
    assert je.is_compound(6, 8) and not je.is_compound(3, 4) and not je.is_compound(7, 8)
    assert je.beat_quarters(6, 8) == 1.5 and je.beat_quarters(3, 4) == 1.0


def test_4_4_bridge_in_3_4_music_is_a_meter_break():
    seg = _bridge_seg(0, 100, 130)
    fit = je.meter_fit(seg, SR, (4, 4), (4, 4))
    assert fit["bar_quarters"] == pytest.approx([4, 4], abs=0.05)
    assert fit["on_grid"] == 1.0 and not fit["meter_break"]
    fit = je.meter_fit(seg, SR, (3, 4), (3, 4))
    assert fit["meter_error"] == pytest.approx(1 / 3, abs=0.02) and fit["meter_break"]
    # Only B in 3/4: the last bar breaks.
    assert je.meter_fit(seg, SR, (4, 4), (3, 4))["meter_break"]


def test_onsets_off_the_grid_are_a_meter_break():
    seg = _bridge_seg(0)
    rng = np.random.default_rng(0)
    # Onsets a third of a 16th plus 40-60 ms late: off the grid.
    ramp = _step_ramp(32, 120, 120)
    rows = _notes([ramp[s] + int(rng.uniform(0.045, 0.07) * SR) for s in range(0, 30, 2)])
    seg.events = _events(rows)
    fit = je.meter_fit(seg, SR, (4, 4), (4, 4))
    assert fit["on_grid"] < 0.2 and fit["meter_break"]


def test_compound_bars_accept_eighths_and_dotted_beat_sixteenths():
    # 6/8 bars: 12 steps of a 16th each, so 3 quarters a bar.
    eighths = _bridge_seg(0, steps_per_bar=12, onset_steps=range(0, 24, 2))
    fit = je.meter_fit(eighths, SR, (6, 8), (6, 8))
    assert fit["bar_quarters"] == pytest.approx([3, 3], abs=0.02)
    assert fit["on_grid"] == 1.0 and not fit["meter_break"]
    # Quarters of the dotted beat (0.375 quarters): the 6/8 grid allows them, 3/4 does not.
    seg = _bridge_seg(0, steps_per_bar=12, onset_steps=[0])
    seg.events = _events(_notes([round(k * 0.375 * 0.5 * SR) for k in range(16)]))
    assert je.meter_fit(seg, SR, (6, 8), (6, 8))["on_grid"] == 1.0
    assert je.meter_fit(seg, SR, (3, 4), (3, 4))["on_grid"] < 0.8


# ---------------------------------------------------------------------- key, texture
def test_key_landing_counts_the_last_beat_only():
    c_major, a_minor = Key(0, False), Key(9, True)
    ramp = _step_ramp(32, 120, 120)
    seg = _bridge_seg(0, onset_steps=[])
    # F# held in bar 1, then C-E-G over the last beat.
    rows = _notes([0], pitch=66, dur=int(ramp[16]))
    for p in (60, 64, 67):
        rows += _notes([ramp[28]], pitch=p, dur=int(ramp[4]), chan=1)
    seg.events = _events(rows)
    assert je.key_landing(seg, SR, c_major, 1.0) == pytest.approx(1.0)
    # A G# in A minor is the raised 7th: in the scale.
    seg.events = _events(_notes([ramp[28]], pitch=68, dur=int(ramp[4])))
    assert je.key_landing(seg, SR, a_minor, 1.0) == pytest.approx(1.0)
    seg.events = _events(_notes([ramp[28]], pitch=66, dur=int(ramp[4])))
    assert je.key_landing(seg, SR, c_major, 1.0) == 0.0
    # Faded out by CC 11 (a crossfade's A): the note hardly counts.
    rows = _notes([ramp[28]], pitch=66, dur=int(ramp[4])) + [(0, CC, 0, 11, 0)]
    rows += _notes([ramp[28]], pitch=60, dur=int(ramp[4]), chan=1)
    seg.events = _events(rows)
    assert je.key_landing(seg, SR, c_major, 1.0) == pytest.approx(1.0)
    seg.events = _events([])
    assert je.key_landing(seg, SR, c_major, 1.0) is None


def test_sparse_join_has_a_low_texture_ratio():
    song = FakeSong()
    a = _song_seg(song, 0, 20, 4, per_bar=8)
    b = _song_seg(song, 0, 0, 4, per_bar=8, program=40)
    sparse = _bridge_seg(0, onset_steps=[0, 16])  # 2 notes in 8 quarters vs 2 per quarter
    tex = je.texture(sparse, SR, a, b, (4, 4), (4, 4))
    assert tex["density_ratio"] == pytest.approx(0.125, abs=0.01)
    assert tex["instrument_ratio"] == 1.0 and tex["instruments_a"] == [0]
    dense = _bridge_seg(0, onset_steps=range(0, 32, 2))
    assert je.texture(dense, SR, a, b, (4, 4), (4, 4))["density_ratio"] == pytest.approx(1.0)


# ---------------------------------------------------------------------- whole joins
def test_a_smooth_4_4_bridge_is_not_broken():
    song = FakeSong()
    segs = _timeline(song, song)
    audio = _sine(segs[-1].end + SR)
    m = je.evaluate_join(audio, SR, segs)
    assert m.kind == "bridge" and not m.broken and m.reasons == []
    assert m.dead_air_ms == 0.0 and abs(m.level_dip_db) < 0.5
    assert m.key_landing == pytest.approx(1.0) and m.meter_a == m.meter_b == "4/4"
    d = m.to_dict()
    assert d["broken"] is False and d["rule"] == je.BROKEN_RULE


def test_silent_bridge_in_3_4_is_broken_for_every_reason():
    song = FakeSong(meter=(3, 4))
    segs = _timeline(song, song, onset_steps=[0])
    audio = _sine(segs[-1].end + SR)
    j = segs[1]
    audio[j.start + SR // 4:j.end] = 0.0
    m = je.evaluate_join(audio, SR, segs)
    text = " ".join(m.reasons)
    assert m.broken and m.dead_air_ms > 1000 and m.level_dip_db < -6
    for word in ("dead air", "level dip", "meter break", "texture"):
        assert word in text


def test_a_cut_has_no_join_bars_and_full_texture():
    song = FakeSong(meter=(6, 8))
    segs = _timeline(song, FakeSong(), join=False)
    audio = _sine(segs[-1].end + SR)
    (span,) = je.find_joins(segs)
    assert span.kind == "cut" and span.start == span.end == segs[1].start
    m = je.evaluate_join(audio, SR, segs)
    assert m.kind == "cut" and not m.broken and m.key_landing is None
    assert m.density_ratio == 1.0 and not m.meter_break
    assert (m.meter_a, m.meter_b) == ("6/8", "4/4")
    with pytest.raises(ValueError):
        je.evaluate_join(audio, SR, segs, index=1)


def test_crossfade_exit_and_entry_bars():
    song = FakeSong()
    segs = _timeline(song, song, kind="crossfade")
    segs[1].from_bar, segs[1].to_bar = 24, 0
    (span,) = je.find_joins(segs)
    assert (span.kind, span.exit_bar, span.entry_bar) == ("crossfade", 26, 0)
    assert len(je.evaluate_joins(_sine(segs[-1].end), SR, segs)) == 1


def test_crossfade_judges_a_on_its_own_meter_and_bars_on_b():
    # A 4/4 crossfade canvas (B's bars) at 120 BPM: 8 quarters, 4 s.
    seg = _bridge_seg(0, kind="crossfade", onset_steps=[])
    q = SR // 2  # samples a quarter
    in_meter = [int(k * 0.5 * q) for k in range(16)]  # A's 3/4 eighths, as written
    stretched = [int(k * 0.5 * 4 / 3 * q) for k in range(12)]  # A's 3/4 bars spread to 4/4
    b_part = _notes([int(k * q) for k in range(8)], chan=16)
    seg.events = _events(_notes(in_meter) + b_part)
    fit = je.meter_fit(seg, SR, (3, 4), (4, 4))
    assert fit["expected_quarters"] == [4.0, 4.0] and fit["on_grid"] == 1.0
    assert not fit["meter_break"]
    seg.events = _events(_notes(stretched))
    fit = je.meter_fit(seg, SR, (3, 4), (4, 4))
    assert fit["on_grid"] < 0.5 and fit["meter_break"]
    # Into 3/4, bars of 4 quarters are B's bars stretched: a break.
    assert je.meter_fit(seg, SR, (4, 4), (3, 4))["meter_error"] == pytest.approx(1 / 3, abs=0.01)


def test_crossfade_bars_follow_each_bar_of_b():
    seg = _bridge_seg(0, kind="crossfade", steps_per_bar=12)  # two 3-quarter bars
    seg.bar_samples = np.array([0, SR // 2, 2 * SR])  # a 1-quarter pickup bar, then 3/4
    fit = je.meter_fit(seg, SR, (4, 4), (1, 4), [(1, 4), (3, 4)])
    assert fit["expected_quarters"] == [1.0, 3.0] and fit["meter_error"] < 0.01


def test_longest_quiet_run_says_where_it_starts():
    audio = _sine(6 * SR)
    audio[3 * SR:3 * SR + SR // 2] = 0.0
    ms, at = je.longest_quiet_run(audio, SR, 0, len(audio))
    assert ms == pytest.approx(500, abs=20) and at == pytest.approx(3 * SR, abs=SR // 50)
    song = FakeSong()
    segs = _timeline(song, song)
    audio = _sine(segs[-1].end + SR)
    audio[segs[2].start + SR // 2:segs[2].start + SR] = 0.0
    m = je.evaluate_join(audio, SR, segs)
    assert m.dead_air_at_s == pytest.approx((segs[2].start + SR // 2 - segs[1].start) / SR,
                                            abs=0.02)
    assert "in B" in m.reasons[0]


def test_beat_jump_a_cut_lurches_a_ramp_does_not():
    from types import SimpleNamespace

    from smootify_player.music.joineval import JoinSpan

    a = SimpleNamespace(song=FakeSong(tempo=80.0))
    b = SimpleNamespace(song=FakeSong(tempo=160.0))
    cut = JoinSpan(a=a, join=None, b=b, kind="cut", exit_bar=8, entry_bar=0)
    assert je.beat_jump(cut, SR) == pytest.approx(2.0)
    bridge = JoinSpan(a=a, join=_bridge_seg(0, 80.0, 160.0), b=b, kind="bridge", exit_bar=8,
                      entry_bar=0)
    assert 1.0 < je.beat_jump(bridge, SR) < 1.12  # eight even steps of 2 ** (1/8) = 1.09


# ---------------------------------------------------------------------- echo (a loop)
def test_a_bridge_copying_the_bars_beside_it_is_a_loop_and_a_new_one_is_not():
    song = FakeSong()
    a = _song_seg(song, 0, 20, 4, per_bar=8)  # eighths on pitch 60, every bar alike
    b = _song_seg(song, 0, 0, 4, per_bar=8)
    copy = _bridge_seg(0, onset_steps=range(0, 32, 2))  # the same eighths: a bar heard twice
    e = je.echo(copy, a, b)
    assert e["echo_a"] == pytest.approx(1.0) and e["echo_b"] == pytest.approx(1.0)
    assert e["loop"] and e["self_a"] == pytest.approx(1.0)
    moved = _bridge_seg(0, onset_steps=range(1, 32, 2), pitch=64)  # other notes, off-beats
    e = je.echo(moved, a, b)
    assert e["echo"] == 0.0 and not e["loop"]
    half = _bridge_seg(0, onset_steps=range(0, 32, 4))  # quarters: half of A's eighths
    assert je.echo(half, a, b)["echo_a"] == pytest.approx(0.5)


def test_echo_is_reported_for_bridges_only():
    song = FakeSong()
    m = je.evaluate_join(_sine(200000), SR, _timeline(song, song))
    assert m.echo["loop"] and "echo" in m.to_dict()["echo"]
    cut = je.evaluate_join(_sine(200000), SR, _timeline(song, song, join=False))
    assert cut.echo == {}
