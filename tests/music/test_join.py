"""Joins: bridges in the songs' meters and instruments, the crossfade's meter, one builder."""

from __future__ import annotations

import numpy as np
import pretty_midi
import pytest
from midi_factory import make_song, write_song

from smootify_player.composers import make_composer
from smootify_player.music.bridge import (
    Bridge,
    BridgeNote,
    RuleComposer,
    arrange,
)
from smootify_player.music.join import JoinMode, add_join
from smootify_player.music.mixpoint import MixSettings, plan_mix
from smootify_player.music.song import Song
from smootify_player.music.timeline import CC, NOTE_ON, PROGRAM, Timeline
from smootify_player.music.transition import bridge_context, compose_bridge

SR = 22050


def _songs(tmp_path, meter_a=(6, 8), meter_b=(4, 4)):
    a = Song.load(write_song(tmp_path / "a.mid", bars=16, tempo=100, numerator=meter_a[0],
                             denominator=meter_a[1], seed=1))
    b = Song.load(write_song(tmp_path / "b.mid", bars=16, tempo=120, numerator=meter_b[0],
                             denominator=meter_b[1], tonic=7, seed=2))
    return a, b


def test_song_meter_and_steps(tmp_path):
    a, b = _songs(tmp_path, (6, 8), (7, 8))
    assert a.meter(3) == (6, 8) and a.bar_steps(3) == 12
    assert b.meter(0) == (7, 8) and b.bar_steps(0) == 14
    assert np.allclose(a.bar_quarters, 3.0)
    assert np.allclose(a.step_time(a.step_position(np.array([1.3, 4.1]))), [1.3, 4.1])


def test_rule_bridge_bars_take_each_song_meter(tmp_path):
    a, b = _songs(tmp_path)
    plan = plan_mix(a, b, MixSettings())
    br = compose_bridge(a, b, plan, RuleComposer())
    assert br.bar_steps == (12, 16) and br.n_steps == 28
    tl = Timeline(SR)
    tl.add_song(a, 0, plan.exit_bar)
    seg = tl.add_bridge(br, a, b, 100, 100)
    # At a steady 100 BPM bar 1 lasts three quarters (6/8) and bar 2 four (4/4).
    bars = np.diff(seg.bar_samples) / SR
    assert bars == pytest.approx([3 * 0.6, 4 * 0.6], abs=2 / SR)
    # Every bar carries notes, and the bridge ends when B's bar would.
    starts = br.bar_starts
    for k in range(2):
        assert sum(starts[k] <= n.start < starts[k + 1] for n in br.notes) >= 4


def test_bridge_plays_the_songs_own_instruments_and_levels(tmp_path):
    pm = make_song(bars=16, tempo=110, seed=3, bass_program=38, piano_program=4)
    pm.instruments[1].control_changes.append(pretty_midi.ControlChange(7, 70, 0.0))
    pm.instruments[1].control_changes.append(pretty_midi.ControlChange(10, 20, 0.0))
    lead = pretty_midi.Instrument(81, name="Lead")  # a second "strings" family voice
    for bar in range(16):
        for k in range(4):
            t = bar * 4 * 60 / 110 + k * 60 / 110
            lead.notes.append(pretty_midi.Note(100, 84 + (k % 3), t, t + 0.2))
    pm.instruments.append(lead)
    pm.write(str(tmp_path / "a.mid"))
    a = Song.load(tmp_path / "a.mid")
    b = Song.load(write_song(tmp_path / "b.mid", bars=16, tempo=110, tonic=5, seed=4))
    plan = plan_mix(a, b, MixSettings())
    br = compose_bridge(a, b, plan, RuleComposer())
    programs_a = {v.program for v in br.voices[:len(a.voices(plan.exit_bar - 2, plan.exit_bar))]}
    assert {38, 4, 81} <= programs_a  # A's real bass, piano and its lead, not family defaults
    used = {br.voices[n.voice].program for n in br.notes if n.start < br.bar_steps[0]}
    assert 38 in used and 4 in used
    tl = Timeline(SR)
    seg = tl.add_bridge(br, a, b, 110, 110)
    ev = seg.events
    bass_ch = {int(e["chan"]) for e in ev if e["kind"] == PROGRAM and e["a"] == 38}
    assert len(bass_ch) == 1
    ch = bass_ch.pop()
    ccs = {(int(e["a"]), int(e["b"])) for e in ev if e["kind"] == CC and e["chan"] == ch}
    assert (7, 70) in ccs and (10, 20) in ccs  # the bass's volume and pan carry into the bridge
    # Velocities come from the voice that plays the note.
    for n in br.notes:
        assert abs(n.velocity - br.voices[n.voice].velocity) <= 1


def test_arrange_maps_the_canvas_onto_the_meter(tmp_path):
    a, b = _songs(tmp_path, (3, 4), (6, 8))
    ctx = bridge_context(a, b, 12, 0)
    canvas = Bridge(notes=[BridgeNote(3, 40, s, s + 4, 80) for s in range(0, 32, 4)],
                    programs=(0, 0, None, 33, 48), composer="t")
    br = arrange(canvas, ctx)
    assert br.bar_steps == (12, 12)
    assert [n.start for n in br.notes] == [0, 3, 6, 9, 12, 15, 18, 21]
    assert all(n.end - n.start == 3 for n in br.notes)
    assert all(br.voices[n.voice].family == 3 for n in br.notes)


def test_crossfade_bars_follow_the_incoming_meter(tmp_path):
    a, b = _songs(tmp_path, (4, 4), (3, 4))
    tl = Timeline(SR)
    seg = tl.add_crossfade(a, b, 10, 0, 120, 120, bars=2)
    assert np.diff(seg.bar_samples) / SR == pytest.approx([1.5, 1.5], abs=2 / SR)
    # A's notes from past the end of B's two bars are left out, not piled up at the end.
    on = seg.events[seg.events["kind"] == NOTE_ON]
    assert (on["sample"] < seg.length).all()


@pytest.mark.parametrize("mode", [m for m in JoinMode])
def test_add_join_appends_a_join_b(tmp_path, mode):
    a, b = _songs(tmp_path)
    plan = plan_mix(a, b, MixSettings())
    composer = None if mode is JoinMode.CROSSFADE else make_composer(mode.value)
    tl = Timeline(SR)
    join = add_join(tl, a, b, plan, composer, from_bar=2)
    cut, seg, song = join.segments
    assert tl.segments[0] is cut and tl.segments[-1] is song and cut.from_bar == 2
    assert song.song is b and song.to_bar == b.n_bars
    if mode is JoinMode.CUT:
        assert seg is None and join.n_notes == 0
    else:
        assert seg is not None and cut.end == seg.start and seg.end == song.start
        assert join.n_notes > 10
    assert join.mode == (mode.value if mode is not JoinMode.MODEL else join.bridge.composer)


def test_crossfade_scales_the_songs_own_expression(tmp_path):
    pm = make_song(bars=16, tempo=120, seed=5)
    for inst in pm.instruments:
        inst.control_changes.append(pretty_midi.ControlChange(11, 60, 0.0))
    pm.write(str(tmp_path / "a.mid"))
    a = Song.load(tmp_path / "a.mid")
    b = Song.load(write_song(tmp_path / "b.mid", bars=16, tempo=120, seed=6))
    seg = Timeline(SR).add_crossfade(a, b, 10, 0, 120, 120, bars=2)
    ev = seg.events
    expr = ev[(ev["kind"] == CC) & (ev["a"] == 11)]
    a_side, b_side = expr[expr["chan"] < 16], expr[expr["chan"] >= 16]
    assert a_side["b"].max() == 60  # A starts at its own expression, not at full
    assert b_side["b"].max() == 127  # B has none set: full at the end of the fade
    last = a_side[a_side["sample"] == a_side["sample"].max()]
    assert (last["b"] == 0).all()


def test_bridge_lands_in_the_incoming_key(tmp_path):
    from smootify_player.music.key import key_scale

    a = Song.load(write_song(tmp_path / "a.mid", bars=16, tempo=110, tonic=1, seed=7))
    b = Song.load(write_song(tmp_path / "b.mid", bars=16, tempo=110, tonic=0, seed=8))
    ctx = bridge_context(a, b, 12, 0)
    chromatic = [BridgeNote(1, 60 + k, 28, 32, 80) for k in range(12)]
    br = arrange(Bridge(notes=chromatic, programs=(0, 0, None, 33, 48), composer="t"), ctx)
    scale = set(key_scale(ctx.key_b).tolist())
    assert ctx.key_b.tonic == 0 and not ctx.key_b.minor
    assert all(n.pitch % 12 in scale for n in br.notes)
    early = arrange(Bridge(notes=[BridgeNote(1, 61, 0, 4, 80)], programs=(0, 0, None, 33, 48),
                           composer="t"), ctx)
    assert early.notes[0].pitch == 61  # only the last beat is moved


def test_a_pickup_bar_does_not_set_the_bridge_meter(tmp_path):
    pm = make_song(bars=12, tempo=120, numerator=3, denominator=4, seed=9, pickup_beats=1.0)
    pm.time_signature_changes = [pretty_midi.TimeSignature(1, 4, 0.0),
                                 pretty_midi.TimeSignature(3, 4, 0.5)]
    pm.write(str(tmp_path / "b.mid"))
    b = Song.load(tmp_path / "b.mid")
    a = Song.load(write_song(tmp_path / "a.mid", bars=16, tempo=120, seed=10))
    assert b.bar_steps(0) == 4 and b.bar_steps(1) == 12
    ctx = bridge_context(a, b, 16, 0)
    assert (ctx.steps_a, ctx.steps_b) == (16, 12)
