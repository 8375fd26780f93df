"""The Bridge: two composed bars between songs, the composer interface and the rule composer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ..constants import STEPS_PER_BAR
from .families import BASS, DRUMS, GUITAR, N_FAMILIES, PIANO, STRINGS
from .key import Key, key_scale
from .song import Voice

__all__ = [
    "BRIDGE_BARS",
    "STEPS_PER_BAR",
    "CONTEXT_BARS",
    "BridgeNote",
    "Bridge",
    "BridgeContext",
    "BridgeComposer",
    "RuleComposer",
    "arrange",
    "fill_silences",
]

log = logging.getLogger(__name__)

BRIDGE_BARS = 2
#: Bars of context handed to a composer on each side of the gap (zero-padded when short).
CONTEXT_BARS = 4
#: Most voices (instruments) of each song a bridge plays on; drums share one channel.
MAX_VOICES = 7


@dataclass(frozen=True)
class BridgeNote:
    """One note of a bridge on its step grid.

    ``voice`` indexes :attr:`Bridge.voices` (-1: the family's default instrument).
    """

    family: int
    pitch: int
    start: int
    end: int
    velocity: int
    voice: int = -1


@dataclass
class Bridge:
    """Two bars of notes composed to join song A to song B.

    A composer writes on a *canvas* of 16 steps a bar, whatever the songs' meter, with one
    instrument per family (``programs[f]``, ``None`` when the family is silent).
    :func:`arrange` then lays it out in the songs' meters: ``bar_steps`` holds the real
    sixteenth notes of each bar (4/4: 16, 3/4 and 6/8: 12, 7/8: 14) and every note is played
    by one of ``voices``, the songs' own instruments with their controller state. The
    timeline turns steps (sixteenth notes) into time with a tempo ramp from A's tempo to B's.
    """

    notes: list[BridgeNote]
    programs: tuple[int | None, ...]
    composer: str
    n_bars: int = BRIDGE_BARS
    timings_ms: float = 0.0
    bar_steps: tuple[int, ...] = ()
    voices: tuple[Voice, ...] = ()

    @property
    def steps_per_bar(self) -> tuple[int, ...]:
        """Steps of each bar (16 a bar on a composer's canvas)."""
        return self.bar_steps or (STEPS_PER_BAR,) * self.n_bars

    @property
    def n_steps(self) -> int:
        return int(sum(self.steps_per_bar))

    @property
    def bar_starts(self) -> np.ndarray:
        """(n_bars + 1,) step where each bar starts, and the end."""
        return np.concatenate([[0], np.cumsum(self.steps_per_bar)]).astype(np.int64)

    def pianoroll(self) -> tuple[np.ndarray, np.ndarray]:
        """(active, onset) bool arrays of shape (n_steps, 5, 128)."""
        active = np.zeros((self.n_steps, N_FAMILIES, 128), bool)
        onset = np.zeros_like(active)
        for n in self.notes:
            active[n.start:n.end, n.family, n.pitch] = True
            onset[n.start, n.family, n.pitch] = True
        return active, onset


@dataclass
class BridgeContext:
    """What a composer sees: the bars of A before the exit and of B from the entry.

    ``before_*`` hold A's last ``CONTEXT_BARS`` bars before the exit bar, ``after_*`` B's
    first ``CONTEXT_BARS`` bars from the entry bar, each (CONTEXT_BARS*16, 5, 128) bool,
    zero-padded on the far side when a song is short (``before_bars``/``after_bars`` say how
    many bars are real). Programs and velocities are per family (None/0 where absent).
    """

    before_active: np.ndarray
    before_onset: np.ndarray
    after_active: np.ndarray
    after_onset: np.ndarray
    programs_a: tuple[int | None, ...]
    programs_b: tuple[int | None, ...]
    velocity_a: tuple[int, ...]
    velocity_b: tuple[int, ...]
    key_a: Key
    key_b: Key
    tempo_a: float
    tempo_b: float
    before_bars: int = CONTEXT_BARS
    after_bars: int = CONTEXT_BARS
    seed: int = 0
    genre: str = ""
    #: Sixteenth notes in A's last bar and in B's entry bar (their meters).
    steps_a: int = STEPS_PER_BAR
    steps_b: int = STEPS_PER_BAR
    #: The instruments playing in A's last bars and B's first bars, busiest first.
    voices_a: tuple[Voice, ...] = ()
    voices_b: tuple[Voice, ...] = ()

    def bridge_programs(self) -> tuple[int | None, ...]:
        """Program per family for the bridge: A's where A has the family, else B's."""
        return tuple(a if a is not None else b for a, b in zip(self.programs_a, self.programs_b))

    def velocity(self, family: int, frac: float) -> int:
        """Velocity for ``family`` at fraction ``frac`` (0 = A side, 1 = B side) of the bridge."""
        va, vb = self.velocity_a[family], self.velocity_b[family]
        if not va:
            va = vb
        if not vb:
            vb = va
        v = (1 - frac) * (va or 80) + frac * (vb or 80)
        return min(127, max(1, round(v)))  # called per note: no numpy on scalars


@runtime_checkable
class BridgeComposer(Protocol):
    """Anything that composes a Bridge from a BridgeContext."""

    name: str

    def compose(self, ctx: BridgeContext) -> Bridge:
        """Compose the bridge for ``ctx``."""
        ...


def _last_bar(roll: np.ndarray, bars: int, first: bool) -> np.ndarray:
    """The bar nearest the gap: last real bar of ``before`` or first bar of ``after``."""
    if first:
        return roll[:STEPS_PER_BAR]
    return roll[-STEPS_PER_BAR:] if bars else roll[:0]


def _register(active: np.ndarray, family: int, default: int) -> int:
    pitches = np.nonzero(active[:, family, :].any(0))[0]
    return int(np.median(pitches)) if len(pitches) else default


def _triad(root: int, minor: bool) -> list[int]:
    return [root % 12, (root + (3 if minor else 4)) % 12, (root + 7) % 12]


def _voice(pcs: list[int], center: int, low: int = 28, high: int = 100) -> list[int]:
    """Place each pitch class in the octave nearest ``center``."""
    out = []
    for pc in pcs:
        p = center - ((center - pc) % 12)
        if center - p > 6:
            p += 12
        out.append(int(np.clip(p, low, high)))
    return sorted(set(out))


class RuleComposer:
    """Rule-based bridge: A's last drum and bass rhythms carry on while the harmony moves to B.

    Bar 1 plays A's tonic chord, bar 2 the dominant of B's key (or B's tonic when the keys
    agree), so B enters on a resolution. Pitched families keep A's rhythm (B's where A lacks
    the family); strings hold whole-bar chords when they have no rhythm of their own.
    """

    name = "rule"

    def compose(self, ctx: BridgeContext) -> Bridge:
        a_act = _last_bar(ctx.before_active, ctx.before_bars, first=False)
        a_on = _last_bar(ctx.before_onset, ctx.before_bars, first=False)
        b_act = _last_bar(ctx.after_active, ctx.after_bars, first=True)
        b_on = _last_bar(ctx.after_onset, ctx.after_bars, first=True)
        programs = ctx.bridge_programs()
        chords = [
            _triad(ctx.key_a.tonic, ctx.key_a.minor),
            _triad(ctx.key_b.tonic + 7, False) if ctx.key_a != ctx.key_b
            else _triad(ctx.key_b.tonic, ctx.key_b.minor),
        ]
        notes: list[BridgeNote] = []
        for fam in range(N_FAMILIES):
            if programs[fam] is None:
                continue
            use_a = a_on.shape[0] and a_on[:, fam].any()
            src_on = a_on if use_a else b_on
            src_act = a_act if use_a else b_act
            if src_on.shape[0] == 0 or not src_on[:, fam].any():
                continue
            if fam == DRUMS:
                for bar in range(BRIDGE_BARS):
                    for step, pitch in zip(*np.nonzero(src_on[:, DRUMS])):
                        s = bar * STEPS_PER_BAR + int(step)
                        v = ctx.velocity(DRUMS, s / (BRIDGE_BARS * STEPS_PER_BAR))
                        notes.append(BridgeNote(DRUMS, int(pitch), s, s + 1, v))
                continue
            onsets = np.nonzero(src_on[:, fam].any(1))[0]
            if fam == STRINGS and len(onsets) > 4:
                onsets = np.array([0])
            center = _register(np.concatenate([a_act, b_act]), fam,
                               {PIANO: 60, GUITAR: 55, BASS: 38, STRINGS: 64}[fam])
            for bar, chord in enumerate(chords):
                pitches = _voice(chord[:1] if fam == BASS else chord, center)
                for i, step in enumerate(onsets):
                    nxt = onsets[i + 1] if i + 1 < len(onsets) else STEPS_PER_BAR
                    length = max(1, int(nxt - step))
                    held = src_act[step:step + length, fam].any(1).sum()
                    s = bar * STEPS_PER_BAR + int(step)
                    e = s + max(1, int(held))
                    v = ctx.velocity(fam, s / (BRIDGE_BARS * STEPS_PER_BAR))
                    # As many chord tones as the source struck there, nearest the centre first.
                    k = max(1, int(src_on[step, fam].sum())) if fam != STRINGS or \
                        len(onsets) > 1 else len(pitches)
                    near = sorted(pitches, key=lambda p: abs(p - center))[:k]
                    notes.extend(BridgeNote(fam, p, s, e, v) for p in sorted(near))
        return Bridge(notes=notes, programs=programs, composer=self.name)


def fill_silences(bridge: Bridge, max_gap: int = 1) -> Bridge:
    """Hold pitched notes across stretches where nothing sounds for more than ``max_gap`` steps.

    A composed bridge may leave a beat where only a drum hit (one step long) or nothing at
    all plays; played between two songs that is heard as a gap. The pitched notes that last
    sounded before such a stretch are held to its end; a silent opening is filled by the
    first pitched notes starting at step 0 instead.
    """
    pitched = [n for n in bridge.notes if n.family != DRUMS]
    if not pitched:
        return bridge
    n_steps = bridge.n_steps
    notes = list(bridge.notes)
    first = min(n.start for n in pitched)
    if first > max_gap:
        sound = np.zeros(n_steps, bool)
        for n in notes:
            sound[n.start:n.end] = True
        if not sound[:first].any() or first > 4 * max_gap:
            notes = [_moved(n, start=0) if n.family != DRUMS and n.start == first else n
                     for n in notes]
    for _ in range(n_steps):
        sound = np.zeros(n_steps + 1, bool)
        for n in notes:
            sound[n.start:n.end] = True
        sound[n_steps] = True
        silent = np.nonzero(~sound)[0]
        runs = [r for r in np.split(silent, np.nonzero(np.diff(silent) > 1)[0] + 1)
                if len(r) > max_gap]
        if not runs:
            break
        start, stop = int(runs[0][0]), int(runs[0][-1]) + 1
        held = [n for n in notes if n.family != DRUMS and n.end <= start]
        if not held:
            break
        last_end = max(n.end for n in held)
        grow = {id(n) for n in held if n.end == last_end}
        notes = [_moved(n, end=stop) if id(n) in grow else n for n in notes]
    return _with_notes(bridge, notes)


def _moved(n: BridgeNote, start: int | None = None, end: int | None = None) -> BridgeNote:
    return BridgeNote(n.family, n.pitch, n.start if start is None else start,
                      n.end if end is None else end, n.velocity, n.voice)


def _with_notes(bridge: Bridge, notes: list[BridgeNote]) -> Bridge:
    return Bridge(notes=notes, programs=bridge.programs, composer=bridge.composer,
                  n_bars=bridge.n_bars, timings_ms=bridge.timings_ms,
                  bar_steps=bridge.bar_steps, voices=bridge.voices)


def arrange(canvas: Bridge, ctx: BridgeContext) -> Bridge:
    """Lay a composer's canvas out in the songs' meters, on the songs' own instruments.

    Bar 1 takes A's meter and bar 2 B's: canvas step ``s`` of a bar lands on sixteenth
    ``round(s * steps / 16)`` of it. Each note is played by the instrument of its family
    nearest in register, A's in bar 1 and B's in bar 2 (the other song's when one lacks the
    family), at that instrument's own velocity and controller state, so the bridge keeps
    the band and its level and hands A's instruments over to B's.
    """
    if canvas.n_bars != BRIDGE_BARS or canvas.bar_steps:
        return canvas
    steps = (int(ctx.steps_a), int(ctx.steps_b))
    offsets = (0, steps[0])
    total = steps[0] + steps[1]
    drums_a = [v for v in ctx.voices_a if v.is_drum][:1]
    drums_b = [v for v in ctx.voices_b if v.is_drum][:1]
    side_a = drums_a + [v for v in ctx.voices_a if not v.is_drum][:MAX_VOICES]
    side_b = drums_b + [v for v in ctx.voices_b if not v.is_drum][:MAX_VOICES]
    voices = tuple(side_a + side_b)
    sides = (range(len(side_a)), range(len(side_a), len(voices)))

    def place(step: int) -> int:
        bar = min(max(step, 0) // STEPS_PER_BAR, BRIDGE_BARS - 1)
        pos = step - bar * STEPS_PER_BAR
        return int(offsets[bar] + round(pos * steps[bar] / STEPS_PER_BAR))

    out: dict[tuple[int, int, int], BridgeNote] = {}
    for n in canvas.notes:
        bar = min(n.start // STEPS_PER_BAR, BRIDGE_BARS - 1)
        cands = [i for i in sides[bar] if voices[i].family == n.family] or [
            i for i in sides[1 - bar] if voices[i].family == n.family]
        start = min(place(n.start), total - 1)
        end = min(max(place(n.end), start + 1), total)
        if n.family == DRUMS:
            end = start + 1
        if not cands:
            if voices:
                continue  # neither song plays this family here
            out[(-1, n.pitch, start)] = _moved(n, start=start, end=end)
            continue
        v = min(cands, key=lambda i: (abs(voices[i].pitch - n.pitch), -voices[i].notes))
        base = ctx.velocity(n.family, n.start / (BRIDGE_BARS * STEPS_PER_BAR))
        vel = int(np.clip(round(voices[v].velocity * n.velocity / max(base, 1)), 1, 127))
        key = (v, n.pitch, start)
        old = out.get(key)
        if old is None or old.end < end:
            out[key] = BridgeNote(n.family, n.pitch, start, end, vel, v)
    notes = _land_in_key(sorted(out.values(), key=lambda n: (n.start, n.family, n.pitch)),
                         ctx.key_b, total, max(1, steps[1] // _beats(steps[1])))
    return Bridge(notes=notes, programs=canvas.programs, composer=canvas.composer,
                  n_bars=canvas.n_bars, timings_ms=canvas.timings_ms, bar_steps=steps,
                  voices=voices)


def _beats(steps: int) -> int:
    """Felt beats in a bar of ``steps`` sixteenths: dotted quarters when it divides by 6."""
    if steps % 6 == 0 and steps > 6:
        return steps // 6
    return max(1, steps // 4)


def _land_in_key(notes: list[BridgeNote], key: Key, total: int, beat: int
                 ) -> list[BridgeNote]:
    """Move pitched notes sounding in the bridge's last beat into B's scale (by a semitone).

    B enters on its own harmony; a last beat outside its key is heard as a wrong note just
    before it. The minor scale also admits its raised 7th.
    """
    scale = set(int(p) for p in key_scale(key))
    if key.minor:
        scale.add((key.tonic + 11) % 12)
    last = total - beat
    out = []
    for n in notes:
        if n.family != DRUMS and n.end > last and n.pitch % 12 not in scale:
            down, up = n.pitch - 1, n.pitch + 1
            pitch = down if down % 12 in scale else up
            n = BridgeNote(n.family, pitch, n.start, n.end, n.velocity, n.voice)
        out.append(n)
    return out
