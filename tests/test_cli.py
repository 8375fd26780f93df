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


# --- Edges: versions, mistyped commands, one-line errors, log levels, environment ---------

import os  # noqa: E402
import re  # noqa: E402
from importlib.metadata import entry_points  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from smootify_player import __version__, cli  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _py(code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)


def _one_line_error(r: subprocess.CompletedProcess, rc: int = 2) -> str:
    assert r.returncode == rc, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def _lpd5_npz(path: Path) -> Path:
    """A tiny file with the arrays of an lpd5_16th npz (two 16-bar songs)."""
    steps = 2 * 16 * 16
    np.savez(path, active=np.zeros((steps, 5, 16), np.uint8),
             onset=np.zeros((steps, 5, 16), np.uint8), offsets=np.array([0, 256, 512]),
             md5=np.array(["a" * 32, "b" * 32]), genre=np.array(["", ""]),
             tempo=np.array([120.0, 100.0]))
    return path


def test_version_on_every_entry_point():
    want = f"smootify {__version__}"
    for module in ("smootify_player", "smootify_player.cli", "smootify_player.app.main"):
        r = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0 and r.stdout.strip() == want, (module, r.stderr)
    assert _run("app", "--version").stdout.strip() == want
    # The installed console and GUI scripts, as pip generated them from pyproject.
    for group, name in (("console_scripts", "smootify"), ("gui_scripts", "smootify-gui")):
        (ep,) = entry_points(group=group, name=name)
        r = _py(f"import sys\nfrom {ep.module} import {ep.attr} as f\n"
                "sys.exit(f(['--version']))")
        assert r.returncode == 0 and r.stdout.strip() == want, (name, r.stderr)


def test_mistyped_command_is_an_error_with_a_hint():
    line = _one_line_error(_run("mxi", "a.mid"))
    assert "did you mean 'mix'" in line
    assert "did you mean 'analyze'" in _one_line_error(_run("analyse", "x.mid"))
    line = _one_line_error(_run("frobnicate"))
    assert "did you mean" not in line and "commands: app, mix" in line


def test_an_unknown_option_of_the_app_is_one_line():
    line = _one_line_error(_run("--bogus"))
    assert "unrecognized arguments: --bogus" in line and "--help" in line


@pytest.fixture
def fake_app(monkeypatch):
    """Replace the desktop app by a recorder; the CLI's routing runs in-process."""
    import smootify_player.app.main as app_main

    calls = []
    monkeypatch.setattr(app_main, "main", lambda argv: calls.append(list(argv)) or 0)
    monkeypatch.setenv("SMOOTIFY_LOG", "WARNING")  # restored after the test
    return calls


def test_paths_and_no_arguments_open_the_app(fake_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "mix").mkdir()  # a folder named like a command: ./mix reaches it
    (tmp_path / "tune").write_bytes(b"MThd")  # an existing file without a suffix
    cases = [[], ["song.mid"], ["SONG.MIDI", "other.kar"], ["folder/"], ["folder"],
             ["list.m3u8"], ["list.m3u"], ["tune"], ["./mix"], ["../elsewhere"],
             ["--demo"], ["--play", "a.mid"], ["app", "a.mid"], ["app"]]
    for argv in cases:
        assert cli.main(argv) == 0, argv
    want = [c[1:] if c[:1] == ["app"] else c for c in cases]
    assert fake_app == want


def test_log_flags_reach_the_app(fake_app):
    assert cli.main(["-v", "a.mid", "-q", "-q", "--", "-v"]) == 0
    assert fake_app[-1] == ["a.mid", "--", "-v"]
    assert os.environ["SMOOTIFY_LOG"] == "ERROR"  # -v -q -q
    assert cli.gui_main(["-vv", "b.mid"]) == 0
    assert fake_app[-1] == ["b.mid"] and os.environ["SMOOTIFY_LOG"] == "DEBUG"
    os.environ["SMOOTIFY_LOG"] = "info"
    assert cli.main(["c.mid"]) == 0 and os.environ["SMOOTIFY_LOG"] == "INFO"


def test_log_level():
    import logging

    assert cli.log_level() == logging.WARNING
    assert cli.log_level(1, 0, "ERROR") == logging.INFO  # flags beat the environment
    assert cli.log_level(2) == logging.DEBUG and cli.log_level(5) == logging.DEBUG
    assert cli.log_level(0, 1) == logging.ERROR and cli.log_level(0, 9) == logging.CRITICAL
    assert cli.log_level(0, 0, " debug ") == logging.DEBUG
    assert cli.log_level(0, 0, "15") == 15
    with pytest.raises(cli.CliError, match="SMOOTIFY_LOG='loud'"):
        cli.log_level(0, 0, "loud")


def test_bad_environment_is_one_line(tmp_path):
    env = dict(os.environ, SMOOTIFY_LOG="loud")
    r = subprocess.run([sys.executable, "-m", "smootify_player", "analyze", "x.mid"],
                       capture_output=True, text=True, timeout=60, env=env)
    assert "not a log level" in _one_line_error(r)
    env = dict(os.environ, SMOOTIFY_CLOCK_SPEED="fast")
    r = subprocess.run([sys.executable, "-m", "smootify_player", "--silent", "a.mid"],
                       capture_output=True, text=True, timeout=60, env=env)
    assert "SMOOTIFY_CLOCK_SPEED='fast' is not a number" in _one_line_error(r)


@pytest.mark.parametrize("cmd", ["evaluate", "evaluate-mix", "train"])
def test_data_errors_are_one_line(cmd, tmp_path):
    out = ["--out", str(tmp_path / "w.safetensors")] if cmd == "train" else []
    missing = tmp_path / "nope.npz"
    line = _one_line_error(_run(cmd, "--data", str(missing), *out))
    assert line.startswith(f"smootify {cmd}: --data {missing}: no such file")
    junk = tmp_path / "junk.npz"
    junk.write_text("not a zip")
    assert _one_line_error(_run(cmd, "--data", str(junk), *out)).endswith("not an npz file")
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    line = _one_line_error(_run(cmd, "--data", str(other), *out))
    assert "not an LPD-5 npz (no active, onset, offsets" in line
    empty = tmp_path / "empty"
    empty.mkdir()
    line = _one_line_error(_run(cmd, "--data", str(empty), *out))
    assert ("is a folder" if cmd == "evaluate-mix" else "holds no .npz files") in line


def test_data_corrupt_inside_is_one_line(tmp_path):
    data = _lpd5_npz(tmp_path / "lpd.npz")
    raw = bytearray(data.read_bytes())
    raw[200:400] = b"\xff" * 200  # the table of contents survives, the arrays do not
    data.write_bytes(bytes(raw))
    line = _one_line_error(_run("evaluate-mix", "--data", str(data)), rc=1)
    assert line.startswith("smootify: error:") and "-vv for the traceback" in line


def test_output_folders_checked_before_work(tmp_path, song_files):
    nowhere = tmp_path / "no" / "such"
    line = _one_line_error(_run("mix", str(song_files[0]), "-o", str(nowhere / "m.wav")))
    assert f"folder {nowhere} does not exist" in line
    line = _one_line_error(_run("mix", str(song_files[0]), "-o", str(tmp_path / "m.mid"),
                                "--report", str(nowhere / "r.json")))
    assert "cannot write the report" in line
    data = _lpd5_npz(tmp_path / "lpd.npz")
    line = _one_line_error(_run("evaluate-mix", "--data", str(data), "--json",
                                str(nowhere / "r.json")))
    assert "--json" in line and "does not exist" in line
    line = _one_line_error(_run("evaluate", "--data", str(data), "--weights",
                                str(tmp_path / "w.safetensors")))
    assert "--weights" in line and "no such file" in line


def test_argument_errors_are_one_line(tmp_path):
    line = _one_line_error(_run("train", "--data", "x.npz", "--out", "w.st", "--channels", "8,x"))
    assert "--channels" in line and "smootify train --help" in line
    assert "required" in _one_line_error(_run("mix"))


def test_training_without_torch_says_what_to_install(tmp_path):
    data = _lpd5_npz(tmp_path / "lpd.npz")
    for cmd in (["train", "--out", str(tmp_path / "w.safetensors")], ["evaluate"]):
        r = _py("import sys\nsys.modules['torch'] = None\nfrom smootify_player.cli import main\n"
                f"sys.exit(main({[cmd[0], '--data', str(data), *cmd[1:]]!r}))")
        line = _one_line_error(r)
        assert "needs torch" in line and "smootify-player[train]" in line


def test_quiet_and_verbose(tmp_path, song_files):
    bad = tmp_path / "bad.mid"
    bad.write_text("nope")
    args = ["mix", str(song_files[0]), str(bad), str(song_files[1]), "-o",
            str(tmp_path / "m.mid"), "--bridge", "rule"]
    r = _run("-q", *args)
    assert r.returncode == 0 and r.stderr == "" and r.stdout == ""
    r = _run(*args, "-v")
    assert r.returncode == 0 and "skipping bad.mid" in r.stderr
    assert re.search(r"alpha\.mid -> beta\.mid: exit bar \d+, entry bar \d+, rule bridge",
                     r.stderr), r.stderr
    r = _run(*args)  # default: notices, no info lines
    assert "skipping bad.mid" in r.stderr and "exit bar" not in r.stderr
    assert "wrote" in r.stdout


def test_environment_variables_documented():
    """Every SMOOTIFY_* variable the code reads is in --help and in the README."""
    used = set()
    for f in (REPO / "smootify_player").rglob("*.py"):
        used |= set(re.findall(r"SMOOTIFY_[A-Z_]+", f.read_text()))
    assert used == set(cli.ENV_VARS)
    helptext = _run("--help").stdout
    readme = (REPO / "README.md").read_text()
    for name in used:
        assert name in helptext and f"`{name}`" in readme, name
