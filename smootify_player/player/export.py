"""Export the mix the way it plays: the queue with its joins, to WAV, FLAC or MIDI.

The joins are planned by the player's own :class:`~.schedule.TransitionScheduler`, driven
by a clock that stands at the start of each song as it begins (where the live player plans
the join after it), so the timeline is the one the player lays down when every join is
planned in time: the same segments, rendered by the same :class:`~..audio.engine.Engine`.
MIDI goes through :func:`~..audio.sinks.write_midi`, WAV without progress through
:func:`~..audio.sinks.render_wav`; with a progress callback or a cancel check (and for
FLAC, through the ``soundfile`` library) the Engine's blocks are written as they come.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..composers import Composers
from ..errors import UserFacingError
from ..music.song import Song
from ..music.timeline import Timeline
from .queue import PlayQueue
from .schedule import ComposerHook, PlannedJoin, TransitionScheduler
from .settings import PlayerSettings
from .states import PlayerEvent

__all__ = ["FORMATS", "ExportCancelledError", "ExportResult", "export_mix", "plan_queue"]

#: Output formats by file suffix.
FORMATS = {".wav": "wav", ".flac": "flac", ".mid": "midi", ".midi": "midi"}

#: ``progress(done, total, phase)``: phase ``plan`` (joins) then ``render`` (frames).
Progress = Callable[[int, int, str], None]


class ExportCancelledError(UserFacingError):
    """The export was cancelled; nothing was written."""


@dataclass
class ExportResult:
    """What :func:`export_mix` wrote."""

    path: Path
    format: str
    seconds: float
    timeline: Timeline
    joins: list[PlannedJoin] = field(default_factory=list)
    render_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "format": self.format,
                "seconds": round(self.seconds, 3), "render_s": round(self.render_s, 3),
                "segments": len(self.timeline.segments),
                "joins": [{"exit_bar": j.plan.exit_bar, "entry_bar": j.plan.entry_bar,
                           "method": j.plan.method, "mode": j.mode} for j in self.joins]}


def _now(fn: Callable[[], Any], on_done: Callable[[Any, BaseException | None], None],
         priority: int = 0) -> None:
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 - handed to the scheduler as the live runner does
        on_done(None, exc)
        return
    on_done(result, None)


def _check(cancel: Callable[[], bool] | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelledError("export cancelled")


def plan_queue(songs: Sequence[Song], settings: PlayerSettings, composer: ComposerHook,
               sample_rate: int = 44100, progress: Progress | None = None,
               cancel: Callable[[], bool] | None = None
               ) -> tuple[Timeline, list[PlannedJoin]]:
    """The timeline of ``songs`` played once in order, joined as the player joins them."""
    if not songs:
        raise UserFacingError("nothing to export: no playable song in the queue")
    queue = PlayQueue()
    entries = queue.add([s.path for s in songs], analysed=list(songs))
    once = dataclasses.replace(settings, repeat=False, end_of_queue="repeat")
    timeline = Timeline(sample_rate)
    clock = [0]
    joins: list[PlannedJoin] = []

    def emit(kind: PlayerEvent, payload: Any) -> None:
        if kind == PlayerEvent.PLANNED:
            joins.append(payload)

    sch = TransitionScheduler(timeline, queue, lambda: once, _now, composer,
                              position=lambda: clock[0], render_head=lambda: clock[0],
                              emit=emit)
    sch.start(entries[0])
    total = len(songs) - 1
    while len(joins) < total:
        _check(cancel)
        n = len(joins)
        sch.request()
        if len(joins) == n:
            sch.fallback_now()  # what the player does when a join cannot be planned
        if len(joins) == n:
            break
        clock[0] = timeline.segments[-1].start  # the next song begins: plan its join
        if progress is not None:
            progress(len(joins), total, "plan")
    return timeline, joins


def export_mix(songs: Sequence[Song], path: str | Path, settings: PlayerSettings | None = None,
               composer: ComposerHook | None = None, progress: Progress | None = None,
               cancel: Callable[[], bool] | None = None, sample_rate: int = 44100,
               notice: Callable[[str], None] = print) -> ExportResult:
    """Plan ``songs`` as the player joins them and write the mix to ``path``.

    The format comes from the suffix (:data:`FORMATS`). ``cancel()`` is polled between
    joins and blocks; when it says yes, :class:`ExportCancelledError` is raised and no file is
    left behind.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UserFacingError(f"{path.name}: export writes .wav, .flac or .mid files")
    settings = settings or PlayerSettings()
    own = Composers(False) if composer is None else None
    try:
        timeline, joins = plan_queue(songs, settings, composer or own.get,  # type: ignore[union-attr]
                                     sample_rate, progress, cancel)
    finally:
        if own is not None:
            own.close()
    t0 = time.perf_counter()
    result = ExportResult(path, fmt, timeline.length / sample_rate, timeline, joins)
    soundfont = settings.soundfont or None
    if fmt == "midi":
        from ..audio.sinks import write_midi

        _check(cancel)
        write_midi(timeline, path)
    elif fmt == "wav" and progress is None and cancel is None:
        from ..audio.sinks import render_wav

        result.seconds = render_wav(timeline, path, soundfont, notice=notice)["seconds"]
    else:
        result.seconds = _render_blocks(timeline, path, fmt, soundfont, progress, cancel,
                                        notice)
    if progress is not None:
        progress(1, 1, "done")
    result.render_s = time.perf_counter() - t0
    return result


def _render_blocks(timeline: Timeline, path: Path, fmt: str, soundfont: str | None,
                   progress: Progress | None, cancel: Callable[[], bool] | None,
                   notice: Callable[[str], None]) -> float:
    """Render through the Engine block by block into WAV or FLAC (16-bit, as render_wav)."""
    import soundfile

    from ..audio.engine import Engine
    from ..audio.sinks import BLOCK, TAIL_S

    sr = timeline.sample_rate
    total = timeline.length + int(TAIL_S * sr)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    engine = Engine(timeline, soundfont, notice=notice, offline=True)
    frames = 0
    try:
        with soundfile.SoundFile(tmp, "w", sr, 2, subtype="PCM_16",
                                 format="FLAC" if fmt == "flac" else "WAV") as out:
            while frames < total:
                _check(cancel)
                n = min(BLOCK * 4, total - frames)
                block = engine.render(n)
                out.write((np.clip(block, -1.0, 1.0) * 32767.0).astype("<i2"))
                frames += n
                if progress is not None:
                    progress(frames, total, "render")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    finally:
        engine.close()
    return frames / sr
