"""AudioOutput: the Engine and the live sink the Player plays through, and their life.

The soundfont and the audio device open in a background job; once they are ready the
output belongs to the thread that owns the Player (the UI thread in the app). The sink's
own thread (FluidSynth's driver, or the silent clock) renders the Engine; it only reports
errors through ``sink.error``, which :meth:`AudioOutput.take_error` collects.
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
        ``"auto"``, ``"silent"`` or a FluidSynth driver (see :func:`audio.live.open_sink`).
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
        self.engine: Any = None
        self.sink: Any = None
        self.error: str | None = None  # why audio could not start
        self.volume = 0.8
        self._requested = False
        self._closed = False

    # ------------------------------------------------------------------ life
    def start(self, soundfont: str | None = None) -> None:
        """Load the soundfont and open the device in the background (once)."""
        if self._requested:
            return
        self._requested = True
        notes: list[str] = []
        timeline, mode, speed = self.timeline, self.mode, self.clock_speed

        def job() -> tuple[Any, Any, list[str]]:
            from ..audio.engine import Engine
            from ..audio.live import open_sink

            engine = Engine(timeline, soundfont, notice=notes.append)
            sink = open_sink(engine, mode, speed, notice=notes.append)
            return engine, sink, notes

        self.run_background(job, self._ready, 20)

    def _ready(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self.error = one_line(error)
            self.say(Notice(f"Audio could not start: {self.error}", NoticeLevel.ERROR))
            return
        engine, sink, notes = result
        if self._closed:
            sink.close()
            engine.close()
            return
        for n in notes:
            self.say(Notice.of(n, NoticeLevel.WARNING))
        self.engine, self.sink = engine, sink
        engine.volume = self.volume
        self.on_ready(sink.name)

    def close(self) -> None:
        """Stop the audio and release the synth."""
        self._closed = True
        if self.sink is not None:
            self.sink.set_paused(True)
            self.sink.close()
        if self.engine is not None:
            self.engine.close()
        self.sink = self.engine = None

    @property
    def ready(self) -> bool:
        return self.sink is not None

    # ------------------------------------------------------------------ playing
    @property
    def name(self) -> str:
        """The sink's name ("pulseaudio", "silent", ...), empty before audio runs."""
        return getattr(self.sink, "name", "") if self.sink else ""

    @property
    def position(self) -> int:
        """Timeline sample heard now."""
        return self.sink.position if self.sink is not None else 0

    @property
    def render_head(self) -> int:
        """Timeline sample the engine renders next; the timeline may change only after it."""
        return self.engine.position if self.engine is not None else 0

    @property
    def speed(self) -> float:
        """How much faster than real time the output runs (the silent clock in tests)."""
        return float(getattr(self.sink, "speed", 1.0) or 1.0)

    def set_paused(self, paused: bool) -> None:
        if self.sink is not None:
            self.sink.set_paused(paused)

    def seek(self, sample: int) -> None:
        if self.sink is not None:
            self.sink.seek(sample)

    def set_volume(self, volume: float) -> None:
        self.volume = volume
        if self.engine is not None:
            self.engine.volume = volume

    def take_error(self) -> str | None:
        """An error the sink's thread reported since the last call, if any."""
        err = getattr(self.sink, "error", None)
        if err:
            self.sink.error = None
        return err or None

    # ------------------------------------------------------------------ soundfont
    def reload_soundfont(self, path: str | None) -> None:
        """Load ``path`` (the shipped soundfont when None) in the background, then swap it in."""
        if self.engine is None:
            return
        notes: list[str] = []
        rate, channels = self.timeline.sample_rate, self.timeline.n_channels

        def job() -> Any:
            from ..audio.synth import Synth, find_soundfont

            return Synth(find_soundfont(path, notes.append), rate, channels)

        def done(synth: Any, error: BaseException | None) -> None:
            for n in notes:
                self.say(Notice.of(n, NoticeLevel.WARNING))
            if error is not None:
                self.say(Notice(f"Soundfont not loaded: {one_line(error)}", NoticeLevel.ERROR))
                return
            if self.engine is None:
                synth.close()
                return
            self.engine.replace_synth(synth).close()
            self.say(f"Soundfont: {synth.soundfont.name}")

        self.run_background(job, done, 5)
