"""The smootify command line, run as a user would: a subprocess of the installed entry point."""

from __future__ import annotations

import json
import subprocess
import sys
import wave

from midi_factory import write_song


def _run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smootify_player.cli", *args],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def test_analyze_json_reports_errors_without_traceback(tmp_path, song_files):
    bad = tmp_path / "bad.mid"
    bad.write_text("not midi")
    r = _run("analyze", "--json", str(song_files[0]), str(bad))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    out = json.loads(r.stdout)
    ok, err = out
    assert ok["bars"] == 16 and ok["key"]["name"] == "C major"
    assert ok["tempi"][0]["bpm"] == 120 and ok["time_signatures"][0]["numerator"] == 4
    assert set(ok["families"]) == {"Drums", "Piano", "Bass", "Strings"}
    assert err["path"] == str(bad) and "not a MIDI file" in err["error"]
    assert "\n" not in err["error"]


def test_analyze_text_all_good_exits_zero(song_files):
    r = _run("analyze", *map(str, song_files))
    assert r.returncode == 0, r.stderr
    assert "G major" in r.stdout and "16 bars" in r.stdout


def test_mix_wav_with_report_skips_bad_file(tmp_path, song_files):
    bad = tmp_path / "broken.mid"
    bad.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01")
    out, report = tmp_path / "mix.wav", tmp_path / "plan.json"
    r = _run("mix", str(song_files[0]), str(bad), *map(str, song_files[1:]), "-o", str(out),
             "--report", str(report), "--bridge", "rule", "--seed", "3")
    assert r.returncode == 0, r.stderr
    assert "skipping broken.mid" in r.stderr and "Traceback" not in r.stderr
    plan = json.loads(report.read_text())
    kinds = [s["kind"] for s in plan["segments"]]
    assert kinds == ["song", "bridge", "song", "bridge", "song"]
    for prev, nxt in zip(plan["segments"], plan["segments"][1:]):
        assert abs(prev["end_s"] - nxt["start_s"]) < 1e-3  # gapless, back to back
    assert plan["segments"][0]["from_bar"] == 0
    t = plan["transitions"][0]
    for key in ("from", "to", "exit_bar", "entry_bar", "method", "score", "tempo_from",
                "tempo_to", "timings_ms"):
        assert key in t
    assert set(t["timings_ms"]) == {"analysis", "mix_point", "bridge"}
    assert t["method"] == "smart" and t["tempo_from"] == 120 and t["tempo_to"] == 100
    assert plan["skipped"][0]["path"] == str(bad)
    with wave.open(str(out)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert abs(seconds - (plan["segments"][-1]["end_s"] + 1.5)) < 0.01


def test_mix_midi_output_and_methods(tmp_path, song_files):
    for method in ("jsd", "dtw", "random"):
        out = tmp_path / f"{method}.mid"
        r = _run("mix", *map(str, song_files[:2]), "-o", str(out), "--method", method,
                 "--bridge", "none", "--report", str(tmp_path / f"{method}.json"))
        assert r.returncode == 0, r.stderr
        plan = json.loads((tmp_path / f"{method}.json").read_text())
        assert [s["kind"] for s in plan["segments"]] == ["song", "song"]
        assert plan["transitions"][0]["method"] == method
        assert out.stat().st_size > 100


def test_mix_full_songs(tmp_path, song_files):
    r = _run("mix", *map(str, song_files[:2]), "-o", str(tmp_path / "f.mid"), "--full-songs",
             "--bridge", "rule", "--report", str(tmp_path / "f.json"))
    assert r.returncode == 0, r.stderr
    t = json.loads((tmp_path / "f.json").read_text())["transitions"][0]
    assert (t["exit_bar"], t["entry_bar"]) == (16, 0)


def test_mix_rejects_bad_output_and_no_songs(tmp_path):
    bad = tmp_path / "x.mid"
    bad.write_text("nope")
    r = _run("mix", str(bad), "-o", str(tmp_path / "o.wav"))
    assert r.returncode == 1 and "no playable MIDI" in r.stderr
    r = _run("mix", str(write_song(tmp_path / "a.mid")), "-o", str(tmp_path / "o.mp3"))
    assert r.returncode == 2 and ".wav or .mid" in r.stderr


def test_unet_falls_back_when_weights_missing(tmp_path, song_files):
    r = _run("mix", *map(str, song_files[:2]), "-o", str(tmp_path / "u.mid"),
             "--weights", str(tmp_path / "missing.safetensors"), "--report",
             str(tmp_path / "u.json"))
    assert r.returncode == 0, r.stderr
    assert "using the rule-based bridge" in r.stderr
    assert json.loads((tmp_path / "u.json").read_text())["transitions"][0]["bridge"] == "rule"


def test_mix_crossfade(tmp_path, song_files):
    r = _run("mix", *map(str, song_files[:2]), "-o", str(tmp_path / "x.mid"), "--bridge",
             "crossfade", "--report", str(tmp_path / "x.json"))
    assert r.returncode == 0, r.stderr
    plan = json.loads((tmp_path / "x.json").read_text())
    assert [s["kind"] for s in plan["segments"]] == ["song", "crossfade", "song"]
    assert plan["transitions"][0]["bridge"] == "crossfade"
    assert plan["transitions"][0]["bridge_notes"] > 0
