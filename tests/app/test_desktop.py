"""Desktop integration: the desktop entry and AppStream metainfo (validated with the
distributions' own tools where installed), the hicolor PNG icons, install and uninstall."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from smootify_player import cli
from smootify_player.app.desktop_install import (
    APP_ID,
    DESKTOP_DIR,
    DESKTOP_FILE,
    ICON_SIZES,
    METAINFO_FILE,
    forget_defaults,
    install,
    render_icons,
    set_default,
    shipped_png,
    uninstall,
)

needs_dfv = pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                               reason="desktop-file-validate not installed "
                                      "(Debian: apt-get install desktop-file-utils)")
needs_appstream = pytest.mark.skipif(shutil.which("appstreamcli") is None,
                                     reason="appstreamcli not installed "
                                            "(Debian: apt-get install appstream)")


def entry(path: Path) -> configparser.SectionProxy:
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read(path, encoding="utf-8")
    return cp["Desktop Entry"]


def validate(*cmd: str) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"{' '.join(cmd)}:\n{out.stdout}{out.stderr}"
    return out.stdout + out.stderr


def test_desktop_file_declares_midi_and_a_reverse_dns_id():
    e = entry(DESKTOP_DIR / DESKTOP_FILE)
    assert DESKTOP_FILE == "io.github.smootify.Smootify.desktop"
    assert e["Name"] == "Smootify" and e["Icon"] == APP_ID
    assert {"audio/midi", "audio/x-midi"} <= set(e["MimeType"].strip(";").split(";"))
    assert "%F" in e["Exec"] and e["Version"] == "1.0"


@needs_dfv
def test_shipped_desktop_file_is_valid():
    out = validate("desktop-file-validate", str(DESKTOP_DIR / DESKTOP_FILE))
    assert "error" not in out.lower() and "warning" not in out.lower(), out


@needs_appstream
def test_metainfo_is_valid():
    validate("appstreamcli", "validate", "--no-net", str(DESKTOP_DIR / METAINFO_FILE))


def test_png_icons_at_hicolor_sizes_match_the_svg(qapp, tmp_path):
    from PySide6.QtGui import QImage

    fresh = render_icons(out=tmp_path)
    for n, path in zip(ICON_SIZES, fresh):
        shipped = QImage(str(shipped_png(n)))
        assert (shipped.width(), shipped.height()) == (n, n), n
        new = QImage(str(path)).convertToFormat(shipped.format())
        # the committed PNGs are the SVG rendered (scripts: smootify desktop render-icons)
        # colour and coverage both: a new accent or a new shape makes them stale
        diff = sum(abs(getattr(a, c)() - getattr(b, c)())
                   for x in range(0, n, 4) for y in range(0, n, 4)
                   for a, b in [(shipped.pixelColor(x, y), new.pixelColor(x, y))]
                   for c in ("red", "green", "blue", "alpha"))
        assert diff / (n // 4) ** 2 < 8, f"{n}x{n} is stale: run smootify desktop render-icons"
        assert shipped.pixelColor(n // 2, n // 8).alpha() > 0  # not blank


def test_install_and_uninstall(tmp_path):
    data, config = tmp_path / "data", tmp_path / "config"
    legacy = data / "applications" / "smootify.desktop"
    legacy.parent.mkdir(parents=True)
    legacy.write_text("[Desktop Entry]\nName=Smootify\n")
    files = install(data, config_home=config)
    desktop = data / "applications" / DESKTOP_FILE
    assert desktop in files and not legacy.exists()
    assert (data / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").read_text().startswith(
        "<svg")
    for n in ICON_SIZES:
        assert (data / f"icons/hicolor/{n}x{n}/apps/{APP_ID}.png") in files
    assert (data / "metainfo" / METAINFO_FILE).is_file()
    e = entry(desktop)
    assert e["Exec"].endswith(" %F") and Path(e["TryExec"]).is_absolute()
    assert not (config / "mimeapps.list").exists(), "no default without --default"
    if shutil.which("desktop-file-validate"):
        validate("desktop-file-validate", str(desktop))
    removed = uninstall(data, config)
    assert set(files) <= set(removed)
    assert not any(p.is_file() for p in data.rglob("*") if "Smootify" in p.name)


def test_default_handler_only_with_default(tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    mimeapps = config / "mimeapps.list"
    mimeapps.write_text("[Default Applications]\naudio/midi=timidity.desktop;\n"
                        "text/plain=gedit.desktop;\n\n[Added Associations]\n"
                        f"audio/midi=timidity.desktop;{DESKTOP_FILE};\n")
    install(tmp_path / "data", set_default_app=True, config_home=config)
    text = mimeapps.read_text()
    assert f"audio/midi={DESKTOP_FILE};" in text and f"audio/x-midi={DESKTOP_FILE};" in text
    assert "text/plain=gedit.desktop;" in text and "timidity.desktop;\n" not in \
        text.split("[Added")[0]
    uninstall(tmp_path / "data", config)
    text = mimeapps.read_text()
    assert DESKTOP_FILE not in text
    assert "text/plain=gedit.desktop;" in text and "audio/midi=timidity.desktop;" in text
    assert not forget_defaults(config)
    assert set_default(tmp_path / "fresh").read_text().startswith("[Default Applications]\n")


def test_cli_desktop_install_and_uninstall(tmp_path, capsys):
    data, config = tmp_path / "data", tmp_path / "config"
    assert cli.main(["desktop", "install", "--data-home", str(data), "--config-home",
                     str(config)]) == 0
    assert (data / "applications" / DESKTOP_FILE).is_file()
    assert not (config / "mimeapps.list").exists()
    assert cli.main(["desktop", "install", "--default", "--data-home", str(data),
                     "--config-home", str(config)]) == 0
    assert DESKTOP_FILE in (config / "mimeapps.list").read_text()
    assert cli.main(["desktop", "uninstall", "--data-home", str(data), "--config-home",
                     str(config)]) == 0
    assert not (data / "applications" / DESKTOP_FILE).exists()
    out = capsys.readouterr().out
    assert "installed" in out and "removed" in out
