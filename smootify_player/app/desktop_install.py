"""Install the .desktop file and icon for the current user, so .mid files open in Smootify."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..data import data_dir

__all__ = ["install", "main"]

_RES = data_dir("resources")
MIME_TYPES = ("audio/midi", "audio/x-midi")


def _exec_line() -> str:
    beside = Path(sys.executable).parent / "smootify-gui"  # the venv's own script
    gui = str(beside) if beside.is_file() else shutil.which("smootify-gui")
    if gui:
        return f"{gui} %F"
    return f"{sys.executable} -m smootify_player %F"


def install(data_home: Path | None = None, set_default: bool = True) -> list[Path]:
    """Write ``applications/smootify.desktop`` and the icon under ``data_home``.

    ``data_home`` defaults to ``$XDG_DATA_HOME`` (``~/.local/share``). With ``set_default``
    Smootify becomes the default application for MIDI files (``xdg-mime``). Returns the
    files written.
    """
    home = Path(data_home or os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share")
    apps = home / "applications"
    icons = home / "icons" / "hicolor" / "scalable" / "apps"
    apps.mkdir(parents=True, exist_ok=True)
    icons.mkdir(parents=True, exist_ok=True)
    text = (_RES / "smootify.desktop").read_text(encoding="utf-8")
    exec_line = _exec_line()
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line}"
        elif line.startswith("TryExec="):
            line = f"TryExec={exec_line.split()[0]}"
        lines.append(line)
    desktop = apps / "smootify.desktop"
    desktop.write_text("\n".join(lines) + "\n", encoding="utf-8")
    icon = icons / "smootify.svg"
    shutil.copyfile(_RES / "icons" / "smootify.svg", icon)
    for cmd in (["update-desktop-database", str(apps)],
                ["xdg-mime", "default", "smootify.desktop", *MIME_TYPES] if set_default else []):
        if cmd and shutil.which(cmd[0]):
            subprocess.run(cmd, check=False, capture_output=True)
    return [desktop, icon]


def main(argv: list[str] | None = None) -> int:
    """``python -m smootify_player.app.desktop_install [--data-home DIR] [--no-default]``."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data-home", type=Path, default=None)
    p.add_argument("--no-default", action="store_true",
                   help="do not make Smootify the default application for MIDI files")
    args = p.parse_args(argv)
    for f in install(args.data_home, not args.no_default):
        print(f"installed {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
