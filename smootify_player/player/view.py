"""What the views show: the now-playing card and the piano roll, read from the live timeline.

Pure reads, called on the thread that owns the Player (the UI thread): nothing here changes
the timeline, the queue or the schedule. The piano roll's notes are cached per segment and
bar, and the cache is only touched from that thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..constants import STEPS_PER_BAR
from ..music.families import N_FAMILIES
from ..music.join import JoinMode
from ..music.timeline import Segment, Timeline, ramp_step_times
from .queue import PlayQueue, QueueEntry
from .schedule import TransitionScheduler
from .states import PlayState

__all__ = ["NowPlaying", "RollNote", "now_playing", "roll"]

#: How the views name each join mode: (now-playing card, piano-roll span).
JOIN_NAMES: dict[str, tuple[str, str]] = {
    JoinMode.MODEL: ("AI bridge", "AI"),
    JoinMode.RULE: ("rule bridge", "rule"),
    JoinMode.CROSSFADE: ("crossfade", "crossfade"),
    JoinMode.CUT: ("cut", "cut"),
}


@dataclass
class NowPlaying:
    """What the now-playing bar shows; times in seconds of the current song's own time.

    ``position`` is seconds into the song's file (its entry bar's offset included: what the
    saved session restores), ``duration`` the song's full length (constant while it plays),
    ``marks`` the joins on either side where they fall in that time, clamped to
    [0, ``duration``]. During the join into a song (the "A + B" card) the song is B and
    ``position`` holds at B's entry bar.
    """

    title: str = ""
    subtitle: str = ""
    in_bridge: bool = False
    position: float = 0.0
    duration: float = 0.0
    marks: list[tuple[float, float]] = field(default_factory=list)
    entry: QueueEntry | None = None
    state: PlayState = PlayState.STOPPED
    reason: str = ""  # a radio pick's: "Eb major → Bb major, 120 → 118 BPM"


@dataclass(frozen=True)
class RollNote:
    """One note for the piano-roll view, in timeline seconds."""

    start: float
    end: float
    pitch: int
    family: int
    bridge: bool


def now_playing(sch: TransitionScheduler, queue: PlayQueue, position: int, state: PlayState,
                current: QueueEntry | None) -> NowPlaying:
    """Title ("A + B" during a join), position, length and join marks of the current song.

    Times are the song's own (see :class:`NowPlaying`): the position is
    :meth:`TransitionScheduler.seconds_into` of the song sounding, so what is shown is what
    a saved session restores. During a join the song is the one after it (B), held at its
    entry bar until B itself sounds.
    """
    out = NowPlaying(state=state)
    idx = sch.current_index()
    if idx < 0:
        if current is not None:
            out.title, out.entry = current.title, current
            out.subtitle = "Loading…" if state == PlayState.LOADING else current.credit
        return out
    segs = sch.timeline.segments
    slot, seg = sch.slots[idx], segs[idx]
    i = sch.song_index_for(idx)
    song_seg = segs[i]
    duration = song_seg.song.duration if song_seg.song is not None else \
        song_seg.length / sch.sample_rate
    out.duration = duration
    here = min(max(position, song_seg.start), song_seg.end)
    out.position = min(max(sch.song_seconds(i, here), 0.0), duration)
    for j in (i - 1, i + 1):
        if 0 <= j < len(segs) and sch.slots[j].kind == "join":
            s0, s1 = (min(max(sch.song_seconds(i, x), 0.0), duration)
                      for x in (segs[j].start, segs[j].end))
            if s1 > s0:
                out.marks.append((s0, s1))
    if slot.kind == "join":
        a, b = queue.get(slot.a), queue.get(slot.b)
        out.in_bridge = True
        out.title = " + ".join(e.title for e in (a, b) if e is not None)
        composer = seg.bridge.composer if seg.bridge else seg.kind
        out.subtitle = "Crossfade" if seg.kind == "crossfade" else \
            f"Bridge · {JOIN_NAMES.get(composer, (composer, ''))[0]}"
        out.entry = b
        out.reason = b.reason if b is not None else ""
    else:
        e = queue.get(slot.uid)
        out.entry = e
        out.title = e.title if e else seg.label
        out.subtitle = e.credit if e else ""
        out.reason = e.reason if e else ""
        mixing = sch.mixing_into(idx)
        if mixing is not None:
            out.subtitle = f"Mixing into {mixing.title} at the next bar…"
    return out


def roll(timeline: Timeline, t0: float, t1: float
         ) -> tuple[list[RollNote], list[tuple[float, float, str]]]:
    """Notes sounding between timeline seconds ``t0`` and ``t1``, and the joins there.

    Joins come as (start, end, composer name) in timeline seconds.
    """
    sr = timeline.sample_rate
    notes: list[RollNote] = []
    spans: list[tuple[float, float, str]] = []
    with timeline.lock:
        segs = list(timeline.segments)
    for seg in segs:
        s0, s1 = seg.start / sr, seg.end / sr
        if s1 < t0 or s0 > t1:
            continue
        if seg.kind == "bridge":
            composer = seg.bridge.composer if seg.bridge else ""
            spans.append((s0, s1, JOIN_NAMES.get(composer, ("", composer))[1]))
            notes.extend(n for n in _bridge_notes(seg, sr) if n.end >= t0 and n.start <= t1)
            continue
        if seg.kind == "crossfade":
            spans.append((s0, s1, "crossfade"))
            notes.extend(n for n in _crossfade_notes(seg, sr) if n.end >= t0 and n.start <= t1)
            continue
        if seg.song is None or len(seg.bar_samples) < 2:
            continue
        rel0, rel1 = (t0 - s0) * sr, (t1 - s0) * sr
        b0 = max(0, int(np.searchsorted(seg.bar_samples, rel0, side="right")) - 1)
        b1 = min(len(seg.bar_samples) - 1, int(np.searchsorted(seg.bar_samples, rel1)) + 1)
        for k in range(b0, b1):
            notes.extend(_song_bar_notes(seg, k, sr))
    return notes, spans


_NOTE_CACHE: dict[tuple, list[RollNote]] = {}


def _runs(active: np.ndarray, onset: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(family, pitch, start step, end step) runs of an (steps, 5, 128) roll."""
    out = []
    steps = active.shape[0]
    fams, pitches = np.nonzero(active.any(0))
    for f, p in zip(fams, pitches):
        col, ons = active[:, f, p], onset[:, f, p]
        s = None
        for t in range(steps):
            if col[t] and (s is None or ons[t]):
                if s is not None:
                    out.append((int(f), int(p), s, t))
                s = t
            elif not col[t] and s is not None:
                out.append((int(f), int(p), s, t))
                s = None
        if s is not None:
            out.append((int(f), int(p), s, steps))
    return out


def _song_bar_notes(seg: Segment, k: int, sr: int) -> list[RollNote]:
    assert seg.song is not None
    key = (seg.song.digest, seg.start, seg.from_bar, k)
    hit = _NOTE_CACHE.get(key)
    if hit is not None:
        return hit
    bar = seg.from_bar + k
    act, ons = seg.song.pianoroll(bar, bar + 1)
    t0 = (seg.start + seg.bar_samples[k]) / sr
    t1 = (seg.start + seg.bar_samples[min(k + 1, len(seg.bar_samples) - 1)]) / sr
    step = (t1 - t0) / STEPS_PER_BAR
    notes = [RollNote(t0 + s * step, t0 + e * step, p, f, False)
             for f, p, s, e in _runs(act, ons) if f < N_FAMILIES]
    if len(_NOTE_CACHE) > 4000:
        _NOTE_CACHE.clear()
    _NOTE_CACHE[key] = notes
    return notes


def _crossfade_notes(seg: Segment, sr: int) -> list[RollNote]:
    """A's and B's notes in a crossfade segment, placed on its bars."""
    key = ("crossfade", seg.start, seg.from_bar, seg.to_bar)
    hit = _NOTE_CACHE.get(key)
    if hit is not None:
        return hit
    notes: list[RollNote] = []
    n_bars = len(seg.bar_samples) - 1
    for song, first in zip(seg.songs, (seg.from_bar, seg.to_bar)):
        for k in range(n_bars):
            act, ons = song.pianoroll(first + k, first + k + 1)
            t0 = (seg.start + seg.bar_samples[k]) / sr
            step = (seg.bar_samples[k + 1] - seg.bar_samples[k]) / sr / STEPS_PER_BAR
            notes.extend(RollNote(t0 + s_ * step, t0 + e_ * step, p_, f_, True)
                         for f_, p_, s_, e_ in _runs(act, ons))
    _NOTE_CACHE[key] = notes
    return notes


def _bridge_notes(seg: Segment, sr: int) -> list[RollNote]:
    assert seg.bridge is not None
    key = ("bridge", seg.start, len(seg.bridge.notes))
    hit = _NOTE_CACHE.get(key)
    if hit is not None:
        return hit
    br = seg.bridge
    times = ramp_step_times(br.n_steps, seg.tempo_from, seg.tempo_to) + seg.start / sr
    notes = [RollNote(float(times[n.start]), float(times[min(n.end, br.n_steps)]), n.pitch,
                      n.family, True) for n in br.notes]
    _NOTE_CACHE[key] = notes
    return notes
