"""Smootify's own colours, without Qt (the core's defaults and the app's theme share them).

The accent is a warm coral (CSS ``coral``), Smootify's own rather than a music service's
green; ``resources/icons/smootify.svg`` (the mark: two song arcs joined by a bridge into an
'S') is drawn in it. Text on the accent is :data:`ON_ACCENT`; tests/app/test_brand.py checks
their WCAG contrast.
"""

from __future__ import annotations

__all__ = ["ACCENT", "ON_ACCENT"]

#: The accent: the PLAY pill, the playing row, bridges on the seek bar and the piano roll.
ACCENT = "#FF7F50"
#: Text and glyphs drawn on the accent.
ON_ACCENT = "#000000"
