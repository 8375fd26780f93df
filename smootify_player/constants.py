"""Constants shared by every layer (music, model, training): defined once, here."""

from __future__ import annotations

__all__ = ["STEPS_PER_BAR"]

#: Piano-roll resolution: steps in one bar, whatever its meter.
STEPS_PER_BAR = 16
