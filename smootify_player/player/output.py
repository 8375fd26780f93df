"""AudioOutput: the Engine and the live sink the Player plays through, and their life.

The soundfont and the audio device open in a background job; once they are ready the
output belongs to the thread that owns the Player (the UI thread in the app). With a device
the synth plays in a process of its own (``audio.process``), mirroring the timeline; the
silent clock renders here on its own thread. Either only reports errors, which
:meth:`AudioOutput.take_error` collects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import one_line
from ..music.timeline import Timeline
from ..notices import Notice, NoticeLevel
from .schedule import RunBackground

__all__ = ["AudioOutput"]


class AudioOutput:
    """Starts, plays through, reconfigures and closes the Engine and its live sink.

    Parameters
    ----------
    timeline : Timeline
        What the engine plays.
    run_background : RunBackground
        Runs the jobs that load a soundfont and open the device.
    say : callable
        One-line notices for the user.
    on_ready : callable
        Called on the owner's thread with the sink's name once audio runs.
    mode : str, optional
        ``"auto"``, ``"pulse"``, ``"silent"`` or a FluidSynth driver (see
        :func:`audio.choose.open_sink`).
    clock_speed : float, optional
        Speed of the silent clock.
    """

    def __init__(self, timeline: Timeline, run_background: RunBackground,
                 say: Callable[[str], None], on_ready: Callable[[str], None],
                 mode: str | None = None, clock_speed: float | None = None) -> None:
        self.timeline = timeline
        self.run_background = run_background
        self.say, self.on_ready = say, on_ready
        self.mode, self.clock_speed = mode, clock_speed
        self.audio: Any = None  # an audio.backend.AudioBackend once ready
        self.error: str | None = None  # why audio could not start
        self.volume = 0.8
        self._requested = False
        self._closed = False
        self._soundfont: str | None = None
        self._resume: tuple[int, bool] | None = None  # (sample, paused) for a restart
        self._restarts = 0

    # ------------------------------------------------------------------ life
    def start(self, soundfont: str | None = None) -> None:
        """Load the soundfont and open the device in the background (once)."""
        if self._requested:
            return
        self._requested = True
        self._soundfont = soundfont
        notes: list[str] = []
        timeline, mode, speed = self.timeline, self.mode, self.clock_speed

        def job() -> tuple[Any, list[str]]:
            from ..audio.backend import open_audio

            return open_audio(timeline, soundfont, mode, speed, notice=notes.append), notes

        self.run_background(job, self._ready, 20)

    def _ready(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self.error = one_line(error)
            self.say(Notice(f"Audio could not start: {self.error}", NoticeLevel.ERROR))
            return
        audio, notes = result
        if self._closed:
            audio.close()
            return
        for n in notes:
            self.say(Notice.of(n, NoticeLevel.WARNING))
        self.audio = audio
        audio.set_volume(self.volume)
        if self._resume is not None:  # a restarted audio process picks up where it was
            sample, paused = self._resume
            self._resume = None
            audio.seek(sample)
            audio.set_paused(paused)
        self.on_ready(audio.name)

    def close(self) -> None:
        """Stop the audio and release the synth."""
        self._closed = True
        if self.audio is not None:
            self.audio.close()
        self.audio = None

    @property
    def ready(self) -> bool:
        return self.audio is not None

    @property
    def engine(self) -> Any:
        """The in-process Engine (None when the audio runs in its own process)."""
        return getattr(self.audio, "engine", None)

    # ------------------------------------------------------------------ playing
    @property
    def name(self) -> str:
        """The output's name ("pulseaudio", "silent", ...), empty before audio runs."""
        return self.audio.name if self.audio is not None else ""

    @property
    def position(self) -> int:
        """Timeline sample heard now."""
        if self.audio is None:
            return self._resume[0] if self._resume is not None else 0
        return self.audio.position

    @property
    def render_head(self) -> int:
        """Timeline sample rendered next; the timeline may change only after it."""
        return self.audio.render_head if self.audio is not None else 0

    @property
    def speed(self) -> float:
        """How much faster than real time the output runs (the silent clock in tests)."""
        return float(getattr(self.audio, "speed", 1.0) or 1.0)

    def set_paused(self, paused: bool) -> None:
        if self.audio is not None:
            self.audio.set_paused(paused)

    def seek(self, sample: int) -> None:
        if self.audio is not None:
            self.audio.seek(sample)

    def set_volume(self, volume: float) -> None:
        self.volume = volume
        if self.audio is not None:
            self.audio.set_volume(volume)

    def take_error(self) -> str | None:
        """An error the audio reported since the last call, if any.

        An audio process that stopped is started again where it was (three times at most).
        """
        if self.audio is None:
            return None
        err = self.audio.take_error()
        if err and not getattr(self.audio, "alive", True) and not self._closed:
            old, self.audio = self.audio, None
            self._resume = (old.position, bool(getattr(old, "paused", False)))
            old.close()
            if self._restarts < 3:
                self._restarts += 1
                self._requested = False
                self.start(self._soundfont)
                err += "; restarting the audio"
        return err

    # ------------------------------------------------------------------ soundfont
    def reload_soundfont(self, path: str | None) -> None:
        """Load ``path`` (the shipped soundfont when None) in the background, then swap it in."""
        audio = self.audio
        if audio is None:
            return

        def job() -> tuple[str, list[str]]:
            return audio.load_soundfont(path)

        def done(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.say(Notice(f"Soundfont not loaded: {one_line(error)}", NoticeLevel.ERROR))
                return
            name, notes = result
            for n in notes:
                self.say(Notice.of(n, NoticeLevel.WARNING))
            self.say(f"Soundfont: {name}")

        self.run_background(job, done, 5)
