"""Timeline: placement to the sample, cuts, channel blocks, state replay, tempo ramp."""

from __future__ import annotations

import numpy as np
import pretty_midi
import pytest
from midi_factory import make_song, write_song

from smootify_player.music.bridge import Bridge, BridgeNote
from smootify_player.music.song import Song
from smootify_player.music.timeline import (
    BEND,
    CC,
    NOTE_OFF,
    NOTE_ON,
    PROGRAM,
    Timeline,
    ramp_step_times,
)

SR = 44100


def _bridge() -> Bridge:
    notes = [BridgeNote(3, 36, s, s + 4, 90) for s in range(0, 32, 4)]
    notes += [BridgeNote(0, 36, s, s + 1, 100) for s in range(0, 32, 2)]
    return Bridge(notes=notes, programs=(0, None, None, 33, None), composer="test")


def test_segments_are_contiguous_and_sample_placed(tmp_path):
    a = Song.load(write_song(tmp_path / "a.mid", bars=16, tempo=120))
    b = Song.load(write_song(tmp_path / "b.mid", bars=16, tempo=90))
    tl = Timeline(SR)
    s1 = tl.add_song(a, 0, 12)
    br = tl.add_bridge(_bridge(), a, b, 120, 90)
    s2 = tl.add_song(b, 2)
    assert s1.start == 0 and s1.end == br.start and br.end == s2.start
    assert s1.length == round(a.bar_time(12) * SR)  # 12 bars of 2 s
    assert len({s1.block, br.block, s2.block}) == 3
    assert br.label == "a + b"
    # Bridge lasts two 4/4 bars under a linear ramp 120 -> 90 BPM.
    expected = ramp_step_times(32, 120, 90)[-1]
    assert br.length == round(expected * SR)
    assert 8 * 60 / 120 < expected < 8 * 60 / 90
    assert s2.length == round((b.bar_time(16) - b.bar_time(2)) * SR)
    assert tl.length == s2.end


def test_notes_crossing_a_cut_end_at_the_cut(tmp_path):
    song = Song.load(write_song(tmp_path / "a.mid", bars=8, tempo=120))
    tl = Timeline(SR)
    seg = tl.add_song(song, 1, 3)
    ev = seg.events
    assert ev["sample"].max() == seg.length
    ons = (ev["kind"] == NOTE_ON).sum()
    offs = (ev["kind"] == NOTE_OFF).sum()
    assert ons == offs > 0
    # Strings hold whole bars; at the cut every note has been released.
    for ch in np.unique(ev["chan"]):
        sel = ev[ev["chan"] == ch]
        depth = np.cumsum(np.where(sel["kind"] == NOTE_ON, 1, 0)
                          - np.where(sel["kind"] == NOTE_OFF, 1, 0))
        assert depth[-1] == 0


def test_entry_replays_programs_controllers_and_bend(tmp_path):
    pm = make_song(bars=8, tempo=120)
    bass = pm.instruments[1]
    bass.control_changes += [pretty_midi.ControlChange(7, 40, 0.0),
                             pretty_midi.ControlChange(10, 20, 3.0),
                             pretty_midi.ControlChange(64, 127, 5.0)]
    bass.pitch_bends.append(pretty_midi.PitchBend(1000, 4.0))
    pm.write(str(tmp_path / "s.mid"))
    song = Song.load(tmp_path / "s.mid")
    seg = Timeline(SR).add_song(song, 4)  # bar 4 = 8 s
    at0 = seg.events[seg.events["sample"] == 0]
    bass_ch = [c for c in np.unique(at0["chan"])
               if any((e["kind"] == PROGRAM and e["a"] == 33) for e in at0[at0["chan"] == c])]
    assert len(bass_ch) == 1
    mine = at0[at0["chan"] == bass_ch[0]]
    ccs = {(int(e["a"]), int(e["b"])) for e in mine if e["kind"] == CC}
    assert {(7, 40), (10, 20), (64, 127)} <= ccs
    assert any(e["kind"] == BEND and e["a"] == 1000 for e in mine)
    # Replayed state is applied after the reset (121) that clears the block's old state.
    kinds = [(int(e["kind"]), int(e["a"])) for e in mine]
    assert kinds.index((CC, 121)) < kinds.index((CC, 7))
    # The sustain pedal is lifted at the cut.
    last = seg.events[seg.events["sample"] == seg.length]
    assert any(e["kind"] == CC and e["a"] == 64 and e["b"] == 0 for e in last)


def test_cut_last_song_and_truncate(tmp_path):
    song = Song.load(write_song(tmp_path / "a.mid", bars=8, tempo=120))
    tl = Timeline(SR)
    tl.add_song(song)
    v = tl.version
    tl.cut_last_song(4)
    assert tl.length == round(8.0 * SR) and tl.version > v
    tl.add_bridge(_bridge(), song, song, 120, 120)
    tl.truncate(1)
    assert len(tl.segments) == 1
    with pytest.raises(ValueError):
        tl.add_bridge(_bridge(), song, song, 120, 120)
        tl.cut_last_song(2)


def test_empty_bridge_adds_nothing(tmp_path):
    song = Song.load(write_song(tmp_path / "a.mid", bars=4))
    tl = Timeline(SR)
    tl.add_song(song)
    assert tl.add_bridge(Bridge([], (None,) * 5, "none", n_bars=0), song, song, 120, 120) is None
    assert len(tl.segments) == 1


def test_ramp_endpoints():
    t = ramp_step_times(32, 100, 100)
    assert t[-1] == pytest.approx(8 * 60 / 100)
    up = np.diff(ramp_step_times(32, 80, 160))
    assert np.all(np.diff(up) < 0)  # steps get shorter as the tempo rises


def test_crossfade_overlaps_beat_matched_songs(tmp_path):
    a = Song.load(write_song(tmp_path / "a.mid", bars=16, tempo=120, tonic=0))
    b = Song.load(write_song(tmp_path / "b.mid", bars=16, tempo=90, tonic=7, bass_program=38))
    tl = Timeline(SR)
    tl.add_song(a, 0, 10)
    xf = tl.add_crossfade(a, b, 10, 4, 120, 90)  # A's bars 10-11 over B's bars 4-5
    after = tl.add_song(b, 6)
    assert xf.kind == "crossfade" and xf.label == "a + b"
    assert xf.length == round(ramp_step_times(32, 120, 90)[-1] * SR)
    assert after.block == (xf.block + 2) % tl.n_blocks  # A and B each own a block
    ev = xf.events
    ons = ev[ev["kind"] == NOTE_ON]
    a_on, b_on = ons[ons["chan"] < 16], ons[ons["chan"] >= 16]
    assert len(a_on) and len(b_on)
    # B's bass (program 38) plays in B's block, A's bass (33) in A's.
    progs = {(int(e["chan"]) >= 16, int(e["a"])) for e in ev[ev["kind"] == PROGRAM]}
    assert (True, 38) in progs and (False, 33) in progs
    # Both songs' kicks land on the ramp's beat grid: every 4th step of the 32.
    grid = np.round(ramp_step_times(32, 120, 90) * SR)[::4]
    for side in (a_on, b_on):
        kicks = side[side["a"] == 36]["sample"]
        assert np.isin(kicks, grid).all()
    # Expression: A fades out, B fades in, equal power.
    fade = ev[(ev["kind"] == CC) & (ev["a"] == 11)]
    a_fade, b_fade = fade[fade["chan"] < 16], fade[fade["chan"] >= 16]
    assert a_fade["b"][0] == 127 and a_fade["b"][-1] == 0
    assert b_fade["b"][0] == 0 and b_fade["b"][-1] == 127


def test_splice_rebases_segments_built_elsewhere(tmp_path):
    a = Song.load(write_song(tmp_path / "a.mid", bars=8, tempo=120))
    b = Song.load(write_song(tmp_path / "b.mid", bars=8, tempo=100))
    tl = Timeline(SR)
    tl.add_song(a)
    tl.add_song(a)  # the open-ended song now playing
    scratch = Timeline(SR)  # built off the playing thread
    cut = scratch.add_song(a, 0, 4)
    xf = scratch.add_crossfade(a, b, 4, 0, 120, 100)
    nxt = scratch.add_song(b, 2)
    playing = tl.segments[-1]
    v = tl.version
    tl.splice([cut, xf, nxt])
    assert tl.version > v and len(tl.segments) == 4
    assert cut.start == playing.start and cut.block == playing.block
    assert xf.start == cut.end and nxt.start == xf.end
    assert xf.block == (cut.block + 1) % tl.n_blocks
    assert nxt.block == (xf.block + 2) % tl.n_blocks  # the crossfade holds two blocks
    end = tl.length
    tl.forget_before(2)
    assert tl.segments[0] is xf and tl.length == end


def test_controller_on_the_entry_bar_survives_the_reset(tmp_path):
    pm = make_song(bars=8, tempo=120)
    pm.instruments[1].control_changes.append(pretty_midi.ControlChange(7, 33, 8.0))  # bar 4
    pm.write(str(tmp_path / "s.mid"))
    seg = Timeline(SR).add_song(Song.load(tmp_path / "s.mid"), 4)
    at0 = [(int(e["chan"]), int(e["a"]), int(e["b"])) for e in seg.events
           if e["sample"] == 0 and e["kind"] == CC]
    ch = next(c for c, a, b in at0 if (a, b) == (7, 33))
    mine = [(a, b) for c, a, b in at0 if c == ch]
    assert mine.index((121, 0)) < mine.index((7, 100)) < mine.index((7, 33))
