"""Live output for the Engine: FluidSynth's own audio driver, or a silent clock without a device."""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Protocol

import numpy as np

from .engine import Engine

__all__ = ["Sink", "FluidDriverSink", "SilentClock", "AudioUnavailableError"]

#: Audio buffered ahead of the speaker: enough for a busy desktop to be late now and then,
#: short enough for pause, seek and volume to be heard well within 100 ms.
BUFFER_MS = 40
#: Periods the buffer is split into, where the driver takes a count (ALSA, CoreAudio, ...);
#: PulseAudio and PipeWire buffer one period.
PERIODS = 4


class AudioUnavailableError(RuntimeError):
    """No audio device could be opened; the message is one line."""


class Sink(Protocol):
    """Pulls audio from an Engine in real time (or faster, for the silent clock)."""

    name: str
    latency: int  # frames between the engine's position and what is heard
    error: str | None  # set by the sink's thread when something went wrong
    on_render: Callable[[], None] | None  # called after each block rendered

    def start(self) -> None: ...
    def set_paused(self, paused: bool) -> None: ...
    def seek(self, sample: int) -> None: ...
    def close(self) -> None: ...
    @property
    def position(self) -> int: ...


class _Base:
    name = "base"
    latency = 0

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.paused = True
        self.lock = threading.Lock()
        self.error: str | None = None
        self.on_render: Callable[[], None] | None = None  # after each block (the audio process)

    def set_paused(self, paused: bool) -> None:
        self.paused = bool(paused)

    def seek(self, sample: int) -> None:
        with self.lock:
            self.engine.seek(sample)

    @property
    def position(self) -> int:
        """Timeline sample being heard now (the engine's position less the output latency)."""
        return max(0, self.engine.position - (0 if self.paused else self.latency))

    def _pull(self, n: int) -> np.ndarray | None:
        """Render ``n`` frames, or None while paused."""
        if self.paused:
            return None
        with self.lock:
            frames = self.engine.render(n)
        if self.on_render is not None:
            self.on_render()
        return frames


# FluidSynth's fluid_audio_func_t: int (*)(void *data, int len, int nfx, float *fx[],
#                                           int nout, float *out[])
_AUDIO_FUNC = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                               ctypes.POINTER(ctypes.POINTER(ctypes.c_float)), ctypes.c_int,
                               ctypes.POINTER(ctypes.POINTER(ctypes.c_float)))


def _drivers() -> list[str]:
    if sys.platform == "darwin":
        return ["coreaudio"]
    if sys.platform.startswith("win"):
        return ["wasapi", "dsound"]
    return ["pulseaudio", "pipewire", "alsa"]


class _QuietFluidLog:
    """Mutes FluidSynth's error, warning and info log while the drivers are probed."""

    _LEVELS = (1, 2, 3)  # FLUID_ERR, FLUID_WARN, FLUID_INFO

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._lib = lib
        try:
            lib.fluid_set_log_function.restype = ctypes.c_void_p
            lib.fluid_set_log_function.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
            self._old = [lib.fluid_set_log_function(lvl, None, None) for lvl in self._LEVELS]
        except AttributeError:
            self._old = []

        self._alsa = _alsa_quiet(True)

    def restore(self) -> None:
        for lvl, fn in zip(self._LEVELS, self._old):
            self._lib.fluid_set_log_function(lvl, fn, None)
        if self._alsa:
            _alsa_quiet(False)


_ALSA_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                 ctypes.c_int, ctypes.c_char_p)(lambda *a: None)


def _alsa_quiet(on: bool) -> bool:
    """Silence (or restore) alsa-lib's own stderr messages while probing for a device."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        lib = ctypes.CDLL("libasound.so.2")
        lib.snd_lib_error_set_handler(_ALSA_HANDLER if on else None)
        return True
    except (OSError, AttributeError):
        return False


class FluidDriverSink(_Base):
    """FluidSynth's platform audio driver (PulseAudio/PipeWire, ALSA, CoreAudio, WASAPI).

    The driver's thread calls back into Python for each period and gets the Engine's
    next frames, so whatever the Engine plays (songs and bridges from one Timeline) is
    gapless by construction. No extra dependency: libfluidsynth already renders the music.
    """

    def __init__(self, engine: Engine, driver: str | None = None) -> None:
        super().__init__(engine)
        import fluidsynth as fs  # pyfluidsynth; loads libfluidsynth

        lib = fs._fl
        self._lib = lib
        lib.new_fluid_settings.restype = ctypes.c_void_p
        lib.new_fluid_audio_driver2.restype = ctypes.c_void_p
        lib.new_fluid_audio_driver2.argtypes = [ctypes.c_void_p, _AUDIO_FUNC, ctypes.c_void_p]
        lib.delete_fluid_audio_driver.argtypes = [ctypes.c_void_p]
        lib.delete_fluid_settings.argtypes = [ctypes.c_void_p]
        lib.fluid_settings_setstr.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.fluid_settings_setint.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        lib.fluid_settings_setnum.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double]
        self._callback = _AUDIO_FUNC(self._fill)  # keep a reference for the driver's life
        self._settings = None
        self._driver = None
        tried = []
        ms = float(os.environ.get("SMOOTIFY_AUDIO_BUFFER_MS", BUFFER_MS))
        buffer = int(engine.sample_rate * min(max(ms, 5.0), 500.0) / 1000.0) // 64 * 64
        quiet = _QuietFluidLog(lib)
        for name in [driver] if driver else _drivers():
            settings = lib.new_fluid_settings()
            lib.fluid_settings_setstr(settings, b"audio.driver", name.encode())
            periods = 1 if name in ("pulseaudio", "pipewire") else PERIODS
            lib.fluid_settings_setint(settings, b"audio.period-size", buffer // periods)
            lib.fluid_settings_setint(settings, b"audio.periods", max(periods, 2))
            lib.fluid_settings_setnum(settings, b"synth.sample-rate", float(engine.sample_rate))
            lib.fluid_settings_setstr(settings, b"audio.sample-format", b"float")
            lib.fluid_settings_setstr(settings, b"audio.pulseaudio.media-role", b"music")
            drv = lib.new_fluid_audio_driver2(settings, self._callback, None)
            if drv:
                self._settings, self._driver, self.name = settings, drv, name
                self.latency = buffer if periods == 1 else (buffer // periods) * PERIODS
                break
            lib.delete_fluid_settings(settings)
            tried.append(name)
        quiet.restore()
        if not self._driver:
            raise AudioUnavailableError(f"none of {', '.join(tried)} could open a device")

    def _fill(self, _data, length, _nfx, _fx, nout, out) -> int:
        try:
            frames = self._pull(length)
            if frames is None or nout < 2:
                return 0  # the driver hands us zeroed buffers: silence
            left = np.ctypeslib.as_array(out[0], shape=(length,))
            right = np.ctypeslib.as_array(out[1], shape=(length,))
            left[:] = frames[:, 0]
            right[:] = frames[:, 1]
        except Exception as exc:  # noqa: BLE001 - never raise into the C audio thread
            self.error = f"{type(exc).__name__}: {exc}"
        return 0

    def start(self) -> None:
        """The driver runs from creation; playback starts when unpaused."""

    def close(self) -> None:
        if self._driver:
            self._lib.delete_fluid_audio_driver(self._driver)
            self._driver = None
        if self._settings:
            self._lib.delete_fluid_settings(self._settings)
            self._settings = None


class SilentClock(_Base):
    """No device: a thread renders the Engine in step with the wall clock, times ``speed``.

    The audio is thrown away, but the Engine advances exactly as it would live, so the
    queue and the transitions proceed (tests run it faster than real time).
    """

    name = "silent"

    def __init__(self, engine: Engine, speed: float = 1.0, tick: float = 0.01) -> None:
        super().__init__(engine)
        self.speed = max(0.01, float(speed))
        self._tick = tick
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="smootify-silent-clock",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        rate = self.engine.sample_rate
        last = time.perf_counter()
        owed = 0.0
        while not self._stop.wait(self._tick):
            now = time.perf_counter()
            owed += (now - last) * rate * self.speed
            last = now
            n = int(owed)
            if n <= 0:
                continue
            owed -= n
            if self.paused:
                owed = 0.0
                continue
            try:
                # Render in chunks of at most a quarter second of audio.
                step = rate // 4
                for i in range(0, n, step):
                    self._pull(min(step, n - i))
            except Exception as exc:  # noqa: BLE001 - reported, the clock keeps going
                self.error = f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2.0)
