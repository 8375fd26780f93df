"""The audio process: a mirror of the owner's timeline, soundfont swaps, and a child that dies."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from devices import wait_for
from midi_factory import write_song

from smootify_player.audio.backend import LocalAudio, open_audio, use_process
from smootify_player.audio.process import AudioProcess, AudioProcessError
from smootify_player.audio.synth import fallback_soundfont, find_soundfont
from smootify_player.music.song import Song
from smootify_player.music.timeline import Timeline

SR = 44100


def _rows(tl: Timeline) -> list[tuple[str, int, int, int, int]]:
    return [(g.kind, g.start, g.length, g.block, len(g.events)) for g in tl.segments]


@pytest.fixture(scope="module")
def songs(tmp_path_factory: pytest.TempPathFactory) -> list[Song]:
    d = tmp_path_factory.mktemp("proc")
    return [Song.load(write_song(d / f"s{i}.mid", bars=4, tempo=150, tonic=i, seed=i))
            for i in range(3)]


@pytest.fixture
def proc(songs: list[Song]) -> Iterator[tuple[Timeline, AudioProcess]]:
    tl = Timeline(SR)
    tl.add_song(songs[0])
    p = AudioProcess.open(tl, fallback_soundfont() or find_soundfont(), "silent", 4.0)
    yield tl, p
    p.close()


def test_every_edit_of_the_owners_timeline_reaches_the_child(songs, proc):
    tl, p = proc
    assert p.mirror() == _rows(tl)
    tl.add_song(songs[1])
    tl.cut_last_song(2)
    tl.add_song(songs[2], from_bar=1)
    assert p.mirror() == _rows(tl)
    tl.forget_before(1)
    tl.truncate(1)
    assert p.mirror() == _rows(tl) and len(p.mirror()) == 1


def test_each_event_array_crosses_once(songs, proc, monkeypatch):
    tl, p = proc
    sent: list[list] = []
    real = p._send

    def spy(*msg, **kw):
        if msg[0] == "timeline":
            sent.append(msg[1])
        return real(*msg, **kw)

    monkeypatch.setattr(p, "_send", spy)
    tl.add_song(songs[1])
    tl.add_song(songs[2])
    carried = [sum(piece.events is not None for piece in pieces) for pieces in sent]
    assert carried == [1, 1], "only the new segment's events travel with each edit"
    assert p.mirror() == _rows(tl)


def test_the_child_plays_the_edited_timeline(songs, proc):
    tl, p = proc
    p.set_paused(False)
    assert wait_for(lambda: p.render_head > SR // 4)
    tl.add_song(songs[1])
    end = tl.length
    assert wait_for(lambda: p.render_head > tl.segments[0].end, timeout=10)
    assert p.render_head < end + 2 * SR and p.error is None


def test_a_soundfont_swap_answers_with_its_name_and_a_bad_path_falls_back(proc, tmp_path):
    _, p = proc
    name, notes = p.load_soundfont(str(fallback_soundfont() or find_soundfont()))
    assert name.endswith((".sf2", ".sf3")) and notes == []
    bogus = tmp_path / "not-a-soundfont.sf2"
    bogus.write_bytes(b"MThd nope")
    name, notes = p.load_soundfont(str(bogus))
    assert name != bogus.name and any("is not a SoundFont" in n for n in notes)


def test_a_child_that_dies_is_reported_in_one_line(proc):
    _, p = proc
    os.kill(p._proc.pid, signal.SIGKILL)
    assert wait_for(lambda: not p.alive)
    err = p.take_error()
    assert err is not None and "audio process stopped" in err and "\n" not in err
    with pytest.raises(AudioProcessError):
        p.load_soundfont(None)  # nobody answers: a clear error, not a hang
    p.close()


def test_a_soundfont_that_cannot_load_stops_the_start_with_a_clear_error(tmp_path):
    tl = Timeline(SR)
    bad = tmp_path / "bad.sf2"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00sfbk" + b"\x00" * 64)  # looks right, is not
    try:
        p = AudioProcess.open(tl, bad, "silent", 1.0)
    except AudioProcessError as exc:
        assert "\n" not in str(exc)
    else:  # FluidSynth refused it and the child fell back to another soundfont
        assert p.alive
        p.close()


def test_a_device_plays_from_the_audio_process_and_the_silent_clock_stays_here(monkeypatch):
    monkeypatch.delenv("SMOOTIFY_AUDIO_PROCESS", raising=False)
    assert use_process("auto") and use_process("alsa")
    assert not use_process("silent")
    monkeypatch.setenv("SMOOTIFY_AUDIO_PROCESS", "0")
    assert not use_process("auto")
    tl = Timeline(SR)
    audio = open_audio(tl, fallback_soundfont() or find_soundfont(), "silent", 2.0,
                       notice=lambda m: None)
    assert isinstance(audio, LocalAudio)
    audio.close()


def test_the_child_goes_when_its_owner_is_killed(tmp_path):
    """An app that crashes or is killed leaves no audio process playing on."""
    import subprocess
    import sys

    sf = str(fallback_soundfont() or find_soundfont())
    code = ("import sys, time\n"
            "from smootify_player.audio.process import AudioProcess\n"
            "from smootify_player.music.timeline import Timeline\n"
            f"p = AudioProcess.open(Timeline(44100), {sf!r}, 'silent', 1.0)\n"
            "print(p._proc.pid, flush=True)\n"
            "time.sleep(60)\n")
    owner = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        child = int(owner.stdout.readline())
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait(5)

        def gone() -> bool:
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                return True
            # A zombie (exited, not yet reaped by init) counts as gone.
            with open(f"/proc/{child}/stat") as f:
                return f.read().split(")")[-1].split()[0] == "Z"

        assert wait_for(gone, timeout=5), "the audio process outlived its owner"
    finally:
        owner.kill()
