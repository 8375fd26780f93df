"""Which live sink plays: a PulseAudio stream, FluidSynth's audio driver, or the silent clock."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from .engine import Engine
from .live import AudioUnavailableError, FluidDriverSink, SilentClock, Sink
from .pulse import PulseSink

__all__ = ["open_sink"]


def open_sink(engine: Engine, mode: str | None = None, speed: float | None = None,
              notice: Callable[[str], None] = print) -> Sink:
    """The live sink for ``engine``: a PulseAudio stream (Linux), else FluidSynth's audio
    driver, else the silent clock.

    ``mode`` ("auto", "pulse", "silent" or a FluidSynth driver name such as "alsa") and
    ``speed`` default to the ``SMOOTIFY_AUDIO`` and ``SMOOTIFY_CLOCK_SPEED`` environment
    variables.
    """
    mode = (mode or os.environ.get("SMOOTIFY_AUDIO", "auto")).strip().lower()
    speed = float(speed if speed is not None else os.environ.get("SMOOTIFY_CLOCK_SPEED", 1.0))
    if mode in ("auto", "pulse") and sys.platform.startswith("linux"):
        try:
            pulse = PulseSink(engine)
            pulse.start()
            return pulse
        except AudioUnavailableError as exc:
            if mode == "pulse":
                notice(f"No audio output ({exc}): playing silently, the queue still advances")
                mode = "silent"
    if mode != "silent":
        try:
            sink: Sink = FluidDriverSink(engine, None if mode == "auto" else mode)
            sink.start()
            return sink
        except Exception as exc:  # noqa: BLE001 - any failure means the silent clock
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            notice(f"No audio output ({reason}): playing silently, the queue still advances")
    clock = SilentClock(engine, speed)
    clock.start()
    return clock
