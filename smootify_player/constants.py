"""Constants shared by every layer (music, model, training): defined once, here."""

from __future__ import annotations

__all__ = ["STEPS_PER_BAR", "URGENT_PRIORITY"]

#: Piano-roll resolution: steps in one bar, whatever its meter.
STEPS_PER_BAR = 16

#: Background jobs at or above this priority are what the listener is waiting for (opening
#: the audio, the song about to play, the next join): they run at normal CPU priority, the
#: rest (analysing songs further down the queue) at a lower one.
URGENT_PRIORITY = 10
