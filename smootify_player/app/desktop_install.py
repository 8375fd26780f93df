"""Desktop integration for the current user: ``smootify desktop install|uninstall [--default]``.

``install`` writes, under ``$XDG_DATA_HOME`` (``~/.local/share``), the desktop entry
``applications/io.github.smootify.Smootify.desktop`` (its ``Exec`` pointing at this install),
the icon (SVG and PNGs at the hicolor sizes) and the AppStream metainfo, so file managers
offer Smootify for MIDI files and menus and software centres list it. With ``--default`` it
also makes Smootify the default application for MIDI files (``mimeapps.list``); without, the
user's defaults are left alone. ``uninstall`` removes all of it, this installer's older file
names included, and takes Smootify out of ``mimeapps.list``.

The shipped files live in ``resources/desktop`` (inside the wheel: ``smootify_player/_data``);
the PNG icons are rendered from ``resources/icons/smootify.svg`` by :func:`render_icons`
(``python -m smootify_player.app.desktop_install render-icons``) and committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ..data import data_dir

__all__ = ["APP_ID", "DESKTOP_FILE", "METAINFO_FILE", "ICON_SIZES", "MIME_TYPES", "install",
           "uninstall", "render_icons", "set_default", "forget_defaults", "main"]

_RES = data_dir("resources")
DESKTOP_DIR = _RES / "desktop"
APP_ID = "io.github.smootify.Smootify"
DESKTOP_FILE = f"{APP_ID}.desktop"
METAINFO_FILE = f"{APP_ID}.metainfo.xml"
#: The hicolor sizes the PNG icon is shipped at (the SVG serves every other size).
ICON_SIZES = (48, 64, 128, 256)
ICON_SVG = _RES / "icons" / "smootify.svg"
#: What ``--default`` makes Smootify the default application for.
MIME_TYPES = ("audio/midi", "audio/x-midi")
#: The file names an earlier version of this installer used.
LEGACY_DESKTOP = "smootify.desktop"
LEGACY_ICON = "smootify.svg"
_DEFAULT_SECTIONS = ("[Default Applications]", "[Added Associations]")


def _data_home(data_home: Path | None) -> Path:
    return Path(data_home or os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share")


def _config_home(config_home: Path | None) -> Path:
    return Path(config_home or os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def _exec_command() -> tuple[str, str]:
    """The program that starts this install's window, and the entry's ``Exec`` value."""
    beside = Path(sys.executable).parent / "smootify-gui"  # the venv's own script
    gui = str(beside) if beside.is_file() else shutil.which("smootify-gui")
    if gui:
        return gui, f"{_quote(gui)} %F"
    return sys.executable, f"{_quote(sys.executable)} -m smootify_player %F"


def _quote(arg: str) -> str:
    """An Exec argument, quoted as the Desktop Entry specification asks when it must be."""
    if not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace(
        "$", "\\$")
    return f'"{escaped}"'


def _icon_paths(data: Path) -> list[Path]:
    """Where the icons go under ``data``: the SVG, then one PNG per :data:`ICON_SIZES`."""
    hicolor = data / "icons" / "hicolor"
    return [hicolor / "scalable" / "apps" / f"{APP_ID}.svg"] + [
        hicolor / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in ICON_SIZES]


def shipped_png(size: int) -> Path:
    """The committed PNG icon of ``size`` pixels."""
    return DESKTOP_DIR / "icons" / f"{size}x{size}" / f"{APP_ID}.png"


def install(data_home: Path | None = None, set_default_app: bool = False,
            config_home: Path | None = None) -> list[Path]:
    """Install the desktop entry, the icons and the metainfo under ``data_home``.

    ``data_home`` defaults to ``$XDG_DATA_HOME`` (``~/.local/share``). With
    ``set_default_app`` Smootify becomes the default application for :data:`MIME_TYPES` in
    ``config_home``'s ``mimeapps.list`` (``$XDG_CONFIG_HOME``, ``~/.config``). Returns the
    files written.
    """
    data = _data_home(data_home)
    _remove_legacy(data)
    written = []
    desktop = data / "applications" / DESKTOP_FILE
    desktop.parent.mkdir(parents=True, exist_ok=True)
    program, exec_line = _exec_command()
    lines = []
    for line in (DESKTOP_DIR / DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line}"
        elif line.startswith("TryExec="):
            line = f"TryExec={program}"
        lines.append(line)
    desktop.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(desktop)
    svg, *pngs = _icon_paths(data)
    for src, dst in [(ICON_SVG, svg)] + [(shipped_png(n), p) for n, p in zip(ICON_SIZES, pngs)]:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        written.append(dst)
    meta = data / "metainfo" / METAINFO_FILE
    meta.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DESKTOP_DIR / METAINFO_FILE, meta)
    written.append(meta)
    if set_default_app:
        set_default(config_home)
    _refresh_caches(data)
    return written


def uninstall(data_home: Path | None = None, config_home: Path | None = None) -> list[Path]:
    """Remove what :func:`install` wrote (and older installs' files), and Smootify from the
    defaults in ``mimeapps.list``. Returns the files removed."""
    data = _data_home(data_home)
    removed = _remove_legacy(data)
    for path in [data / "applications" / DESKTOP_FILE, *_icon_paths(data),
                 data / "metainfo" / METAINFO_FILE]:
        if path.is_file():
            path.unlink()
            removed.append(path)
    forget_defaults(config_home)
    _refresh_caches(data)
    return removed


def _remove_legacy(data: Path) -> list[Path]:
    """The files an earlier version of this installer wrote (``smootify.desktop``)."""
    removed = []
    old = data / "applications" / LEGACY_DESKTOP
    if old.is_file() and "Name=Smootify" in old.read_text(encoding="utf-8", errors="replace"):
        old.unlink()
        removed.append(old)
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / LEGACY_ICON
    if icon.is_file():
        icon.unlink()
        removed.append(icon)
    return removed


def _refresh_caches(data: Path) -> None:
    """Tell the desktop about the change (each tool only when installed)."""
    for cmd in (["update-desktop-database", "-q", str(data / "applications")],
                ["gtk-update-icon-cache", "-q", "-t", "-f", str(data / "icons" / "hicolor")]):
        if shutil.which(cmd[0]) and Path(cmd[-1]).is_dir():
            subprocess.run(cmd, check=False, capture_output=True)


# ---------------------------------------------------------------------- mimeapps.list
def _mimeapps(config_home: Path | None) -> Path:
    return _config_home(config_home) / "mimeapps.list"


def set_default(config_home: Path | None = None, mime_types: Sequence[str] = MIME_TYPES
                ) -> Path:
    """Make Smootify the default application for ``mime_types`` in ``mimeapps.list``."""
    path = _mimeapps(config_home)
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    section = _DEFAULT_SECTIONS[0]
    try:
        start = lines.index(section) + 1
    except ValueError:
        if lines and lines[-1].strip():
            lines.append("")
        lines.append(section)
        start = len(lines)
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    body = [ln for ln in lines[start:end]
            if ln.split("=", 1)[0].strip() not in mime_types]
    while body and not body[-1].strip():
        body.pop()
    body += [f"{m}={DESKTOP_FILE};" for m in mime_types]
    lines[start:end] = body + ([""] if end < len(lines) else [])
    _write(path, lines)
    return path


def forget_defaults(config_home: Path | None = None) -> bool:
    """Take Smootify out of ``mimeapps.list`` (defaults and added associations); True when
    something changed."""
    path = _mimeapps(config_home)
    if not path.is_file():
        return False
    lines = path.read_text(encoding="utf-8").splitlines()
    ours = {DESKTOP_FILE, LEGACY_DESKTOP}
    out, section, changed = [], "", False
    for line in lines:
        if line.startswith("["):
            section = line.strip()
        elif section in _DEFAULT_SECTIONS and "=" in line:
            key, value = line.split("=", 1)
            apps = [a for a in value.split(";") if a.strip()]
            kept = [a for a in apps if a.strip() not in ours]
            if kept != apps:
                changed = True
                if not kept:
                    continue
                line = f"{key}={';'.join(kept)};"
        out.append(line)
    if changed:
        _write(path, out)
    return changed


def _write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".smootify-tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------------- icons
def render_icons(svg: Path = ICON_SVG, out: Path | None = None,
                 sizes: Sequence[int] = ICON_SIZES) -> list[Path]:
    """Render ``svg`` to ``<out>/<n>x<n>/io.github.smootify.Smootify.png`` with Qt's SVG
    renderer (``out``: ``resources/desktop/icons``). Returns the files written."""
    from PySide6.QtCore import QByteArray, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(["smootify-icons", "-platform",
                                                         "offscreen"])
    out = out or DESKTOP_DIR / "icons"
    renderer = QSvgRenderer(QByteArray(svg.read_bytes()))
    written = []
    for n in sizes:
        img = QImage(n, n, QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(p, QRectF(0, 0, n, n))
        p.end()
        path = out / f"{n}x{n}" / f"{APP_ID}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        # PNG by the suffix: PySide6 wants the format as str, its stub as bytes
        if not img.save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    del app
    return written


# ---------------------------------------------------------------------- command line
def add_arguments(p: argparse.ArgumentParser) -> None:
    """``install [--default] [--data-home DIR]``, ``uninstall``, ``render-icons``."""
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    i = sub.add_parser("install", help="add Smootify to the menus and the file manager's "
                       "\"Open with\" list (for this user)")
    i.add_argument("--default", action="store_true",
                   help="also make Smootify the default application for MIDI files")
    u = sub.add_parser("uninstall", help="remove what 'install' added, and Smootify from the "
                       "default applications")
    r = sub.add_parser("render-icons", help="(developers) render the PNG icons from the SVG "
                       "into resources/desktop/icons")
    r.add_argument("--out", type=Path, default=None)
    for q in (i, u):
        q.add_argument("--data-home", type=Path, default=None,
                       help="instead of $XDG_DATA_HOME (~/.local/share)")
        q.add_argument("--config-home", type=Path, default=None,
                       help="instead of $XDG_CONFIG_HOME (~/.config), for mimeapps.list")


def run(args: argparse.Namespace) -> int:
    """Carry out the parsed ``desktop`` command; returns the exit status."""
    if args.action == "render-icons":
        for f in render_icons(out=args.out):
            print(f"rendered {f}")
        return 0
    if args.action == "install":
        for f in install(args.data_home, args.default, args.config_home):
            print(f"installed {f}")
        if args.default:
            print(f"Smootify is now the default application for {', '.join(MIME_TYPES)}")
        return 0
    removed = uninstall(args.data_home, args.config_home)
    for f in removed:
        print(f"removed {f}")
    if not removed:
        print("nothing to remove: Smootify's desktop files are not installed")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m smootify_player.app.desktop_install install|uninstall|render-icons``."""
    p = argparse.ArgumentParser(prog="smootify desktop",
                                description="Desktop integration for the current user.")
    add_arguments(p)
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
