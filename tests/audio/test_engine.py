"""Engine with real FluidSynth: gapless joins, exact bridge start, clean cuts, seek, sinks."""

from __future__ import annotations

import wave

import mido
import numpy as np
import pytest
from midi_factory import write_song

from smootify_player.audio.engine import Engine
from smootify_player.audio.sinks import render_array, render_wav, write_midi
from smootify_player.audio.synth import Synth, fallback_soundfont, find_soundfont
from smootify_player.music.bridge import RuleComposer
from smootify_player.music.song import Song
from smootify_player.music.timeline import Timeline
from smootify_player.music.transition import bridge_context

SR = 44100


@pytest.fixture(scope="module")
def synth_font():
    # The small fallback font keeps the tests quick; the shipped one is covered in the CLI test.
    return fallback_soundfont() or find_soundfont()


def _db_windows(audio: np.ndarray, ms: float = 10.0) -> np.ndarray:
    mono = audio.mean(1)
    n = int(SR * ms / 1000)
    frames = mono[: len(mono) // n * n].reshape(-1, n)
    return 20 * np.log10(np.sqrt((frames ** 2).mean(1)) + 1e-12)


def _longest_quiet_ms(db: np.ndarray, thresh: float = -55.0) -> float:
    run = best = 0
    for quiet in db < thresh:
        run = run + 1 if quiet else 0
        best = max(best, run)
    return best * 10.0


def _mix(tmp_path, exit_bar=6, entry_bar=2):
    a = Song.load(write_song(tmp_path / "a.mid", bars=8, tempo=120, tonic=0, seed=1))
    b = Song.load(write_song(tmp_path / "b.mid", bars=8, tempo=96, tonic=7, seed=2))
    ctx = bridge_context(a, b, exit_bar, entry_bar)
    bridge = RuleComposer().compose(ctx)
    tl = Timeline(SR)
    tl.add_song(a, 0, exit_bar)
    tl.add_bridge(bridge, a, b, float(a.bar_tempo[exit_bar - 1]), float(b.bar_tempo[entry_bar]))
    tl.add_song(b, entry_bar, entry_bar + 4)
    return a, b, tl


def test_joins_are_gapless(tmp_path, synth_font):
    _, _, tl = _mix(tmp_path)
    eng = Engine(tl, synth_font)
    audio = render_array(eng, tail_s=0.0)
    assert len(audio) == tl.length
    db = _db_windows(audio)
    for seg in tl.segments[1:]:
        lo = max(0, seg.start // 441 - 100)
        hi = seg.start // 441 + 100  # one second either side of each join
        assert _longest_quiet_ms(db[lo:hi]) <= 100, f"silence at join {seg.label}"
    assert _longest_quiet_ms(db) <= 100


def test_bridge_starts_on_the_exit_bar_sample(tmp_path, synth_font):
    a, _, tl = _mix(tmp_path)
    bridge = tl.segments[1]
    assert bridge.start == round(a.bar_time(6) * SR)
    only_a = Timeline(SR)
    only_a.add_song(a, 0, 6)
    full = render_array(Engine(tl, synth_font), tail_s=0.0)
    alone = render_array(Engine(only_a, synth_font), tail_s=0.5)
    n = bridge.start
    # Identical up to the exit sample: nothing of the bridge leaks in early ...
    assert np.allclose(full[:n], alone[:n], atol=1e-6)
    # ... and the bridge sounds from that sample on (FluidSynth renders in 64-frame blocks).
    diff = np.abs(full[n:n + 4096] - alone[n:n + 4096]).max(1)
    first = int(np.argmax(diff > 1e-4))
    assert diff.max() > 1e-3 and first <= 64


def test_nothing_sounds_after_a_cut_except_releases(tmp_path, synth_font):
    song = Song.load(write_song(tmp_path / "a.mid", bars=8, tempo=120))
    cut, whole = Timeline(SR), Timeline(SR)
    cut.add_song(song, 0, 2)
    whole.add_song(song, 0, 8)
    a = render_array(Engine(cut, synth_font), tail_s=2.0)
    b = render_array(Engine(whole, synth_font), tail_s=0.0)[: len(a)]
    end = cut.length
    after = slice(end + SR, end + 2 * SR)  # from one second after the cut
    level_cut = np.sqrt((a[after] ** 2).mean())
    level_whole = np.sqrt((b[after] ** 2).mean())
    assert level_cut < level_whole / 30  # >= 30 dB quieter: only release tails remain


def test_seek_replays_state_and_renders(tmp_path, synth_font):
    _, _, tl = _mix(tmp_path)
    eng = Engine(tl, synth_font)
    eng.seek(tl.segments[2].start + SR)
    assert eng.position == tl.segments[2].start + SR
    out = eng.render(SR // 2)
    assert np.abs(out).max() > 0.01
    eng.volume = 0.0
    assert np.abs(eng.render(1024)).max() == 0


def test_timeline_grows_while_playing(tmp_path, synth_font):
    a = Song.load(write_song(tmp_path / "a.mid", bars=8, tempo=120))
    tl = Timeline(SR)
    tl.add_song(a)
    eng = Engine(tl, synth_font)
    eng.render(SR)
    tl.cut_last_song(2)  # 4 s, still ahead of the 1 s played
    tl.add_song(a, 0, 2)
    render_array(eng, tail_s=0.0)
    assert eng.finished and eng.position == tl.length == 8 * SR


def test_drum_channel_in_every_block(synth_font):
    s = Synth(synth_font, SR, 64)
    s.noteon(16 + 9, 38, 120)  # snare in block 1
    drum = s.render(4410)
    s.noteoff(16 + 9, 38)
    s.silence()
    s.noteon(16 + 0, 38, 120)  # melodic D on the same block
    melodic = s.render(4410)
    s.close()
    assert np.abs(drum).max() > 0.01 and np.abs(melodic).max() > 0.01
    assert not np.allclose(drum, melodic, atol=1e-3)


def test_wav_and_midi_sinks(tmp_path, synth_font):
    _, _, tl = _mix(tmp_path)
    stats = render_wav(tl, tmp_path / "mix.wav", synth_font)
    with wave.open(str(tmp_path / "mix.wav")) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (2, SR, 2)
        assert w.getnframes() == pytest.approx(tl.length + 1.5 * SR, abs=1)
    assert stats["speed"] > 1
    write_midi(tl, tmp_path / "mix.mid")
    mf = mido.MidiFile(tmp_path / "mix.mid")
    assert len(mf.tracks) == 1 + len(tl.segments)
    assert mf.length == pytest.approx(tl.length / SR, abs=0.05)


def test_missing_soundfont_falls_back_with_notice(tmp_path):
    notes = []
    path = find_soundfont(tmp_path / "missing.sf2", notice=notes.append)
    assert path.is_file() and len(notes) == 1 and "missing.sf2" in notes[0]


@pytest.mark.parametrize("content", ["midi", "random", "fake header"])
def test_a_file_that_is_no_soundfont_falls_back_with_notice(tmp_path, content):
    from smootify_player.audio.synth import open_synth

    bad = tmp_path / "chosen.sf2"
    if content == "midi":
        write_song(bad, bars=2)
    elif content == "random":
        bad.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, np.uint8).tobytes())
    else:  # looks like a SoundFont to a quick check, FluidSynth refuses it
        bad.write_bytes(b"RIFF\x00\x10\x00\x00sfbk" + b"\x00" * 4096)
    notes: list[str] = []
    synth = open_synth(bad, notes.append, sample_rate=SR, n_channels=16)
    try:
        assert synth.soundfont != bad and synth.soundfont.is_file()
        assert len(notes) == 1 and "chosen.sf2" in notes[0] and "\n" not in notes[0]
    finally:
        synth.close()


def test_crossfade_renders_gaplessly_with_both_songs(tmp_path, synth_font):
    a = Song.load(write_song(tmp_path / "a.mid", bars=8, tempo=120, seed=1))
    b = Song.load(write_song(tmp_path / "b.mid", bars=8, tempo=96, tonic=7, seed=2))
    tl = Timeline(SR)
    tl.add_song(a, 0, 4)
    xf = tl.add_crossfade(a, b, 4, 2, 120, 96)
    tl.add_song(b, 4, 6)
    audio = render_array(Engine(tl, synth_font), tail_s=0.0)
    db = _db_windows(audio)
    assert _longest_quiet_ms(db) <= 100
    mid = audio[xf.start + xf.length // 3: xf.start + 2 * xf.length // 3]
    assert np.sqrt((mid ** 2).mean()) > 0.01  # both halves of the fade sound in the middle


def test_midi_export_never_ends_a_note_before_it_starts(tmp_path):
    """Notes shorter than one tick keep their note-off after their note-on in a .mid."""
    from smootify_player.music.timeline import NOTE_OFF, NOTE_ON

    song = Song.load(write_song(tmp_path / "a.mid", bars=4))
    tl = Timeline(22050)
    seg = tl.add_song(song, 0, song.n_bars)
    ev = seg.events
    # Every note lasts one sample: far under a tick of the exported file.
    on_at: dict[tuple[int, int], int] = {}
    for i in range(len(ev)):
        key = (int(ev["chan"][i]), int(ev["a"][i]))
        if ev["kind"][i] == NOTE_ON:
            on_at[key] = int(ev["sample"][i])
        elif ev["kind"][i] == NOTE_OFF and key in on_at:
            ev["sample"][i] = on_at.pop(key) + 1
    seg.events = ev[np.lexsort((ev["kind"], ev["sample"]))]
    write_midi(tl, tmp_path / "out.mid")
    n_on = 0
    for track in mido.MidiFile(tmp_path / "out.mid").tracks:
        t, sounding = 0, {}
        for msg in track:
            t += msg.time
            if msg.type == "note_on" and msg.velocity:
                sounding[(msg.channel, msg.note)] = t
                n_on += 1
            elif msg.type in ("note_off", "note_on"):
                assert (msg.channel, msg.note) in sounding, "note-off before its note-on"
                assert t > sounding.pop((msg.channel, msg.note))
        assert not sounding
    assert n_on == int((ev["kind"] == NOTE_ON).sum()) > 50
