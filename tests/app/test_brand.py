"""Smootify's own face: the accent (not a music service's green), its contrast, one
definition of it, and the mark drawn in it (legible at 16 px)."""

from __future__ import annotations

import colorsys
import re
from pathlib import Path

import pytest

from smootify_player.brand import ACCENT, ON_ACCENT

ROOT = Path(__file__).resolve().parents[2]
MARK = ROOT / "resources" / "icons" / "smootify.svg"
SPOTIFY_GREEN = "#1DB954"


def _rgb(colour: str) -> tuple[float, float, float]:
    h = colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_text_on_the_accent_buttons_is_readable():
    from smootify_player.app.theme import ACCENT_HOVER

    # PLAY pill, the default dialog button, the BRIDGE chip, selected text: ON_ACCENT on ACCENT
    assert contrast(ON_ACCENT, ACCENT) >= 4.5, contrast(ON_ACCENT, ACCENT)
    assert contrast(ON_ACCENT, ACCENT_HOVER) >= 4.5


def test_accent_text_on_the_dark_background_is_readable():
    from smootify_player.app.theme import BG, PANEL, SIDEBAR

    # the playing row's title is drawn in the accent on the page
    for bg in (BG, PANEL, SIDEBAR):
        assert contrast(ACCENT, bg) >= 4.5, (bg, contrast(ACCENT, bg))


def test_the_accent_is_not_spotify_green():
    hue = colorsys.rgb_to_hsv(*_rgb(ACCENT))[0] * 360
    green = colorsys.rgb_to_hsv(*_rgb(SPOTIFY_GREEN))[0] * 360
    assert min(abs(hue - green), 360 - abs(hue - green)) > 90


def test_the_accent_is_defined_once():
    """No Spotify green left, and the accent's hex literal only in brand.py and the mark."""
    found = {}
    for path in list((ROOT / "smootify_player").rglob("*.py")) + list(
            (ROOT / "resources").rglob("*.svg")):
        text = path.read_text(encoding="utf-8")
        assert SPOTIFY_GREEN.lower() not in text.lower(), path
        if ACCENT.lower() in text.lower():
            found[path.relative_to(ROOT).as_posix()] = True
    assert set(found) == {"smootify_player/brand.py", "resources/icons/smootify.svg"}


def test_the_mark_is_drawn_in_the_accent():
    svg = MARK.read_text(encoding="utf-8")
    tile = re.search(r'<rect [^>]*fill="(#[0-9A-Fa-f]{6})"', svg)
    assert tile and tile.group(1).upper() == ACCENT.upper()
    assert not (ROOT / "resources" / "icons" / "logo.svg").exists()  # one mark, not two


def test_the_mark_is_legible_at_16_px(qapp, tmp_path):
    from PySide6.QtGui import QColor, QImage

    from smootify_player.app.desktop_install import render_icons

    (png,) = render_icons(out=tmp_path, sizes=(16,))
    img = QImage(str(png))
    accent, dark, light = 0, 0, 0
    for y in range(16):
        for x in range(16):
            c = img.pixelColor(x, y)
            if c.alpha() < 200:
                continue
            if c.lightness() < 70:
                dark += 1
            elif c.lightness() > 220:
                light += 1
            elif _close(c, QColor(ACCENT)):
                accent += 1
    # a tile in the accent, an 'S' of two dark song arcs and a light bridge that stand out
    assert accent >= 90 and dark >= 20 and light >= 2, (accent, dark, light)
    # the 'S': dark at the top right and the bottom left, not at the top left's corner
    assert img.pixelColor(11, 4).lightness() < 110 and img.pixelColor(5, 11).lightness() < 110


def _close(a, b) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60
