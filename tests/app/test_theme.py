"""The theme follows the system font size: type sizes in points relative to the
application font, none in pixels."""

from __future__ import annotations

import re

import pytest


def test_style_sheet_sizes_text_in_points_only():
    from smootify_player.app.theme import STYLE, style_sheet

    assert not re.search(r"font-size:\s*[\d.]+px", STYLE)
    sizes = [float(x) for x in re.findall(r"font-size:\s*([\d.]+)pt", style_sheet(20.0))]
    assert sizes == pytest.approx(
        [2 * float(x) for x in re.findall(r"font-size:\s*([\d.]+)pt", style_sheet(10.0))],
        abs=0.02)


def _polished_size(qapp, name: str) -> float:
    from PySide6.QtWidgets import QLabel

    label = QLabel("Smootify")
    label.setObjectName(name)
    label.ensurePolished()
    return label.font().pointSizeF()


@pytest.mark.parametrize("system_pt", [9.0, 15.0])
def test_text_grows_with_the_system_font(qapp, system_pt):
    from PySide6.QtGui import QFont

    from smootify_player.app.theme import apply_theme

    before = QFont(qapp.font())
    try:
        font = QFont(before)
        font.setPointSizeF(system_pt)
        qapp.setFont(font)
        apply_theme(qapp)
        assert qapp.font().pointSizeF() == system_pt  # the system's size is kept
        # at a 10 pt system font the design's 13 px body and 14 px title (96 dpi)
        assert _polished_size(qapp, "body") == pytest.approx(9.75 * system_pt / 10, abs=0.05)
        assert _polished_size(qapp, "nowTitle") == pytest.approx(10.5 * system_pt / 10,
                                                                 abs=0.05)
    finally:
        qapp.setFont(before)
        apply_theme(qapp)


@pytest.mark.parametrize("pt", [9.0, 10.0, 11.0, 13.0])
def test_a_short_second_name_stays_whole_at_every_system_size(qapp, pt):
    """elide_pair kept B whole at 10 pt only: at 9 pt it cut "Second Song" to fit its own
    rounded width."""
    from PySide6.QtGui import QFont, QFontMetrics

    from smootify_player.app.widgets import elide_pair

    font = QFont(qapp.font())
    font.setPointSizeF(pt)
    fm = QFontMetrics(font)
    shown = elide_pair("A very long song title that goes on and on " * 3 + " + Second Song",
                       fm, 280)
    assert shown.endswith(" + Second Song") and "…" in shown
    assert fm.horizontalAdvance(shown) <= 280
