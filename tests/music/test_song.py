"""Song analysis: bar grid, metres, pickups, features, key, cache and bad input."""

from __future__ import annotations

import mido
import numpy as np
import pretty_midi
import pytest
from midi_factory import make_song, write_song

from smootify_player.music.families import BASS, DRUMS, PIANO, STRINGS, family_of
from smootify_player.music.song import Song, SongError


def test_bars_tempo_and_default_metre(tmp_path):
    path = write_song(tmp_path / "s.mid", bars=16, tempo=120, time_signature=False)
    song = Song.load(path)
    assert song.n_bars == 16
    assert song.tempo == pytest.approx(120, abs=0.01)
    assert song.bar_time(4) == pytest.approx(8.0, abs=1e-3)  # 4 bars of 2 s
    assert song.time_signatures == [(0.0, 4, 4)]
    assert set(song.families) == {"Drums", "Piano", "Bass", "Strings"}


@pytest.mark.parametrize("num,den", [(3, 4), (6, 8), (7, 8), (4, 4)])
def test_metres(tmp_path, num, den):
    path = write_song(tmp_path / "m.mid", bars=8, tempo=120, numerator=num, denominator=den)
    song = Song.load(path)
    assert song.n_bars == 8
    bar_seconds = 60 / 120 * 4 / den * num
    assert np.allclose(np.diff(song.downbeats), bar_seconds, atol=1e-3)
    assert song.time_signatures[0][1:] == (num, den)


def test_metre_change_mid_song(tmp_path):
    pm = make_song(bars=8, tempo=120)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(3, 4, 8.0))  # after 4 bars
    pm.write(str(tmp_path / "c.mid"))
    song = Song.load(tmp_path / "c.mid")
    d = np.diff(song.downbeats)
    assert np.allclose(d[:4], 2.0, atol=1e-3)
    assert np.allclose(d[4:-1], 1.5, atol=1e-3)


def test_tempo_change_moves_downbeats(tmp_path):
    path = write_song(tmp_path / "t.mid", bars=4, tempo=120)
    mf = mido.MidiFile(path)
    # Double the tempo from tick 2 bars on (resolution * 8).
    tick = mf.ticks_per_beat * 8
    track = mf.tracks[0]
    abs_msgs, t = [], 0
    for msg in track:
        t += msg.time
        abs_msgs.append((t, msg))
    abs_msgs.append((tick, mido.MetaMessage("set_tempo", tempo=250000)))
    abs_msgs.sort(key=lambda m: (m[0], m[1].type != "set_tempo"))
    track.clear()
    last = 0
    for t, msg in abs_msgs:
        track.append(msg.copy(time=t - last))
        last = t
    mf.save(tmp_path / "t2.mid")
    song = Song.load(tmp_path / "t2.mid")
    assert song.bar_tempo[0] == pytest.approx(120, abs=0.1)
    assert song.bar_tempo[2] == pytest.approx(240, abs=0.1)
    assert song.bar_time(3) - song.bar_time(2) == pytest.approx(1.0, abs=1e-3)


def test_pickup_first_note_off_downbeat(tmp_path):
    path = write_song(tmp_path / "p.mid", bars=4, tempo=120, pickup_beats=1)
    song = Song.load(path)
    active, onset = song.pianoroll(0, 1)
    first = np.nonzero(onset.any(axis=(1, 2)))[0][0]
    assert first == 4  # one beat = 4 sixteenth steps after the downbeat
    assert song.n_bars == 5  # the shifted last bar spills into a fifth bar


def test_features_and_pianoroll(tmp_path):
    song = Song.load(write_song(tmp_path / "f.mid", bars=8, tonic=0))
    f = song.features
    assert f.pc.shape == (8, 12) and f.onsets.shape == (8, 5, 16)
    # C major material: C, E, G dominate the first bar (I chord), no black keys.
    assert f.pc[0, [1, 3, 6, 8, 10]].sum() == 0
    assert f.pc[0, 0] > 0 and f.pc[0, 4] > 0 and f.pc[0, 7] > 0
    assert f.onsets[0, DRUMS].sum() == 8  # hi-hat on every 8th
    assert f.onsets[0, BASS].tolist() == [i % 4 == 0 for i in range(16)]
    assert f.presence[0, [DRUMS, PIANO, BASS, STRINGS]].all()
    act, ons = song.pianoroll(-2, 3)
    assert act.shape == (80, 5, 128)
    assert not act[:32].any() and act[32:].any()


def test_drums_do_not_count_as_pitch_classes(tmp_path):
    song = Song.load(write_song(tmp_path / "d.mid", bars=4, pitched=False))
    assert song.features.pc.sum() == 0
    assert song.families == ("Drums",)


@pytest.mark.parametrize("tonic", [0, 7, 2])
def test_key(tmp_path, tonic):
    song = Song.load(write_song(tmp_path / "k.mid", bars=16, tonic=tonic))
    assert (song.key.tonic, song.key.minor) == (tonic, False)
    assert song.key_at(8).tonic == tonic


def test_programs_and_velocities(tmp_path):
    song = Song.load(write_song(tmp_path / "v.mid", bars=4, bass_program=34))
    progs = song.programs(0, 4)
    assert progs[BASS] == 34 and progs[DRUMS] == 0 and progs[2] is None
    vel = song.velocities(0, 4)
    assert vel[BASS] == 90 and vel[2] == 0


def test_family_mapping():
    assert family_of(0, True) == DRUMS
    assert family_of(5, False) == PIANO
    assert family_of(33, False) == BASS
    assert family_of(48, False) == STRINGS
    assert family_of(100, False) is None and family_of(105, False) == STRINGS


def test_cache_by_content(tmp_path):
    a = write_song(tmp_path / "a.mid", bars=4)
    b = tmp_path / "b.mid"
    b.write_bytes(a.read_bytes())
    s1, s2, s3 = Song.load(a), Song.load(a), Song.load(b)
    assert s1 is s2
    assert s3.path == b and s3.digest == s1.digest


# ---------------------------------------------------------------- bad input
def _err(path) -> str:
    with pytest.raises(SongError) as info:
        Song.load(path)
    msg = str(info.value)
    assert "\n" not in msg and path.name in msg
    return msg


def test_not_midi(tmp_path):
    p = tmp_path / "notes.mid"
    p.write_text("hello, I am not a MIDI file")
    assert "not a MIDI file" in _err(p)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.mid"
    p.write_bytes(b"")
    assert "empty" in _err(p)


def test_truncated(tmp_path):
    full = write_song(tmp_path / "full.mid", bars=8).read_bytes()
    p = tmp_path / "trunc.mid"
    p.write_bytes(full[: len(full) // 3])
    song_or_error = None
    try:
        song_or_error = Song.load(p)
    except SongError as exc:
        assert p.name in str(exc)
    if song_or_error is not None:  # mido may recover the part before the cut
        assert song_or_error.n_bars >= 1


def test_missing_file(tmp_path):
    assert "cannot read" in _err(tmp_path / "nope.mid")


def test_no_notes(tmp_path):
    pm = pretty_midi.PrettyMIDI()
    pm.instruments.append(pretty_midi.Instrument(0))
    pm.write(str(tmp_path / "silent.mid"))
    assert "no notes" in _err(tmp_path / "silent.mid")


def test_one_note_and_zero_length_notes(tmp_path):
    pm = pretty_midi.PrettyMIDI()
    inst = pretty_midi.Instrument(0)
    inst.notes.append(pretty_midi.Note(80, 60, 0.5, 0.5))  # zero length
    inst.notes.append(pretty_midi.Note(80, 64, 1.0, 1.2))
    pm.instruments.append(inst)
    pm.write(str(tmp_path / "one.mid"))
    song = Song.load(tmp_path / "one.mid")
    assert song.n_bars == 1
    assert 1 <= song.features.density[0] <= 2  # the parser may drop the zero-length one


# MIDI cannot store tempi below ~3.58 BPM (24-bit microseconds per beat): test the slowest.
@pytest.mark.parametrize("bpm", [3.6, 500])
def test_extreme_tempi(tmp_path, bpm):
    path = write_song(tmp_path / f"t{bpm}.mid", bars=2, tempo=bpm)
    song = Song.load(path)
    assert song.n_bars == 2
    assert song.tempo == pytest.approx(bpm, rel=0.01)


def test_type0_and_type2(tmp_path):
    mf = mido.MidiFile(type=0)
    tr = mido.MidiTrack()
    tr += [mido.Message("program_change", program=33, time=0),
           mido.Message("note_on", note=40, velocity=90, time=0),
           mido.Message("note_off", note=40, velocity=0, time=480)]
    mf.tracks.append(tr)
    mf.save(tmp_path / "type0.mid")
    assert Song.load(tmp_path / "type0.mid").n_bars == 1
    mf2 = mido.MidiFile(type=2)
    mf2.tracks.append(tr)
    mf2.save(tmp_path / "type2.mid")
    assert "type 2" in _err(tmp_path / "type2.mid")


def test_smpte_timing(tmp_path):
    data = bytearray(write_song(tmp_path / "s.mid", bars=2).read_bytes())
    data[12:14] = bytes([0xE7, 40])  # -25 fps, 40 ticks per frame
    p = tmp_path / "smpte.mid"
    p.write_bytes(bytes(data))
    assert p.name in _err(p)


def test_thousand_tracks(tmp_path):
    pm = pretty_midi.PrettyMIDI()
    for i in range(1000):
        inst = pretty_midi.Instrument(i % 96)
        inst.notes.append(pretty_midi.Note(80, 40 + i % 40, i * 0.01, i * 0.01 + 0.5))
        pm.instruments.append(inst)
    pm.write(str(tmp_path / "many.mid"))
    song = Song.load(tmp_path / "many.mid")
    assert song.n_bars >= 5


def test_hour_long(tmp_path):
    pm = pretty_midi.PrettyMIDI(initial_tempo=120)
    inst = pretty_midi.Instrument(0)
    inst.notes += [pretty_midi.Note(80, 60, t, t + 0.4) for t in np.arange(0, 3600, 0.5)]
    pm.instruments.append(inst)
    pm.write(str(tmp_path / "hour.mid"))
    song = Song.load(tmp_path / "hour.mid")
    assert song.n_bars == 1800


def test_illegal_messages(tmp_path):
    data = bytearray(write_song(tmp_path / "ok.mid", bars=2).read_bytes())
    # Corrupt a stretch of bytes in the middle of the last track.
    mid = len(data) * 3 // 4
    data[mid:mid + 6] = bytes([0xF4, 0xF5, 0xF9, 0xFD, 0x99, 0xFF])
    p = tmp_path / "illegal.mid"
    p.write_bytes(bytes(data))
    try:
        song = Song.load(p)
        assert song.n_bars >= 1
    except SongError as exc:
        assert p.name in str(exc) and "\n" not in str(exc)


# ------------------------------------------------------------------ lenient reading
def _track_bytes(events: bytes) -> bytes:
    import struct

    return b"MTrk" + struct.pack(">I", len(events)) + events


def _smf(*tracks: bytes, extra: bytes = b"") -> bytes:
    import struct

    return b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), 96) + extra + b"".join(tracks)


_TEMPO = b"\x00\xFF\x51\x03\x07\xA1\x20"  # 120 BPM
_NOTES = (b"\x00\x90\x3C\x64" b"\x60\x80\x3C\x00"  # C4 for a beat
          b"\x00\x90\x40\x64" b"\x60\x40\x00")  # E4, its off in running status
_END = b"\x00\xFF\x2F\x00"


@pytest.mark.parametrize("case", ["unknown chunk", "undefined status", "running after sysex",
                                  "missing last byte"])
def test_lenient_reading_of_what_players_play(tmp_path, case):
    tempo = _track_bytes(_TEMPO + _END)
    notes = _NOTES + _END
    extra = b""
    if case == "unknown chunk":
        extra = b"XFIH\x00\x00\x00\x04abcd"
    elif case == "undefined status":
        notes = b"\x00\xF4" + b"\x00\xFD" + notes
    elif case == "running after sysex":
        notes = (b"\x00\x90\x3C\x64" b"\x00\xF0\x03\x7E\x7F\xF7"  # a SysEx, then running status
                 b"\x60\x3C\x00" b"\x00\x40\x64" b"\x60\x40\x00" + _END)
    data = _smf(tempo, _track_bytes(notes), extra=extra)
    if case == "missing last byte":
        data = data[:-1]
    with pytest.raises(Exception):  # noqa: B017 - strict mido refuses each of these
        mido.MidiFile(file=__import__("io").BytesIO(data))
    p = tmp_path / "lenient.mid"
    p.write_bytes(data)
    song = Song.load(p)
    pitches = sorted(int(n.pitch) for inst in song.midi.instruments for n in inst.notes)
    assert pitches == [60, 64]
    assert all("\n" not in r for r in song.repairs)
    assert song.repairs or case == "running after sysex"  # mido's clip mode reads that one
    assert abs(song.tempo - 120) < 0.01


def test_special_files_get_one_line(tmp_path):
    import os

    fifo = tmp_path / "pipe.mid"
    os.mkfifo(fifo)
    with pytest.raises(SongError, match="not a regular file"):
        Song.load(fifo)  # returns at once: a FIFO is never opened
    zero = tmp_path / "zero.mid"
    zero.symlink_to("/dev/zero")
    with pytest.raises(SongError, match="not a regular file"):
        Song.load(zero)


@pytest.mark.parametrize("tempo", [0, 30])  # 0 µs a beat; 30 µs = 2,000,000 BPM
def test_illegal_tempo_is_refused_in_one_line(tmp_path, tempo):
    import struct

    tempo_ev = b"\x00\xFF\x51\x03" + struct.pack(">I", tempo)[1:]
    data = _smf(_track_bytes(tempo_ev + _END), _track_bytes(_NOTES + _END))
    p = tmp_path / "tempo.mid"
    p.write_bytes(data)
    with pytest.raises(SongError, match="illegal tempo") as err:
        Song.load(p)
    assert "\n" not in str(err.value) and p.name in str(err.value)


def test_a_song_keeps_arrays_and_bytes_not_the_parsed_file(tmp_path):
    """A queued song costs its arrays, not a parsed file's tens of thousands of objects."""
    import pickle

    from smootify_player.music.features import bar_features

    song = Song.load(write_song(tmp_path / "s.mid", bars=32, tempo=110, seed=4))
    assert song._midi is None
    parsed = song.midi  # parsed again on demand, the same file
    assert [len(i.notes) for i in parsed.instruments] == [t.n_notes for t in song.tracks]
    assert [i.program for i in parsed.instruments] == [t.program for t in song.tracks]
    act, ons = song.pianoroll(0, song.n_bars)  # unpacked from the packed rolls
    again = bar_features(act, ons)
    assert np.array_equal(again.pc, song.features.pc)
    assert len(pickle.dumps(song)) < len(pickle.dumps(parsed)) / 2


def test_songs_far_from_playback_let_their_notes_go_and_parse_them_again(tmp_path):
    from smootify_player.music import song as song_mod

    song_mod.keep_details(())
    first = Song.load(write_song(tmp_path / "first.mid", bars=8, tonic=2, seed=40))
    roll, voices = first.pianoroll(0, 8), first.voices(2, 4)
    notes, programs = [a.copy() for a in first.note_arrays], first.programs(0, 8)
    for i in range(song_mod.DETAILS_HELD + 1):
        Song.load(write_song(tmp_path / f"other{i}.mid", bars=4, tonic=i, seed=41 + i))
    assert not first.holds_details and first.rebuilds == 0  # only its summary is left
    assert first.n_bars == 8 and first.features.pc.sum() > 0 and first.key is not None
    again = first.pianoroll(0, 8)  # parsed again from the file's bytes, the same
    assert first.holds_details and first.rebuilds == 1
    assert all(np.array_equal(x, y) for x, y in zip(again, roll))
    assert first.voices(2, 4) == voices and first.programs(0, 8) == programs
    assert all(np.array_equal(x, y) for x, y in zip(first.note_arrays, notes))


def test_kept_songs_hold_their_notes_whatever_else_loads(tmp_path):
    from smootify_player.music import song as song_mod

    kept = Song.load(write_song(tmp_path / "kept.mid", bars=4, tonic=3, seed=60))
    song_mod.keep_details([kept])
    try:
        for i in range(song_mod.DETAILS_HELD + 3):
            Song.load(write_song(tmp_path / f"x{i}.mid", bars=4, tonic=i, seed=61 + i))
        assert kept.holds_details and kept.rebuilds == 0
    finally:
        song_mod.keep_details(())
