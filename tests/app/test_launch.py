"""Launching for real: ``python -m smootify_player FILES`` queues them, plays, saves state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import RULE

REPO = Path(__file__).resolve().parents[2]


def test_python_m_smootify_player_plays_files_and_saves_state(songs, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "state.json").write_text(json.dumps({"queue": [], "settings": RULE}))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SMOOTIFY_AUDIO="silent")
    proc = subprocess.run(
        [sys.executable, "-m", "smootify_player", "--state-dir", str(state), "--silent",
         "--clock-speed", "8", "--new-instance", "--quit-after", "5", *map(str, songs[:2])],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    saved = json.loads((state / "state.json").read_text())
    assert saved["queue"] == [str(p) for p in songs[:2]]
    assert saved["current"] in (0, 1) and saved["position"] >= 0


def test_missing_soundfont_is_explained(make_app, songs, qtbot):
    app = make_app("--new-instance", *map(str, songs[:1]),
                   settings={**RULE, "soundfont": "/nowhere/missing.sf2"})
    qtbot.waitUntil(lambda: any("missing.sf2" in n for n in app.window.notices), timeout=15000)
    note = next(n for n in app.window.notices if "missing.sf2" in n)
    assert "not found" in note and "instead" in note
    qtbot.waitUntil(lambda: app.player.state == "playing", timeout=15000)
