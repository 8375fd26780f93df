"""The .desktop entry: MIDI MIME types, and the per-user install step."""

from __future__ import annotations

import configparser

from smootify_player.app.desktop_install import _RES, install


def test_desktop_file_declares_midi():
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read(_RES / "smootify.desktop")
    entry = cp["Desktop Entry"]
    assert entry["Name"] == "Smootify"
    assert {"audio/midi", "audio/x-midi"} <= set(entry["MimeType"].strip(";").split(";"))
    assert "%F" in entry["Exec"] and entry["Icon"] == "smootify"


def test_install_writes_entry_and_icon(tmp_path):
    files = install(tmp_path, set_default=False)
    desktop, icon = files
    assert desktop == tmp_path / "applications" / "smootify.desktop"
    assert icon.read_text().startswith("<svg")
    assert "MimeType=audio/midi;audio/x-midi;" in desktop.read_text()
