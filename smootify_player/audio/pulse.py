"""PulseSink: the Engine written ahead into a PulseAudio (or PipeWire-Pulse) stream by a thread.

FluidSynth's own PulseAudio driver keeps one period in the server and cannot drop it, so a
deeper buffer would make pause and seek late. This sink keeps a deeper buffer (100 ms: a busy
desktop can leave a process unscheduled for tens of milliseconds) and drops it on pause,
seek and skip (``pa_simple_flush``), so controls are heard at once. What a pause drops is
kept and written again on resume, so the music goes on from the sample where it stopped.
Only libpulse-simple is needed (through ctypes), which every PulseAudio or PipeWire desktop
has.

Threads: the writer thread owns the stream (every ``pa_simple_*`` call); the other methods
only set flags under ``cond`` and wake it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

import numpy as np

from .engine import Engine
from .live import AudioUnavailableError, _Base

__all__ = ["PulseSink", "BUFFER_MS"]

#: Audio queued in the server ahead of the speaker.
BUFFER_MS = 100
CHUNK_MS = 10  # frames rendered and written at a time

_PA_SAMPLE_FLOAT32LE = 5
_PA_STREAM_PLAYBACK = 1


class _SampleSpec(ctypes.Structure):
    _fields_ = [("format", ctypes.c_int), ("rate", ctypes.c_uint32),
                ("channels", ctypes.c_uint8)]


class _BufferAttr(ctypes.Structure):
    _fields_ = [("maxlength", ctypes.c_uint32), ("tlength", ctypes.c_uint32),
                ("prebuf", ctypes.c_uint32), ("minreq", ctypes.c_uint32),
                ("fragsize", ctypes.c_uint32)]


def _libs() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    names = ("libpulse-simple.so.0", ctypes.util.find_library("pulse-simple"))
    for name in names:
        if not name:
            continue
        try:
            simple = ctypes.CDLL(name)
            pulse = ctypes.CDLL(name.replace("pulse-simple", "pulse"))
            break
        except OSError:
            continue
    else:
        raise AudioUnavailableError("libpulse-simple is not installed")
    simple.pa_simple_new.restype = ctypes.c_void_p
    simple.pa_simple_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                                     ctypes.c_char_p, ctypes.c_char_p,
                                     ctypes.POINTER(_SampleSpec), ctypes.c_void_p,
                                     ctypes.POINTER(_BufferAttr), ctypes.POINTER(ctypes.c_int)]
    simple.pa_simple_write.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                       ctypes.POINTER(ctypes.c_int)]
    simple.pa_simple_flush.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    simple.pa_simple_get_latency.restype = ctypes.c_uint64
    simple.pa_simple_get_latency.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    simple.pa_simple_free.argtypes = [ctypes.c_void_p]
    pulse.pa_strerror.restype = ctypes.c_char_p
    pulse.pa_strerror.argtypes = [ctypes.c_int]
    return simple, pulse


class PulseSink(_Base):
    """A PulseAudio playback stream fed by a writer thread that renders the Engine ahead.

    Parameters
    ----------
    engine : Engine
    buffer_ms : float, optional
        Audio queued in the server (``SMOOTIFY_AUDIO_BUFFER_MS``, else :data:`BUFFER_MS`).

    Raises
    ------
    AudioUnavailableError
        When libpulse-simple is missing or no server answers.
    """

    name = "pulse"

    def __init__(self, engine: Engine, buffer_ms: float | None = None) -> None:
        super().__init__(engine)
        self._simple, self._pulse = _libs()
        rate = engine.sample_rate
        ms = buffer_ms or float(os.environ.get("SMOOTIFY_AUDIO_BUFFER_MS", BUFFER_MS))
        frame = 8  # two float32 channels
        self.chunk = max(64, rate * CHUNK_MS // 1000)
        self.buffer = int(rate * min(max(ms, 2 * CHUNK_MS), 1000.0) / 1000.0)
        spec = _SampleSpec(_PA_SAMPLE_FLOAT32LE, rate, 2)
        none = 0xFFFFFFFF  # (uint32_t) -1: the server's default
        attr = _BufferAttr(none, self.buffer * frame, self.chunk * frame, self.chunk * frame,
                           none)
        err = ctypes.c_int(0)
        os.environ.setdefault("PULSE_PROP", "media.role=music")
        self._pa = self._simple.pa_simple_new(None, b"Smootify", _PA_STREAM_PLAYBACK, None,
                                              b"Smootify playback", ctypes.byref(spec), None,
                                              ctypes.byref(attr), ctypes.byref(err))
        if not self._pa:
            raise AudioUnavailableError(f"PulseAudio: {self._strerror(err.value)}")
        self.cond = threading.Condition()
        self._flush = False
        self._stop = False
        self._replay: list[np.ndarray] = []  # dropped by a pause, written again on resume
        self._recent: list[np.ndarray] = []  # the last frames written (at most the buffer)
        self._recent_frames = 0
        self._queued = 0  # frames in the server, as of the last write
        self._gen = 0  # bumped by a seek: frames rendered before it are not remembered
        self._pause_flush = False  # the pending flush is only a pause's (a resume cancels it)
        self._thread = threading.Thread(target=self._run, name="smootify-pulse", daemon=True)

    def _strerror(self, code: int) -> str:
        text = self._pulse.pa_strerror(code)
        return text.decode(errors="replace") if text else f"error {code}"

    # ------------------------------------------------------------------ controls
    def start(self) -> None:
        self._thread.start()

    def set_paused(self, paused: bool) -> None:
        with self.cond:
            if bool(paused) != self.paused:
                self.paused = bool(paused)
                if self.paused and not self._flush:
                    self._flush = self._pause_flush = True
                elif not self.paused and self._pause_flush:
                    self._flush = self._pause_flush = False  # not dropped yet: nothing to do
            self.cond.notify_all()

    def seek(self, sample: int) -> None:
        with self.cond:
            with self.lock:
                self.engine.seek(sample)
            self._replay.clear()
            self._recent.clear()
            self._recent_frames = 0
            self._flush, self._pause_flush = True, False
            self._gen += 1
            self._queued = 0
            self.cond.notify_all()

    @property
    def latency(self) -> int:
        """Frames rendered but not yet heard: in the server, or held for the resume."""
        return self._queued + sum(len(r) for r in self._replay)

    @latency.setter
    def latency(self, _value: int) -> None:  # the base class assigns a default
        pass

    @property
    def position(self) -> int:
        return max(0, self.engine.position - self.latency)

    def close(self) -> None:
        with self.cond:
            self._stop = True
            self.cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(0.5)  # a write waits at most for the server to take a chunk
        if self._pa and not self._thread.is_alive():
            self._simple.pa_simple_free(self._pa)
            self._pa = None

    # ------------------------------------------------------------------ the writer
    def _run(self) -> None:
        err = ctypes.c_int(0)
        while True:
            with self.cond:
                if self._flush:
                    self._drop(err, self.paused and self._pause_flush)
                    self._flush = self._pause_flush = False
                while self.paused and not self._stop and not self._flush:
                    self.cond.wait(0.1)
                if self._stop:
                    return
                if self._flush:
                    continue
                frames = self._replay.pop(0) if self._replay else None
                gen = self._gen
            if frames is None:
                frames = self._pull(self.chunk)
                if frames is None:
                    continue
            if self._simple.pa_simple_write(self._pa, frames.ctypes.data, frames.nbytes,
                                            ctypes.byref(err)) < 0:
                self.error = f"PulseAudio: {self._strerror(err.value)}"
                with self.cond:
                    self.cond.wait(0.5)  # the server went away: do not spin
                continue
            with self.cond:
                if gen != self._gen:
                    continue  # a seek came while this was written: it belongs to before
                self._remember(frames)
            usec = self._simple.pa_simple_get_latency(self._pa, ctypes.byref(err))
            self._queued = min(int(usec * self.engine.sample_rate // 1_000_000),
                               self._recent_frames)

    def _remember(self, frames: np.ndarray) -> None:
        self._recent.append(frames)
        self._recent_frames += len(frames)
        while self._recent and self._recent_frames - len(self._recent[0]) >= 2 * self.buffer:
            self._recent_frames -= len(self._recent.pop(0))

    def _drop(self, err: ctypes.c_int, keep: bool) -> None:
        """Flush the server's queue; a pause (``keep``) holds what it dropped for the resume."""
        usec = self._simple.pa_simple_get_latency(self._pa, ctypes.byref(err))
        self._simple.pa_simple_flush(self._pa, ctypes.byref(err))
        if not keep:  # a seek: what was queued belongs to the old place
            self._queued = 0
            return
        dropped = min(int(usec * self.engine.sample_rate // 1_000_000), self._recent_frames)
        tail: list[np.ndarray] = []
        need = dropped
        for block in reversed(self._recent):
            if need <= 0:
                break
            tail.insert(0, block[-need:] if len(block) > need else block)
            need -= len(tail[0])
        self._replay = tail + self._replay
        self._recent.clear()
        self._recent_frames = 0
        self._queued = 0
