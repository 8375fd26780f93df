"""The Player's output with a device: the audio process plays the joins and survives a crash.

A device is needed; headless, alsa-lib's null PCM stands in for one (as in the sink
contract), and the test is skipped where FluidSynth opens none.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from devices import alsa_null
from midi_factory import write_song
from test_player import Harness

from smootify_player.audio.process import AudioProcess
from smootify_player.audio.synth import fallback_soundfont
from smootify_player.player import Player, PlayerSettings


def test_the_player_plays_through_the_audio_process_and_restarts_it(tmp_path, monkeypatch):
    if alsa_null(tmp_path, monkeypatch) is None:
        pytest.skip("no alsa-lib here to stand in for a device")
    monkeypatch.delenv("SMOOTIFY_AUDIO_PROCESS", raising=False)
    songs = [write_song(tmp_path / f"s{i}.mid", bars=4, tempo=240, tonic=5 * i, seed=i)
             for i in range(2)]
    h = Harness()
    said: list[str] = []
    p = Player(h, PlayerSettings(transition="crossfade", soundfont=str(fallback_soundfont())),
               notice=lambda m: said.append(str(m)), audio="alsa")
    try:
        p.add(songs)
        p.start_audio()
        p.play()
        assert h.run(p, lambda: p.audio_name != "", timeout=20), said
        audio = p.output.audio
        if not isinstance(audio, AudioProcess) or audio.name != "alsa":
            pytest.skip(f"FluidSynth opened no ALSA device here ({said})")
        assert h.run(p, lambda: len(p.timeline.segments) >= 3, timeout=15), "the join is planned"
        rows = [(g.kind, g.start, g.length, g.block, len(g.events)) for g in p.timeline.segments]
        assert audio.mirror() == rows, "the child plays the timeline the owner planned"
        join = p.timeline.segments[1].start
        assert h.run(p, lambda: p.position > join, timeout=15), "it plays into the join"

        os.kill(audio._proc.pid, signal.SIGKILL)
        before = p.position
        assert h.run(p, lambda: p.output.audio not in (None, audio), timeout=20), said
        assert any("audio process stopped" in s and "restarting" in s for s in said), said
        assert abs(p.output.position - before) < p.sample_rate, "picked up where it was"
        t = time.perf_counter()
        assert h.run(p, lambda: p.position > before + p.sample_rate // 2, timeout=10)
        assert time.perf_counter() - t < 5
    finally:
        p.close()
