"""``smootify radio`` and ``smootify order``, through the CLI's main."""

from __future__ import annotations

import json
from pathlib import Path

from smootify_player.cli import main

from .conftest import write_library


def test_radio_json(tmp_path: Path, music: Path, capsys):
    db = tmp_path / "lib.sqlite3"
    argv = ["radio", str(music), "--from", "song 02", "--count", "5", "--seed", "4", "--json",
            "--db", str(db), "--workers", "0", "-q"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["from"]["title"] == "song 02" and out["songs"] == 12
    assert [p["n"] for p in out["picks"]] == [1, 2, 3, 4, 5]
    assert all(0 <= p["score"] <= 1 and "→" in p["reason"] for p in out["picks"])
    assert len({p["path"] for p in out["picks"]}) == 5
    assert main(argv) == 0  # the same seed: the same picks, from the cache
    again = json.loads(capsys.readouterr().out)
    assert again["picks"] == [dict(p, ms=q["ms"]) for p, q in zip(out["picks"],
                                                                   again["picks"])]
    assert again["scan"]["analysed"] == 0


def test_radio_from_a_file_outside_the_folders(tmp_path: Path, music: Path, capsys):
    other = write_library(tmp_path / "other", 1)[0]
    assert main(["radio", str(music), "--from", str(other), "--count", "2", "--db",
                 str(tmp_path / "lib.sqlite3"), "--workers", "0", "-q"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("from: song 00") and " 2. " in text and "BPM" in text


def test_radio_errors(tmp_path: Path, music: Path, capsys):
    db = ["--db", str(tmp_path / "lib.sqlite3"), "--workers", "0"]
    assert main(["radio", str(music), "--from", "nothing like it", *db]) == 2
    assert "no song of that title" in capsys.readouterr().err
    assert main(["radio", str(tmp_path / "nope"), "--from", "x", *db]) == 2
    assert main(["radio", str(music), "--from", "x", "--db",
                 str(tmp_path / "no" / "lib.sqlite3")]) == 2


def test_order_json(tmp_path: Path, music: Path, capsys):
    files = sorted(str(p) for p in music.glob("*.mid"))
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd")
    argv = ["order", *files, str(broken), "--json", "--db", str(tmp_path / "lib.sqlite3"),
            "--workers", "0"]
    assert main(argv) == 1  # a file was skipped
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert "skipped" in captured.err and out["skipped"] == [str(broken)]
    assert sorted(out["files"]) == files and sorted(out["order"]) == list(range(12))
    assert out["cost_after"] < out["cost_before"]
    assert len(out["joins"]) == 11
    assert abs(sum(j["cost"] for j in out["joins"]) - out["cost_after"]) < 1e-3
    assert main(["order", *files, "--keep-first", "--db", str(tmp_path / "lib.sqlite3"),
                 "-q"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("total transition cost") and f"  1. {files[0]}" in text
