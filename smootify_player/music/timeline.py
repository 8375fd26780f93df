"""Timeline: songs and bridges end to end as sample-placed MIDI events, a channel block each."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..constants import STEPS_PER_BAR
from .families import DRUMS, N_FAMILIES

if TYPE_CHECKING:  # the audio process plays timelines without the analysis modules
    from .bridge import Bridge, BridgeNote
    from .song import Song

__all__ = [
    "BEND",
    "CC",
    "EVENT_DTYPE",
    "NOTE_OFF",
    "NOTE_ON",
    "PROGRAM",
    "Segment",
    "Timeline",
    "ramp_step_times",
]

# Event kinds, in the order they are applied when they share a sample: a note ending on a
# sample is released before the programs and controllers of the next note are set.
NOTE_OFF, PROGRAM, CC, BEND, NOTE_ON = range(5)
EVENT_DTYPE = np.dtype([("sample", np.int64), ("kind", np.int8), ("chan", np.int16),
                        ("a", np.int16), ("b", np.int16)])
DRUM_CHANNEL = 9
CHANNELS_PER_BLOCK = 16
# Controllers whose last value before an entry bar is replayed there.
_STATE_CCS = (0, 1, 7, 10, 11, 32, 64, 66, 67, 71, 72, 73, 74, 91, 93)
_CC_RESET_ALL, _CC_VOLUME, _CC_PAN, _CC_SUSTAIN, _CC_EXPRESSION = 121, 7, 10, 64, 11


@dataclass
class Segment:
    """One stretch of the timeline: a song between two bars, or a bridge.

    ``events`` samples are relative to ``start``; channels are 0-15 within the segment's
    channel block (``block``), which the engine offsets by ``16 * block``.
    """

    kind: str
    label: str
    start: int
    length: int
    block: int
    events: np.ndarray
    bar_samples: np.ndarray
    song: Song | None = None
    from_bar: int = 0
    to_bar: int = 0
    bridge: Bridge | None = None
    songs: tuple[Song, ...] = ()
    tempo_from: float = 0.0
    tempo_to: float = 0.0

    @property
    def end(self) -> int:
        return self.start + self.length

    def to_dict(self, sample_rate: int) -> dict:
        """Report entry: kind, path, start_s, end_s and bars (songs) or tempi (bridges)."""
        d: dict = {"kind": self.kind, "label": self.label,
                   "start_s": round(self.start / sample_rate, 4),
                   "end_s": round(self.end / sample_rate, 4)}
        if self.kind == "song" and self.song is not None:
            d.update(path=str(self.song.path), from_bar=self.from_bar, to_bar=self.to_bar)
        else:
            d.update(composer=self.bridge.composer if self.bridge else None,
                     notes=len(self.bridge.notes) if self.bridge else 0,
                     tempo_from=round(self.tempo_from, 3), tempo_to=round(self.tempo_to, 3))
        return d


def ramp_step_times(n_steps: int, tempo_from: float, tempo_to: float) -> np.ndarray:
    """Start time in seconds of each 16th step (and the end) under a tempo ramp.

    The tempo moves by the same ratio every step (geometrically): tempo is heard as a
    ratio, so each beat of a ramp from 60 to 180 BPM is the same step faster than the last,
    where a linear ramp lurches at the slow end.
    """
    k = (np.arange(n_steps) + 0.5) / max(n_steps, 1)
    t0, t1 = max(float(tempo_from), 1e-3), max(float(tempo_to), 1e-3)
    bpm = t0 * (t1 / t0) ** k
    return np.concatenate([[0.0], np.cumsum(60.0 / (bpm * 4.0))])


class Timeline:
    """Songs and bridges placed end to end, to the sample, ready for the Engine.

    The timeline can grow and its last song can be cut while it plays: every change holds
    ``lock`` and bumps ``version`` so a playing Engine re-finds its place.

    Parameters
    ----------
    sample_rate : int
        Output rate in Hz.
    n_blocks : int
        Channel blocks of 16 channels cycled through by consecutive segments, so the
        programs of B never clash with A's ringing notes.
    """

    def __init__(self, sample_rate: int = 44100, n_blocks: int = 8):
        self.sample_rate = int(sample_rate)
        self.n_blocks = int(n_blocks)
        self.segments: list[Segment] = []
        self.lock = threading.RLock()
        self.version = 0
        #: Called (under ``lock``, on the editing thread) after every change: an audio
        #: process mirrors the timeline through this.
        self.watchers: list[Callable[[Timeline], None]] = []

    def _changed(self) -> None:
        self.version += 1
        for watch in list(self.watchers):
            watch(self)

    # ------------------------------------------------------------------ building
    @property
    def length(self) -> int:
        """Samples up to the end of the last segment."""
        with self.lock:
            return self.segments[-1].end if self.segments else 0

    @property
    def n_channels(self) -> int:
        return self.n_blocks * CHANNELS_PER_BLOCK

    def _next_block(self, kind: str = "song") -> int:
        return self._block_after(self.segments[-1] if self.segments else None, kind)

    def _block_after(self, prev: Segment | None, kind: str) -> int:
        """The channel block of a ``kind`` segment following ``prev``; a crossfade takes two."""
        if prev is None:
            return 0
        block = (prev.block + (2 if prev.kind == "crossfade" else 1)) % self.n_blocks
        if kind == "crossfade" and block + 1 >= self.n_blocks:
            block = 0
        return block

    def add_song(self, song: Song, from_bar: int = 0, to_bar: int | None = None,
                 label: str | None = None) -> Segment:
        """Append ``song`` from ``from_bar`` up to (not including) ``to_bar`` (default: its end)."""
        to_bar = song.n_bars if to_bar is None else int(to_bar)
        from_bar = int(np.clip(from_bar, 0, song.n_bars - 1))
        to_bar = int(np.clip(to_bar, from_bar + 1, song.n_bars))
        with self.lock:
            start = self.length
            seg = self._song_segment(song, from_bar, to_bar, start, self._next_block(), label)
            self.segments.append(seg)
            self._changed()
            return seg

    def add_bridge(self, bridge: Bridge, a: Song | None, b: Song | None,
                   tempo_from: float, tempo_to: float) -> Segment | None:
        """Append ``bridge`` with a linear tempo ramp; a bridge of no bars appends nothing."""
        if bridge.n_bars <= 0:
            return None
        with self.lock:
            seg = self._bridge_segment(bridge, a, b, tempo_from, tempo_to, self.length,
                                       self._next_block())
            self.segments.append(seg)
            self._changed()
            return seg

    def cut_last_song(self, to_bar: int) -> Segment:
        """End the last segment (a song) at ``to_bar``; later events are dropped."""
        with self.lock:
            last = self.segments[-1]
            if last.kind != "song" or last.song is None:
                raise ValueError("the last segment is not a song")
            seg = self._song_segment(last.song, last.from_bar, to_bar, last.start, last.block,
                                     last.label)
            self.segments[-1] = seg
            self._changed()
            return seg

    def splice(self, segments: list[Segment]) -> None:
        """Replace the last segment by ``segments[0]`` and append the rest after it.

        The segments may have been built on another Timeline (off the playing thread): each
        is moved to start where the one before it ends, on the next free channel block.
        ``segments[0]`` keeps the start and block of the segment it replaces, so the cursor
        of a playing Engine stays valid as long as the replacement only differs ahead of it.
        """
        with self.lock:
            last = self.segments[-1]
            first = segments[0]
            first.start, first.block = last.start, last.block
            self.segments[-1] = first
            prev = first
            for seg in segments[1:]:
                seg.start, seg.block = prev.end, self._block_after(prev, seg.kind)
                self.segments.append(seg)
                prev = seg
            self._changed()

    def forget_before(self, k: int) -> None:
        """Drop the first ``k`` segments (long past), keeping every sample position as it is."""
        with self.lock:
            del self.segments[:k]
            self._changed()

    def truncate(self, n_segments: int) -> None:
        """Keep only the first ``n_segments`` segments (drops a stale plan's bridge and song)."""
        with self.lock:
            del self.segments[n_segments:]
            self._changed()

    # ------------------------------------------------------------------ queries
    def segment_index(self, sample: int) -> int:
        """Index of the segment sounding at ``sample`` (the last one past the end)."""
        with self.lock:
            for i, seg in enumerate(self.segments):
                if sample < seg.end:
                    return i
            return len(self.segments) - 1

    def bar_sample(self, segment: Segment, bar: int) -> int:
        """Timeline sample where ``bar`` (counted in the segment's song) starts."""
        i = int(np.clip(bar - segment.from_bar, 0, len(segment.bar_samples) - 1))
        return segment.start + int(segment.bar_samples[i])

    def to_report(self) -> list[dict]:
        """Segments as report dictionaries."""
        with self.lock:
            return [s.to_dict(self.sample_rate) for s in self.segments]

    # ------------------------------------------------------------------ events
    def _song_segment(self, song: Song, from_bar: int, to_bar: int, start: int, block: int,
                      label: str | None) -> Segment:
        sr = self.sample_rate
        t0, t1 = song.bar_time(from_bar), song.bar_time(to_bar)
        end = int(round((t1 - t0) * sr))

        def to_sample(t: np.ndarray) -> np.ndarray:
            return np.round((np.asarray(t, np.float64) - t0) * sr)

        events = _song_events(song, t0, t1, end, to_sample)
        bar_samples = np.round((song.downbeats[from_bar:to_bar + 1] - t0) * sr).astype(np.int64)
        return Segment(kind="song", label=label or song.title, start=start, length=end,
                       block=block, events=events, bar_samples=bar_samples, song=song,
                       from_bar=from_bar, to_bar=to_bar, songs=(song,),
                       tempo_from=float(song.bar_tempo[from_bar]),
                       tempo_to=float(song.bar_tempo[to_bar - 1]))

    def add_crossfade(self, a: Song, b: Song, a_bar: int, b_bar: int,
                      tempo_from: float, tempo_to: float, bars: int = 2) -> Segment:
        """Append a beat-matched crossfade of A's bars from ``a_bar`` and B's from ``b_bar``.

        A's bars ``[a_bar, a_bar + bars)`` fade out while B's ``[b_bar, b_bar + bars)`` fade
        in, each placed sixteenth for sixteenth in its own meter on one tempo ramp, so their
        beats coincide; the segment lasts B's bars (B carries on after it), and A's music
        past that is left out when A's bars are longer. Expression (CC 11) follows an
        equal-power curve. A plays on the segment's channel block, B on the next one. To
        crossfade at a MixPlan, cut A at ``exit_bar - bars``, crossfade ``(exit_bar - bars,
        entry_bar)`` and continue B from ``entry_bar + bars``.
        """
        with self.lock:
            block = self._next_block("crossfade")
            sr = self.sample_rate
            steps_b = [b.bar_steps(b_bar + k) for k in range(bars)]
            n_steps = int(sum(steps_b))
            ramp = ramp_step_times(n_steps, tempo_from, tempo_to) * sr
            end = int(round(ramp[-1]))
            parts = []
            for song, first_bar, chan_offset, fade_in in (
                    (a, a_bar, 0, False), (b, b_bar, CHANNELS_PER_BLOCK, True)):
                lo, hi = max(first_bar, 0), int(np.clip(first_bar + bars, 0, song.n_bars))
                if hi <= lo:
                    continue
                # Canvas steps (16 a bar) of each of the song's bars -> its real sixteenths.
                real = np.array([song.bar_steps(k) for k in range(first_bar,
                                                                   first_bar + bars)], float)
                canvas_x = np.arange(bars + 1) * STEPS_PER_BAR
                real_x = np.concatenate([[0.0], np.cumsum(real)])
                stop = min(real_x[-1], n_steps)
                t0 = song.bar_time(lo)
                t1 = float(song.step_time(first_bar * STEPS_PER_BAR
                                          + np.interp(stop, real_x, canvas_x)))
                t1 = min(t1, song.bar_time(hi))

                def to_sample(t: np.ndarray, song: Song = song, first: int = first_bar,
                              canvas_x: np.ndarray = canvas_x, real_x: np.ndarray = real_x
                              ) -> np.ndarray:
                    steps = song.step_position(np.asarray(t, np.float64)) - first * STEPS_PER_BAR
                    return np.round(np.interp(np.interp(steps, canvas_x, real_x),
                                              np.arange(n_steps + 1), ramp))

                ev = _song_events(song, t0, t1, end, to_sample)
                ev["chan"] += chan_offset
                k = np.arange(n_steps + 1)
                x = k / n_steps
                gain = np.sin(np.pi / 2 * x) if fade_in else np.cos(np.pi / 2 * x)
                parts.append(_faded(ev, np.round(ramp).astype(np.int64), gain))
            events = _sort(np.concatenate(parts)) if parts else np.zeros(0, EVENT_DTYPE)
            bar_at = np.concatenate([[0], np.cumsum(steps_b)]).astype(int)
            seg = Segment(kind="crossfade", label=f"{a.title} + {b.title}", start=self.length,
                          length=end, block=block, events=events,
                          bar_samples=np.round(ramp[bar_at]).astype(np.int64),
                          songs=(a, b), from_bar=a_bar, to_bar=b_bar,
                          tempo_from=float(tempo_from), tempo_to=float(tempo_to))
            self.segments.append(seg)
            self._changed()
            return seg

    def _bridge_segment(self, bridge: Bridge, a: Song | None, b: Song | None,
                        tempo_from: float, tempo_to: float, start: int, block: int) -> Segment:
        sr = self.sample_rate
        times = ramp_step_times(bridge.n_steps, tempo_from, tempo_to)
        samples = np.round(times * sr).astype(np.int64)
        end = int(samples[-1])
        rows = _bridge_voice_rows(bridge, samples) if bridge.voices else \
            _bridge_family_rows(bridge)
        for n in bridge.notes:
            ch = _bridge_channel(bridge, n)
            if ch is None:
                continue
            s = int(samples[min(n.start, bridge.n_steps - 1)])
            e = int(samples[min(max(n.end, n.start + 1), bridge.n_steps)])
            rows.append((s, NOTE_ON, ch, n.pitch, n.velocity))
            rows.append((max(e, s + 1), NOTE_OFF, ch, n.pitch, 0))
        bar_samples = samples[bridge.bar_starts]
        names = " + ".join(s.title for s in (a, b) if s is not None)
        return Segment(kind="bridge", label=names or "bridge", start=start, length=end,
                       block=block, events=_pack(rows), bar_samples=bar_samples, bridge=bridge,
                       songs=tuple(s for s in (a, b) if s is not None),
                       tempo_from=float(tempo_from), tempo_to=float(tempo_to))


_FAMILY_CHANNEL = {DRUMS: DRUM_CHANNEL, 1: 0, 2: 1, 3: 2, 4: 3}
#: Channels of a bridge's pitched voices, in order (the drum channel is left out).
_VOICE_CHANNELS = tuple(c for c in range(CHANNELS_PER_BLOCK) if c != DRUM_CHANNEL)


def _bridge_channel(bridge: Bridge, n: BridgeNote) -> int | None:
    """The channel of a bridge note within its block (None: its family plays nothing)."""
    if n.voice >= 0 and bridge.voices:
        v = bridge.voices[n.voice]
        if v.is_drum:
            return DRUM_CHANNEL
        pitched = sum(1 for w in bridge.voices[:n.voice] if not w.is_drum)
        return _VOICE_CHANNELS[pitched % len(_VOICE_CHANNELS)]
    if n.family >= len(bridge.programs) or bridge.programs[n.family] is None:
        return None
    return _FAMILY_CHANNEL[n.family]


def _bridge_family_rows(bridge: Bridge) -> list[tuple[int, int, int, int, int]]:
    """Set-up of a canvas bridge: one channel per family with its program."""
    rows: list[tuple[int, int, int, int, int]] = []
    for fam in range(N_FAMILIES):
        prog = bridge.programs[fam] if fam < len(bridge.programs) else None
        if prog is None:
            continue
        ch = _FAMILY_CHANNEL[fam]
        rows += [(0, CC, ch, _CC_RESET_ALL, 0), (0, CC, ch, _CC_VOLUME, 100),
                 (0, CC, ch, _CC_PAN, 64)]
        if fam != DRUMS:
            rows.append((0, PROGRAM, ch, int(prog), 0))
    return rows


def _bridge_voice_rows(bridge: Bridge, samples: np.ndarray
                       ) -> list[tuple[int, int, int, int, int]]:
    """Set-up of an arranged bridge: each voice's program and controller state.

    Pitched voices get a channel each; the drum voices share the drum channel, each one's
    controller state applied where its first hit plays.
    """
    from .bridge import BridgeNote

    rows: list[tuple[int, int, int, int, int]] = []
    first_hit: dict[int, int] = {}
    for n in bridge.notes:
        if n.voice >= 0:
            first_hit[n.voice] = min(first_hit.get(n.voice, n.start), n.start)
    drum_reset = False
    for i, v in enumerate(bridge.voices):
        ch = _bridge_channel(bridge, BridgeNote(v.family, 0, 0, 1, 1, i))
        assert ch is not None
        at = 0
        if v.is_drum:
            if i not in first_hit:
                continue
            at = int(samples[first_hit[i]]) if drum_reset else 0
        if not v.is_drum or not drum_reset:
            rows += [(0, CC, ch, _CC_RESET_ALL, 0), (0, CC, ch, _CC_VOLUME, 100),
                     (0, CC, ch, _CC_PAN, 64)]
            drum_reset = drum_reset or v.is_drum
        if not v.is_drum:
            rows.append((0, PROGRAM, ch, int(v.program), 0))
        rows += [(at, CC, ch, num, val) for num, val in v.ccs if num != _CC_SUSTAIN]
    return rows


def _faded(ev: np.ndarray, step_samples: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """``ev`` with its expression (CC 11) scaled by ``gain`` over the steps of a fade.

    The song's own expression changes are kept, scaled by the gain where they fall, and at
    every step each channel's expression is set again to its current value times the gain.
    """
    expr = (ev["kind"] == CC) & (ev["a"] == _CC_EXPRESSION)
    out = ev.copy()
    at = np.clip(np.searchsorted(step_samples, ev["sample"][expr], side="right") - 1, 0,
                 len(gain) - 1)
    out["b"][expr] = np.round(ev["b"][expr] * gain[at])
    rows = []
    own = ev[expr]
    for ch in np.unique(ev["chan"]):
        mine = own[own["chan"] == ch]
        idx = np.searchsorted(mine["sample"], step_samples, side="right") - 1
        value = np.where(idx >= 0, mine["b"][np.maximum(idx, 0)], 127) if len(mine) else \
            np.full(len(step_samples), 127)
        fade = np.zeros(len(step_samples), EVENT_DTYPE)
        fade["sample"], fade["kind"], fade["chan"] = step_samples, CC, ch
        fade["a"], fade["b"] = _CC_EXPRESSION, np.round(value * gain)
        rows.append(fade)
    return np.concatenate([out, *rows])


def _song_events(song: Song, t0: float, t1: float, end: int,
                 to_sample: Callable[[np.ndarray], np.ndarray],
                 skip_ccs: tuple[int, ...] = ()) -> np.ndarray:
    """Events of ``song`` between ``t0`` and ``t1`` seconds, placed by ``to_sample``.

    Every used channel first gets a controller reset, default volume and pan, its program,
    then the controller and pitch-bend state the song had reached at ``t0``; notes that
    start in the window sound until their end or the window's; the pedal lifts at the end.
    """
    rows: list[tuple[int, int, int, int, int]] = []
    timed: list[np.ndarray] = []  # (time, kind, chan, a, b) inside the window
    blocks: list[np.ndarray] = []
    state_ccs = np.array(_STATE_CCS)
    chans = _assign_channels(song)
    for i, (inst, ch) in enumerate(zip(song.tracks, chans)):
        if ch is None:
            continue
        rows += [(0, CC, ch, _CC_RESET_ALL, 0), (0, CC, ch, _CC_VOLUME, 100),
                 (0, CC, ch, _CC_PAN, 64)]
        if not inst.is_drum:
            rows.append((0, PROGRAM, ch, inst.program, 0))
        # Controller and pitch-bend state up to the window, replayed at its start.
        cc = song.cc_arrays[i]
        if skip_ccs:
            cc = cc[~np.isin(cc[:, 1], skip_ccs)]
        before = cc[(cc[:, 0] < t0) & np.isin(cc[:, 1], state_ccs)]
        for num in np.unique(before[:, 1]):
            rows.append((0, CC, ch, int(num), int(before[before[:, 1] == num][-1, 2])))
        win = cc[(cc[:, 0] >= t0) & (cc[:, 0] < t1)]
        timed.append(np.column_stack([win[:, 0], np.full(len(win), CC), np.full(len(win), ch),
                                      win[:, 1], win[:, 2]]))
        bends = song.bend_arrays[i]
        earlier = bends[bends[:, 0] < t0]
        if len(earlier) and earlier[-1, 1]:
            rows.append((0, BEND, ch, int(earlier[-1, 1]), 0))
        win = bends[(bends[:, 0] >= t0) & (bends[:, 0] < t1)]
        timed.append(np.column_stack([win[:, 0], np.full(len(win), BEND),
                                      np.full(len(win), ch), win[:, 1], np.zeros(len(win))]))
        if len(song.note_arrays[i]):
            blocks.append(_note_events(song.note_arrays[i], ch, t0, t1, end, to_sample))
        rows.append((end, CC, ch, _CC_SUSTAIN, 0))
    if timed:
        t = np.concatenate(timed)
        ev = np.zeros(len(t), EVENT_DTYPE)
        ev["sample"] = np.clip(to_sample(t[:, 0]), 0, end)
        ev["kind"], ev["chan"], ev["a"], ev["b"] = t[:, 1], t[:, 2], t[:, 3], t[:, 4]
        blocks.append(ev)
    # The resets and replayed state go first: at a shared sample the stable sort keeps them
    # ahead of controller changes that fall exactly on the window's start.
    blocks.insert(0, np.array(rows, dtype=EVENT_DTYPE) if rows else np.zeros(0, EVENT_DTYPE))
    return _sort(np.concatenate(blocks))


def _pack(rows: list[tuple[int, int, int, int, int]]) -> np.ndarray:
    return _sort(np.array(rows, dtype=EVENT_DTYPE) if rows else np.zeros(0, EVENT_DTYPE))


def _sort(ev: np.ndarray) -> np.ndarray:
    """Order by sample, then kind; stable, so equal events keep their order."""
    return ev[np.lexsort((ev["kind"], ev["sample"]))]


def _note_events(notes: np.ndarray, ch: int, t0: float, t1: float, end: int,
                 to_sample: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Note-on and note-off events of the notes starting in [t0, t1), ended at the cut.

    ``notes`` is (n, 4): start, end, pitch, velocity.
    """
    arr = notes[(notes[:, 0] >= t0 - 1e-6) & (notes[:, 0] < t1 - 1e-6)]
    on = np.clip(to_sample(arr[:, 0]), 0, end).astype(np.int64)
    off = np.clip(to_sample(np.minimum(arr[:, 1], t1)), 0, end).astype(np.int64)
    off = np.maximum(off, np.minimum(on + 1, end))
    ev = np.zeros(2 * len(arr), EVENT_DTYPE)
    ev["sample"] = np.concatenate([on, off])
    ev["kind"] = np.repeat(np.array([NOTE_ON, NOTE_OFF], np.int8), len(arr))
    ev["chan"] = ch
    ev["a"] = np.tile(arr[:, 2], 2)
    ev["b"] = np.concatenate([arr[:, 3], np.zeros(len(arr))])
    return ev


def _assign_channels(song: Song) -> list[int | None]:
    """A channel 0-15 per instrument: drums on 9, others by program, shared past 15."""
    chans: list[int | None] = []
    by_program: dict[int, int] = {}
    free = [c for c in range(CHANNELS_PER_BLOCK) if c != DRUM_CHANNEL]
    n_used = 0
    for inst in song.tracks:
        if not inst.n_notes and not inst.n_controls:
            chans.append(None)
        elif inst.is_drum:
            chans.append(DRUM_CHANNEL)
        elif n_used < len(free):
            chans.append(free[n_used])
            by_program.setdefault(inst.program, free[n_used])
            n_used += 1
        else:
            chans.append(by_program.get(inst.program, free[inst.program % len(free)]))
    return chans
