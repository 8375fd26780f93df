"""App test fixtures: offscreen Qt, the silent clock faster than real time, small songs."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["SMOOTIFY_AUDIO"] = "silent"

import pytest
from midi_factory import write_song

import smootify_player.app  # noqa: F401  (the PySide6 6.12 guard, before any Qt call)
from smootify_player.audio.synth import fallback_soundfont

SPEED = 12.0
#: Tests join songs with the timeline's crossfade: the model's torch import (in its child
#: process) takes seconds on a busy CI machine, longer than a 16-second song lasts at 12x.
RULE = {"transition": "crossfade"}


@pytest.fixture(autouse=True)
def _small_soundfont(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 6 MB fallback soundfont loads in milliseconds; the app is the same with it."""
    sf = fallback_soundfont()
    if sf is not None:
        monkeypatch.setenv("SMOOTIFY_SOUNDFONT", str(sf))


@pytest.fixture(autouse=True)
def _no_session_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows under test stay off the user's session bus (MPRIS); test_mpris.py starts a
    private bus of its own."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "")


@pytest.fixture
def korean(qapp):
    """The app in Korean (its catalogue and Qt's) for the test's length."""
    from smootify_player.app import i18n

    translators = i18n.install(qapp, "ko")
    assert translators, "no Korean catalogue"
    yield
    i18n.uninstall(qapp, translators)


@pytest.fixture
def songs(tmp_path: Path) -> list[Path]:
    """Four dense 12-bar songs at 180 BPM (16 s each), different keys."""
    d = tmp_path / "songs"
    d.mkdir()
    return [write_song(d / f"{name}.mid", bars=12, tempo=180, tonic=t, seed=i)
            for i, (name, t) in enumerate((("alpha", 0), ("beta", 7), ("gamma", 9),
                                           ("delta", 5)))]


@pytest.fixture
def make_app(qapp, qtbot, tmp_path: Path):
    """Build the real window (as ``smootify`` does) with its own state folder and library
    database (``tmp_path / "library.sqlite3"``)."""
    from smootify_player.app.main import build, parse_args
    from smootify_player.app.theme import apply_theme

    apply_theme(qapp)
    built = []

    def make(*argv: str, state_dir: Path | None = None, speed: float = SPEED,
             settings: dict | None = RULE):
        state = state_dir or tmp_path / "state"
        if settings is not None and not (state / "state.json").exists():
            state.mkdir(parents=True, exist_ok=True)
            (state / "state.json").write_text(json.dumps({"queue": [], "settings": settings}))
        args = parse_args(["--state-dir", str(state), "--silent", "--clock-speed", str(speed),
                           "--db", str(tmp_path / "library.sqlite3"), *argv])
        app = build(args)
        qtbot.addWidget(app.window)
        app.window.show()
        built.append(app)
        return app

    yield make
    for app in built:
        if app.window.isVisible():
            app.window.close()
        if app.server is not None:
            app.server.close()
