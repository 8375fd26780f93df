"""One contract for every live sink: the silent clock, FluidSynth's driver sink, the audio
process (the engine and its sink in a child process, driven over a socket) and the
PulseAudio stream (into a private server's null sink).

The Player counts on any sink (``audio.live.Sink``) to: start; advance the position while
unpaused and hold it while paused; move the position on seek; close quickly, twice if need
be; and leave ``error`` at None when nothing went wrong.

FluidSynth's driver sink needs a device. Headless, ALSA's ``null`` device stands in for one:
``ALSA_CONFIG_PATH`` names alsa-lib's own configuration plus a file that makes the default
PCM the null plugin (which plays nothing and takes frames as fast as they come). FluidSynth's
``file`` driver cannot serve here: it has no callback mode (``new_fluid_audio_driver2``),
which is how the sink feeds it. Where no driver opens, the test says why and is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from devices import alsa_null, wait_for
from midi_factory import write_song

from smootify_player.audio.engine import Engine
from smootify_player.audio.live import (
    AudioUnavailableError,
    FluidDriverSink,
    SilentClock,
    Sink,
)
from smootify_player.audio.synth import fallback_soundfont, find_soundfont
from smootify_player.music.song import Song
from smootify_player.music.timeline import Timeline

SR = 44100


def _silent(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             request: pytest.FixtureRequest) -> Sink:
    return SilentClock(engine, speed=4.0)


def _fluid_driver(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             request: pytest.FixtureRequest) -> Sink:
    tried = []
    for driver in (alsa_null(tmp_path, monkeypatch), None):  # None: the platform's own
        try:
            return FluidDriverSink(engine, driver)
        except AudioUnavailableError as exc:
            tried.append(f"{driver or 'platform drivers'}: {exc}")
    pytest.skip("FluidSynth opened no audio driver here (" + "; ".join(tried) + ")")


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> Song:
    return Song.load(write_song(tmp_path_factory.mktemp("sink") / "a.mid", bars=4, tempo=120))


def _process(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             request: pytest.FixtureRequest) -> Sink:
    """The audio process (its own silent clock): what the Player gets with a device."""
    from smootify_player.audio.process import AudioProcess

    return AudioProcess.open(engine.timeline, engine.synth.soundfont, "silent", 4.0)


def _pulse_stream(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  request: pytest.FixtureRequest) -> Sink:
    """Our PulseAudio stream, into a private server's null sink (where PulseAudio is)."""
    from pulse_server import missing, pulse_null_sink

    from smootify_player.audio.pulse import PulseSink

    if missing():
        pytest.skip(str(missing()))
    server = pulse_null_sink(tmp_path / "pulse")
    env = server.__enter__()
    request.addfinalizer(lambda: server.__exit__(None, None, None))
    for key in ("PULSE_SERVER", "PULSE_RUNTIME_PATH"):
        monkeypatch.setenv(key, env.env[key])
    return PulseSink(engine)


@pytest.fixture(params=[_silent, _fluid_driver, _process, _pulse_stream],
                ids=["silent-clock", "fluid-driver", "audio-process", "pulse-stream"])
def sink(request, song: Song, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
         ) -> Iterator[Sink]:
    tl = Timeline(SR)
    tl.add_song(song)
    engine = Engine(tl, fallback_soundfont() or find_soundfont())
    s = request.param(engine, tmp_path, monkeypatch, request)
    yield s
    s.close()
    engine.close()


def test_a_sink_starts_paused_and_names_itself(sink: Sink):
    assert isinstance(sink.name, str) and sink.name
    assert isinstance(sink.latency, int) and sink.latency >= 0
    sink.start()
    time.sleep(0.05)
    assert sink.position == 0, "nothing plays before set_paused(False)"


def test_position_advances_while_playing_and_holds_while_paused(sink: Sink):
    sink.start()
    sink.set_paused(False)
    assert wait_for(lambda: sink.position > SR // 10), "the position advances"
    sink.set_paused(True)
    time.sleep(0.05)  # a block being rendered when paused may still land
    held = sink.position
    time.sleep(0.15)
    assert sink.position == held, "the position holds while paused"
    sink.set_paused(False)
    assert wait_for(lambda: sink.position > held), "and moves on when unpaused"


def test_seek_moves_the_position(sink: Sink):
    sink.start()
    sink.seek(3 * SR)
    assert sink.position == 3 * SR, "paused, the position is where it was sent"
    sink.set_paused(False)
    assert wait_for(lambda: sink.position > 3 * SR)
    ahead = sink.position
    sink.seek(SR // 2)
    assert sink.position < ahead, "a seek back while playing goes back"
    assert wait_for(lambda: sink.position > SR // 2), "and plays on from there"


def test_close_is_fast_and_idempotent_and_normal_use_leaves_no_error(sink: Sink):
    sink.start()
    sink.set_paused(False)
    assert wait_for(lambda: sink.position > 0)
    sink.seek(SR)
    sink.set_paused(True)
    assert sink.error is None
    t = time.perf_counter()
    sink.close()
    sink.close()
    assert time.perf_counter() - t < 0.5
    assert sink.error is None
