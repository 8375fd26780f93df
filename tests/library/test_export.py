"""Export the mix the way it plays: WAV, FLAC and MIDI of the queue equal the player's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from midi_factory import write_song
from test_player import Harness

from smootify_player.audio.sinks import render_wav, write_midi
from smootify_player.audio.synth import fallback_soundfont
from smootify_player.errors import UserFacingError
from smootify_player.player import Player, PlayerSettings
from smootify_player.player.export import ExportCancelledError
from smootify_player.player.states import PlayState


@pytest.fixture(autouse=True)
def _small_soundfont(monkeypatch: pytest.MonkeyPatch) -> None:
    sf = fallback_soundfont()
    if sf is not None:
        monkeypatch.setenv("SMOOTIFY_SOUNDFONT", str(sf))


def test_exported_mix_equals_what_the_player_played(tmp_path: Path):
    files = [write_song(tmp_path / f"{n}.mid", bars=10, tempo=180, tonic=t, seed=i)
             for i, (n, t) in enumerate((("alpha", 0), ("beta", 7), ("gamma", 9)))]
    h = Harness()
    p = Player(h, PlayerSettings(transition="crossfade", repeat=False), notice=lambda m: None,
               audio="silent", clock_speed=16.0)
    p.scheduler.trim_past = lambda *a, **k: None  # keep every segment to compare
    p.add(files)
    p.play()
    try:
        assert h.run(p, lambda: p.state == PlayState.STOPPED, timeout=60)
        if p.scheduler.fallbacks:
            pytest.skip("a join was late on this loaded machine: the player improvised")
        played = p.timeline
        seen: list[tuple[int, int, str]] = []
        res = p.export(tmp_path / "mix.wav", progress=lambda d, t, ph: seen.append((d, t, ph)))
        assert res.timeline.to_report() == played.to_report()  # the same segments
        assert [(j.plan.exit_bar, j.plan.entry_bar) for j in res.joins] == \
            [(s.planned.plan.exit_bar, s.planned.plan.entry_bar)
             for s in p.scheduler.slots if s.kind == "song" and s.planned is not None]
        assert seen[-1] == (1, 1, "done") and any(ph == "render" for _, _, ph in seen)
        render_wav(played, tmp_path / "played.wav", notice=lambda m: None)
        got, sr = soundfile.read(tmp_path / "mix.wav", dtype="int16")
        want, _ = soundfile.read(tmp_path / "played.wav", dtype="int16")
        assert sr == p.sample_rate and got.shape == want.shape and np.array_equal(got, want)
        p.export(tmp_path / "mix.flac")
        flac, _ = soundfile.read(tmp_path / "mix.flac", dtype="int16")
        assert np.array_equal(flac, want)  # lossless
        p.export(tmp_path / "mix.mid")
        write_midi(played, tmp_path / "played.mid")
        assert (tmp_path / "mix.mid").read_bytes() == (tmp_path / "played.mid").read_bytes()
        # cancel: nothing is left behind
        calls = []
        with pytest.raises(ExportCancelledError):
            p.export(tmp_path / "gone.flac", cancel=lambda: len(calls) > 2,
                     progress=lambda *a: calls.append(a))
        assert not [f for f in tmp_path.iterdir() if "gone" in f.name]
        with pytest.raises(UserFacingError):
            p.export(tmp_path / "mix.mp3")
    finally:
        p.close()


def test_export_command(tmp_path: Path, capsys):
    from smootify_player.cli import main

    files = [write_song(tmp_path / f"s{i}.mid", bars=8, tempo=150, tonic=i, seed=i)
             for i in range(2)]
    out = tmp_path / "mix.mid"
    assert main(["export", *map(str, files), "-o", str(out), "--transition", "crossfade",
                 "--json", "-q"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["format"] == "midi" and len(res["joins"]) == 1 and out.stat().st_size > 0
    assert main(["export", str(files[0]), "-o", str(tmp_path / "mix.mp3"), "-q"]) == 1
    assert "wav, .flac or .mid" in capsys.readouterr().err


def test_an_export_job_takes_the_queue_when_it_is_made(tmp_path: Path):
    """The app runs the job on a worker: a queue edit meanwhile does not reach it."""
    files = [write_song(tmp_path / f"s{i}.mid", bars=6, tempo=200, tonic=i, seed=i)
             for i in range(2)]
    h = Harness()
    p = Player(h, PlayerSettings(transition="cut"), notice=lambda m: None, audio="silent")
    try:
        p.add(files)
        assert h.run(p, lambda: all(e.song is not None for e in p.queue), timeout=20)
        job = p.export_job(tmp_path / "mix.mid")
        p.clear()
        res = job()
        assert len(res.joins) == 1 and (tmp_path / "mix.mid").stat().st_size > 0
    finally:
        p.close()
