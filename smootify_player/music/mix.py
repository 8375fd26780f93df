"""Plan a whole playlist: load songs, choose every mix point, compose bridges, lay the Timeline."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .bridge import BridgeComposer
from .join import MIN_PLAY_BARS, add_join
from .mixpoint import MixPlan, MixSettings, plan_mix
from .song import Song, SongError
from .timeline import Timeline

__all__ = ["Mix", "build_mix", "load_songs"]


@dataclass
class Mix:
    """A planned playlist: the Timeline and what was decided at each join."""

    timeline: Timeline
    songs: list[Song]
    plans: list[MixPlan] = field(default_factory=list)
    transitions: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)

    def report(self) -> dict:
        """The JSON report: ``segments``, ``transitions`` and ``skipped`` files."""
        segments = []
        for seg in self.timeline.to_report():
            seg.pop("label", None)
            segments.append(seg)
        return {"segments": segments, "transitions": self.transitions, "skipped": self.skipped}


def load_songs(paths: Sequence[str | Path], notice: Callable[[str], None] = print
               ) -> tuple[list[Song], list[float], list[dict]]:
    """Load every path; a bad file is skipped with a one-line notice.

    Returns the songs, the analysis time of each in ms, and the skipped files.
    """
    songs, times, skipped = [], [], []
    for p in paths:
        t = time.perf_counter()
        try:
            songs.append(Song.load(p))
            times.append((time.perf_counter() - t) * 1000.0)
        except SongError as exc:
            notice(f"smootify: skipping {exc}")
            skipped.append({"path": str(p), "error": str(exc)})
    return songs, times, skipped


def build_mix(paths: Sequence[str | Path], settings: MixSettings,
              composer: BridgeComposer | None, sample_rate: int = 44100,
              notice: Callable[[str], None] = print) -> Mix:
    """Plan ``paths`` into one gapless Timeline: A → bridge → B → bridge → C ...

    With ``composer`` None, songs are joined by a 2-bar beat-matched crossfade instead of a
    composed bridge.

    Raises
    ------
    SongError
        When no file could be used.
    """
    songs, analysis_ms, skipped = load_songs(paths, notice)
    if not songs:
        raise SongError("no playable MIDI file among the inputs")
    timeline = Timeline(sample_rate)
    mix = Mix(timeline, songs, skipped=skipped)
    entry = 0
    for i, a in enumerate(songs):
        if i + 1 == len(songs):
            if i == 0:
                timeline.add_song(a, entry, a.n_bars)
            break
        b = songs[i + 1]
        plan = plan_mix(a, b, settings, min_exit_bar=min(entry + MIN_PLAY_BARS, a.n_bars))
        if i:
            timeline.truncate(len(timeline.segments) - 1)  # A's open segment: cut it here
        join = add_join(timeline, a, b, plan, composer, entry, seed=settings.seed + i)
        mix.plans.append(plan)
        mix.transitions.append({
            "from": str(a.path), "to": str(b.path),
            "exit_bar": plan.exit_bar, "entry_bar": plan.entry_bar,
            "method": plan.method, "score": round(float(plan.score), 4),
            "parts": {k: round(float(v), 4) for k, v in plan.parts.items()},
            "tempo_from": round(plan.tempo_from, 3), "tempo_to": round(plan.tempo_to, 3),
            "bridge": join.mode, "bridge_notes": join.n_notes,
            "timings_ms": {"analysis": round(analysis_ms[i + 1], 2),
                           "mix_point": round(plan.timings_ms, 2),
                           "bridge": round(join.ms, 2)},
        })
        entry = join.segments[2].from_bar
    return mix
