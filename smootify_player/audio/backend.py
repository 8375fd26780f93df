"""The live audio the Player plays through: one surface, in this process or in a child process."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ..music.timeline import Timeline
from .choose import open_sink
from .engine import Engine
from .live import Sink

__all__ = ["AudioBackend", "LocalAudio", "discard_prestarted", "open_audio", "prestart",
           "use_process"]


class AudioBackend(Protocol):
    """What the Player needs of live audio, wherever the synth runs."""

    name: str
    latency: int
    speed: float

    @property
    def error(self) -> str | None: ...
    @property
    def render_head(self) -> int: ...
    @property
    def position(self) -> int: ...
    def set_paused(self, paused: bool) -> None: ...
    def seek(self, sample: int) -> None: ...
    def set_volume(self, volume: float) -> None: ...
    def load_soundfont(self, path: str | None) -> tuple[str, list[str]]: ...
    def take_error(self) -> str | None: ...
    def close(self) -> None: ...


class LocalAudio:
    """The Engine and its sink in this process (silent clock, tests, ``SMOOTIFY_AUDIO_PROCESS=0``).

    Parameters
    ----------
    engine : Engine
    sink : Sink
    """

    def __init__(self, engine: Engine, sink: Sink) -> None:
        self.engine, self.sink = engine, sink
        self.name = sink.name
        self.latency = sink.latency
        self.speed = float(getattr(sink, "speed", 1.0) or 1.0)

    @property
    def error(self) -> str | None:
        return getattr(self.sink, "error", None)

    @property
    def render_head(self) -> int:
        return self.engine.position

    @property
    def position(self) -> int:
        return self.sink.position

    def set_paused(self, paused: bool) -> None:
        self.sink.set_paused(paused)

    def seek(self, sample: int) -> None:
        self.sink.seek(sample)

    def set_volume(self, volume: float) -> None:
        self.engine.volume = volume

    def load_soundfont(self, path: str | None) -> tuple[str, list[str]]:
        """Load ``path`` (blocking, from a background job) and swap it in."""
        from .synth import Synth, find_soundfont

        notes: list[str] = []
        tl = self.engine.timeline
        synth = Synth(find_soundfont(path, notes.append), tl.sample_rate, tl.n_channels)
        self.engine.replace_synth(synth).close()
        return synth.soundfont.name, notes

    def take_error(self) -> str | None:
        err = getattr(self.sink, "error", None)
        if err:
            self.sink.error = None
        return err or None

    def close(self) -> None:
        self.sink.set_paused(True)
        self.sink.close()
        self.engine.close()


_prestarted: Any = None  # an AudioProcess started by prestart(), not yet taken


def prestart(mode: str | None = None, sample_rate: int = 44100, n_blocks: int = 8) -> None:
    """Start the audio process now, on the shipped soundfont, for :func:`open_audio` to take.

    The app calls this first thing, so the synth loads while the interface is built: it
    takes the longest of all before the first note. Starting it from the main thread also
    gives it the app's normal CPU priority.
    """
    global _prestarted
    if _prestarted is not None or not use_process(mode):
        return
    from .process import AudioProcess, AudioProcessError

    try:
        _prestarted = AudioProcess(sample_rate, n_blocks, None, mode)
    except AudioProcessError:
        _prestarted = None  # open_audio will say why when it tries itself


def discard_prestarted() -> None:
    """Stop a prestarted audio process nobody took (the app handed over and quits)."""
    global _prestarted
    if _prestarted is not None:
        _prestarted.close()
        _prestarted = None


def _take_prestarted(timeline: Timeline, mode: str | None, speed: float | None) -> Any:
    """The prestarted process, ready and attached, when it fits ``timeline``; else None."""
    global _prestarted
    proc, _prestarted = _prestarted, None
    if proc is None:
        return None
    if proc.config != (timeline.sample_rate, timeline.n_blocks, None, mode, speed):
        proc.close()
        return None
    proc.wait_ready()
    proc.attach(timeline)
    return proc


def use_process(mode: str | None = None) -> bool:
    """Whether live audio runs in its own process: yes for a device, unless
    ``SMOOTIFY_AUDIO_PROCESS=0``; the silent clock (no device, tests) stays here."""
    mode = (mode or os.environ.get("SMOOTIFY_AUDIO", "auto")).strip().lower()
    return mode != "silent" and os.environ.get("SMOOTIFY_AUDIO_PROCESS", "1") != "0"


def open_audio(timeline: Timeline, soundfont: str | Path | None = None, mode: str | None = None,
               speed: float | None = None,
               notice: Callable[[str], None] = print) -> AudioBackend:
    """Live audio for ``timeline`` (blocking: loads the soundfont and opens the device).

    A device plays from a process of its own (:class:`~.process.AudioProcess`), so the
    player's analysis, planning and interface never delay the audio; should that process
    not start, the audio runs here instead, with a notice.
    """
    if use_process(mode):
        from .process import AudioProcess, AudioProcessError

        try:
            proc = _take_prestarted(timeline, mode, speed)
            if proc is None:
                proc = AudioProcess.open(timeline, soundfont, mode, speed)
            elif soundfont:  # it started on the shipped soundfont: swap in the chosen one
                name, notes = proc.load_soundfont(str(soundfont))
                proc.notes.extend(notes)
        except AudioProcessError as exc:
            notice(f"Audio process did not start ({exc}); playing from the player's process")
        else:
            for n in proc.notes:
                notice(n)
            return proc
    engine = Engine(timeline, soundfont, notice=notice)
    return LocalAudio(engine, open_sink(engine, mode, speed, notice=notice))
