"""Live playback into a real PulseAudio server equals an offline render of the same timeline.

A private server with a null sink is started for the test (``tests/pulse_server.py``); the
audio process plays a short timeline of two songs into it while the sink's monitor is
recorded. The recording must hold the same audio as :func:`render_array` of the same
timeline (aligned, correlation above 0.99) with no dropout. Skipped where PulseAudio is not
installed (``scripts/setup.sh`` installs it).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from midi_factory import write_song
from pulse_server import dropouts_ms, missing, pulse_null_sink, read_wav

from smootify_player.audio.engine import Engine
from smootify_player.audio.process import AudioProcess
from smootify_player.audio.sinks import render_array
from smootify_player.audio.synth import fallback_soundfont, find_soundfont
from smootify_player.music.song import Song
from smootify_player.music.timeline import Timeline

SR = 44100

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))


def _overlap(rec: np.ndarray, ref: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """``rec`` and ``ref`` where they overlap when ``ref`` starts at ``lag`` in ``rec``."""
    a, b = (rec[lag:], ref) if lag >= 0 else (rec, ref[-lag:])
    n = min(len(a), len(b))
    return a[:n], b[:n]


def _align(rec: np.ndarray, ref: np.ndarray) -> int:
    """Where ``ref`` starts in ``rec`` (negative: the recording began after the music did,
    as a null sink's monitor only runs once something plays): first sound, then the best
    cross-correlation around it."""
    def onset(x: np.ndarray) -> int:
        return int(np.flatnonzero(np.abs(x).max(axis=1) > 1e-3)[0])

    guess = onset(rec) - onset(ref)
    best, best_c = guess, -np.inf
    for lag in range(guess - SR // 20, guess + SR // 20):
        a, b = _overlap(rec[: 3 * SR], ref[: 2 * SR], lag)
        c = float(np.dot(a[:, 0], b[:, 0]))
        if c > best_c:
            best, best_c = lag, c
    return best


def test_the_live_path_plays_what_an_offline_render_holds(tmp_path: Path, monkeypatch):
    mode = "pulse"  # what the player opens on a PulseAudio or PipeWire desktop
    a = Song.load(write_song(tmp_path / "a.mid", bars=4, tempo=160, tonic=0, seed=1))
    b = Song.load(write_song(tmp_path / "b.mid", bars=4, tempo=160, tonic=7, seed=2))
    tl = Timeline(SR)
    tl.add_song(a, to_bar=3)
    tl.add_song(b, from_bar=1, to_bar=3)
    sf = fallback_soundfont() or find_soundfont()
    ref = render_array(Engine(tl, sf, offline=True), tail_s=1.0)
    ref = np.round(np.clip(ref, -1, 1) * 32767) / 32768.0  # as the 16-bit recording holds it

    with pulse_null_sink(tmp_path / "pulse") as server:
        for key in ("PULSE_SERVER", "PULSE_RUNTIME_PATH"):
            monkeypatch.setenv(key, server.env[key])
        mark = server.log_lines()
        audio = AudioProcess.open(tl, sf, mode)
        try:
            assert audio.name == mode
            with server.recording(tmp_path / "live.wav") as wav:
                audio.set_paused(False)
                end = tl.length + SR
                deadline = time.monotonic() + 2 * tl.length / SR + 10
                while audio.render_head < end and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.5)
            assert audio.render_head >= end, "the live path kept up with real time"
            assert audio.take_error() is None
        finally:
            audio.close()
        underruns = server.underruns(mark)
    rec = read_wav(wav)
    whole = len(ref)
    live, ref = _overlap(rec, ref, _align(rec, ref))
    assert len(live) >= whole - SR // 20, "the recording holds the whole timeline"
    corr = float(np.corrcoef(live.ravel(), ref.ravel())[0, 1])
    assert corr > 0.99, f"live and offline differ (correlation {corr:.4f})"
    # The server may ease a new stream in over its first milliseconds; after those the two
    # must hold the same samples, to the 16-bit step.
    settled = SR // 100
    assert float(np.abs(live[settled:] - ref[settled:]).max()) < 1e-3, "the same samples"
    assert dropouts_ms(live) == dropouts_ms(ref), "no gaps beyond the music's own"
    # A starved stream underruns every period (dozens in 6 s); a shared CI machine may cost
    # one or two, and the rate itself is bench/bench_live_audio.py's to measure.
    assert underruns <= 5, f"{underruns} underruns while playing 6 s"


def test_a_pause_drops_the_buffer_and_the_resume_goes_on_from_the_same_sample(
        tmp_path: Path, monkeypatch):
    a = Song.load(write_song(tmp_path / "a.mid", bars=4, tempo=160, tonic=0, seed=3))
    tl = Timeline(SR)
    tl.add_song(a, to_bar=3)
    sf = fallback_soundfont() or find_soundfont()
    ref = render_array(Engine(tl, sf, offline=True), tail_s=1.0)
    ref = np.round(np.clip(ref, -1, 1) * 32767) / 32768.0

    with pulse_null_sink(tmp_path / "pulse") as server:
        for key in ("PULSE_SERVER", "PULSE_RUNTIME_PATH"):
            monkeypatch.setenv(key, server.env[key])
        audio = AudioProcess.open(tl, sf, "pulse")
        try:
            with server.recording(tmp_path / "live.wav") as wav:
                audio.set_paused(False)
                while audio.position < int(1.5 * SR):
                    time.sleep(0.005)
                audio.set_paused(True)
                paused_at = audio.position
                time.sleep(0.6)
                assert abs(audio.position - paused_at) < SR // 100, "paused, it holds still"
                audio.set_paused(False)
                while audio.render_head < tl.length + SR:
                    time.sleep(0.05)
                time.sleep(0.5)
        finally:
            audio.close()
    rec = read_wav(wav)
    loud = np.abs(rec).max(axis=1) > 0
    onset = int(np.flatnonzero(loud)[0])
    # The pause: the longest run of digital silence after the music began.
    runs = np.flatnonzero(np.diff(loud[onset:].astype(np.int8))) + onset + 1
    gaps = list(zip(runs[0::2], runs[1::2]))
    start, stop = max(gaps, key=lambda g: g[1] - g[0])
    assert (stop - start) / SR > 0.4, "the pause was heard at once, not after the buffer"
    before, after = rec[:start], rec[stop:]
    lag = _align(before, ref)
    heard_before = start - lag  # samples of ref heard before the pause
    resumed = _align(after, ref[heard_before - SR // 20:]) * -1 + heard_before - SR // 20
    assert abs(resumed - heard_before) <= SR // 200, (
        f"the resume went on {1000 * (resumed - heard_before) / SR:+.1f} ms from where the "
        "pause stopped")
    live, want = _overlap(after, ref, -resumed)
    settled = SR // 100
    assert float(np.abs(live[settled:] - want[settled:]).max()) < 1e-3, "the same samples"
