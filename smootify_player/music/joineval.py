"""Measure what a listener hears at a rendered join: dead air, level dip, meter, key, texture."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy.signal import lfilter

from .key import Key, key_scale
from .timeline import CC, NOTE_OFF, NOTE_ON, PROGRAM

__all__ = [
    "BROKEN_RULE",
    "DEAD_AIR_MS",
    "DIP_DB",
    "CLEAN_RULE",
    "BEAT_JUMP_MAX",
    "beat_jump",
    "ECHO_GRID",
    "ECHO_LOOP",
    "bar_note_set",
    "echo",
    "JUMP_DB",
    "GRID_TOL_S",
    "JoinMetrics",
    "JoinSpan",
    "METER_TOL",
    "ON_GRID_MIN",
    "TEXTURE_MIN",
    "beat_quarters",
    "evaluate_join",
    "evaluate_joins",
    "find_joins",
    "frame_levels",
    "is_compound",
    "k_weight",
    "key_landing",
    "level_dip",
    "longest_quiet_run",
    "loudness_db",
    "meter_at",
    "typical_meter",
    "meter_fit",
    "ramp_quarters",
    "ramp_sample",
    "segment_notes",
    "texture",
]

#: Longest tolerated quiet run around a join, in ms.
DEAD_AIR_MS = 300.0
#: A join quieter than the music around it by more than this (dB, negative) is a level dip.
DIP_DB = -6.0
#: A join louder than the music around it by more than this (dB) is a level jump.
JUMP_DB = 6.0
#: A join bar whose length in quarter notes is off the song's bar by more than this fraction.
METER_TOL = 0.10
#: Fewest note onsets on the meter's subdivision grid, as a fraction of the join's onsets.
ON_GRID_MIN = 0.6
#: Tolerance of an onset around a grid point, in seconds.
GRID_TOL_S = 0.035
#: Largest tolerated ratio between consecutive quarter notes across a join (:func:`beat_jump`).
BEAT_JUMP_MAX = 1.25
#: Fewest notes per quarter in the join, as a fraction of those around it.
TEXTURE_MIN = 0.5
#: A 10 ms frame this many dB below the excerpt's median frame level is quiet.
SILENCE_DB = 40.0
#: Floor of every level in dB (digital silence reads as this, never -inf).
FLOOR_DB = -70.0
#: Shortest stretch measured K-weighted (a BS.1770 block); shorter ones use RMS dB.
MIN_LOUDNESS_S = 0.4
#: Seconds of music either side of a join searched for dead air.
AIR_WINDOW_S = 2.0
#: Seconds either side of a cut taken as the "join" for the level dip.
CUT_SPAN_S = 1.0

BROKEN_RULE = (f"broken = dead air > {DEAD_AIR_MS:.0f} ms, or level dip < {DIP_DB:.0f} dB or "
               f"jump > +{JUMP_DB:.0f} dB, or "
               f"a meter break (a join bar off the song's bar by > {METER_TOL:.0%} in quarter "
               f"notes, or < {ON_GRID_MIN:.0%} of the join's onsets on the meter's grid "
               f"± {GRID_TOL_S * 1000:.0f} ms), or a beat break (two consecutive quarter "
               f"notes differ in length by > {BEAT_JUMP_MAX - 1:.0%}), or texture ratio "
               f"(notes per quarter) < {TEXTURE_MIN} (not for a cut)")

#: A clean join also keeps its level within this many dB of the music around it,
CLEAN_LEVEL_DB = 3.0
#: its notes per quarter within this range of those around it,
CLEAN_DENSITY = (0.5, 2.0)
#: and lands this share of its last beat in B's key.
CLEAN_KEY_MIN = 0.75
CLEAN_RULE = (f"clean = not broken, level within ±{CLEAN_LEVEL_DB:.0f} dB of the music around "
              f"it, notes per quarter {CLEAN_DENSITY[0]}–{CLEAN_DENSITY[1]:.0f}× those around "
              f"it, and ≥ {CLEAN_KEY_MIN:.0%} of the last beat in B's key (the last two not "
              f"for a cut)")

_COMPOUND = (6, 9, 12)
_DRUM_CHANNEL = 9


# ---------------------------------------------------------------------- joins in a timeline
@dataclass
class JoinSpan:
    """Where one join sits in a timeline's segments.

    Attributes
    ----------
    a, b : Segment
        A's song segment before the join and B's song segment after it.
    join : Segment or None
        The bridge or crossfade segment; None for a straight cut.
    kind : str
        ``"bridge"``, ``"crossfade"`` or ``"cut"``.
    exit_bar : int
        First bar of A not played (for a crossfade, A's bars up to it play inside the join).
    entry_bar : int
        B's first bar played (inside the join for a crossfade).
    """

    a: Any
    join: Any
    b: Any
    kind: str
    exit_bar: int
    entry_bar: int

    @property
    def song_a(self) -> Any:
        """A's Song."""
        return self.a.song

    @property
    def song_b(self) -> Any:
        """B's Song."""
        return self.b.song

    @property
    def start(self) -> int:
        """Timeline sample where the join begins (the cut point for a cut)."""
        return self.join.start if self.join is not None else self.b.start

    @property
    def end(self) -> int:
        """Timeline sample where B's segment begins."""
        return self.b.start


def find_joins(segments: Sequence[Any]) -> list[JoinSpan]:
    """Every join of a timeline: song → bridge/crossfade → song, or song → song (a cut).

    Parameters
    ----------
    segments : sequence of Segment
        ``timeline.segments``; each has ``kind``, ``start``, ``length``, ``bar_samples``,
        ``events``, ``song``, ``songs``, ``from_bar``, ``to_bar``, ``tempo_from``, ``tempo_to``.

    Returns
    -------
    list of JoinSpan
        In timeline order.
    """
    out: list[JoinSpan] = []
    segs = list(segments)
    for i, a in enumerate(segs[:-1]):
        if a.kind != "song":
            continue
        nxt = segs[i + 1]
        if nxt.kind == "song":
            out.append(JoinSpan(a, None, nxt, "cut", int(a.to_bar), int(nxt.from_bar)))
        elif i + 2 < len(segs) and segs[i + 2].kind == "song":
            b = segs[i + 2]
            if nxt.kind == "crossfade":
                n_bars = len(nxt.bar_samples) - 1
                exit_bar, entry_bar = int(nxt.from_bar) + n_bars, int(nxt.to_bar)
            else:
                exit_bar, entry_bar = int(a.to_bar), int(b.from_bar)
            out.append(JoinSpan(a, nxt, b, str(nxt.kind), exit_bar, entry_bar))
    return out


# ---------------------------------------------------------------------- levels
def frame_levels(audio: np.ndarray, sample_rate: int, frame_ms: float = 10.0) -> np.ndarray:
    """Level in dB (full scale, floored at -120) of consecutive frames of ``audio``.

    Parameters
    ----------
    audio : np.ndarray
        (n,) mono or (n, channels) float samples in [-1, 1].
    sample_rate : int
        Hz.
    frame_ms : float
        Frame length; a partial last frame is dropped.

    Returns
    -------
    np.ndarray
        (n_frames,) mean power over the frame and the channels, in dB.
    """
    x = np.asarray(audio, np.float64)
    if x.ndim == 1:
        x = x[:, None]
    hop = max(1, int(round(sample_rate * frame_ms / 1000.0)))
    n = len(x) // hop
    if n == 0:
        return np.zeros(0)
    power = (x[:n * hop] ** 2).reshape(n, hop, x.shape[1]).mean(axis=(1, 2))
    return 10.0 * np.log10(np.maximum(power, 1e-12))


def longest_quiet_run(audio: np.ndarray, sample_rate: int, lo: int, hi: int,
                      music: tuple[int, int] | None = None, frame_ms: float = 10.0,
                      silence_db: float = SILENCE_DB) -> tuple[float, int]:
    """Longest run of quiet frames between samples ``lo`` and ``hi``: (ms, first sample).

    A frame is quiet when its level is more than ``silence_db`` below the median frame level
    of the music (samples ``music[0]:music[1]``, default the whole of ``audio``).

    Parameters
    ----------
    audio : np.ndarray
        (n,) or (n, channels) float samples.
    sample_rate : int
        Hz.
    lo, hi : int
        The window searched, in samples (clipped to the audio).
    music : tuple of int, optional
        The stretch whose median frame level is the reference.
    frame_ms : float
        Frame length.
    silence_db : float
        How far below the median a quiet frame lies.

    Returns
    -------
    tuple of (float, int)
        Milliseconds (a multiple of ``frame_ms``; 0 when nothing is quiet) and the sample
        where the run starts (``lo`` when there is none).
    """
    hop = max(1, int(round(sample_rate * frame_ms / 1000.0)))
    levels = frame_levels(audio, sample_rate, frame_ms)
    if not len(levels):
        return 0.0, int(lo)
    m0, m1 = music if music is not None else (0, len(levels) * hop)
    ref = levels[max(m0 // hop, 0):max(m1 // hop, m0 // hop + 1)]
    median = float(np.median(ref if len(ref) else levels))
    f0, f1 = max(int(lo) // hop, 0), min(-(-int(hi) // hop), len(levels))
    quiet = levels[f0:f1] < median - silence_db
    if not quiet.any():
        return 0.0, int(lo)
    edges = np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    k = int(np.argmax(stops - starts))
    return float((stops[k] - starts[k]) * frame_ms), int((f0 + starts[k]) * hop)


def k_weight(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """``audio`` through the ITU-R BS.1770 K-weighting filters (pyloudnorm's two stages).

    Parameters
    ----------
    audio : np.ndarray
        (n,) or (n, channels) float samples.
    sample_rate : int
        Hz.

    Returns
    -------
    np.ndarray
        (n, channels) float64, filtered along time.
    """
    from pyloudnorm import IIRfilter  # an optional dependency (extras "bench" and "test")

    x = np.asarray(audio, np.float64)
    if x.ndim == 1:
        x = x[:, None]
    stages = (IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, sample_rate, "high_shelf"),
              IIRfilter(0.0, 0.5, 38.0, sample_rate, "high_pass"))
    for st in stages:
        x = st.passband_gain * lfilter(st.b, st.a, x, axis=0)
    return x


def _power_db(x: np.ndarray, lufs: bool) -> float:
    """Level of ``x`` in dB, floored at ``FLOOR_DB``.

    ``lufs``: BS.1770's -0.691 + 10 log10 of the per-channel mean powers summed (``x``
    already K-weighted); else RMS dB over all channels.
    """
    if not x.size:
        return FLOOR_DB
    x = x[:, None] if x.ndim == 1 else x
    power = float((x ** 2).mean(0).sum()) if lufs else float((x ** 2).mean())
    if power <= 0:
        return FLOOR_DB
    return max((-0.691 if lufs else 0.0) + 10.0 * math.log10(power), FLOOR_DB)


def loudness_db(audio: np.ndarray, sample_rate: int, use_lufs: bool | None = None
                ) -> tuple[float, str]:
    """Loudness of ``audio``: K-weighted (LUFS scale, ungated) or RMS dB.

    The K-weighted loudness is BS.1770's (pyloudnorm's filters, -0.691 dB offset, channel
    powers summed) over the whole stretch without gating, so a silent half of a join lowers
    it as a listener hears it.

    Parameters
    ----------
    audio : np.ndarray
        (n,) or (n, channels) float samples.
    sample_rate : int
        Hz.
    use_lufs : bool, optional
        Force the measure; by default LUFS for at least ``MIN_LOUDNESS_S`` seconds, else RMS.

    Returns
    -------
    tuple of (float, str)
        The level, floored at ``FLOOR_DB`` (silence is never -inf), and ``"lufs"`` or ``"rms"``.
    """
    x = np.asarray(audio, np.float64)
    if use_lufs is None:
        use_lufs = len(x) >= MIN_LOUDNESS_S * sample_rate
    if use_lufs and len(x):
        return _power_db(k_weight(x, sample_rate), True), "lufs"
    return _power_db(x, False), "rms"


def level_dip(audio: np.ndarray, sample_rate: int, join: tuple[int, int],
              before: tuple[int, int], after: tuple[int, int]) -> dict[str, Any]:
    """How far the join's loudness lies outside the range of the music before and after it.

    A join between a loud song and a quiet one is heard as a handover when its level lies
    anywhere between theirs; a dip is a join quieter than both sides (negative, dB below
    the quieter one), a jump one louder than both (positive, dB above the louder one).

    Every stretch is measured K-weighted (:func:`loudness_db`) when all three last at least
    ``MIN_LOUDNESS_S``, else all in RMS dB, so the difference never mixes the two scales.
    The audio is K-weighted once as a whole, so no stretch starts with a filter transient.

    Parameters
    ----------
    audio : np.ndarray
        (n,) or (n, channels) float samples.
    sample_rate : int
        Hz.
    join, before, after : tuple of int
        Sample ranges ``(lo, hi)``: the join, A's last bars, B's first bars.

    Returns
    -------
    dict
        ``dip_db`` (negative: quieter than both sides, positive: louder than both, 0 in
        between), ``join_db``, ``before_db``, ``after_db`` and ``scale`` (``"lufs"`` or
        ``"rms"``).
    """
    ranges = [(max(int(lo), 0), max(int(hi), 0)) for lo, hi in (join, before, after)]
    use_lufs = all(hi - lo >= MIN_LOUDNESS_S * sample_rate for lo, hi in ranges)
    if use_lufs:
        lo_all = min(lo for lo, _ in ranges)
        hi_all = max(hi for _, hi in ranges)
        weighted = k_weight(np.asarray(audio)[lo_all:hi_all], sample_rate)
        lj, la, lb = (_power_db(weighted[lo - lo_all:hi - lo_all], True) for lo, hi in ranges)
    else:
        lj, la, lb = (_power_db(np.asarray(audio, np.float64)[lo:hi], False) for lo, hi in ranges)
    dip = lj - float(np.clip(lj, min(la, lb), max(la, lb)))
    return {"dip_db": dip, "join_db": lj, "before_db": la, "after_db": lb,
            "scale": "lufs" if use_lufs else "rms"}


# ---------------------------------------------------------------------- meter and tempo ramp
def typical_meter(song: Any, bars: range, near_end: bool = False) -> tuple[int, int]:
    """The commonest meter of ``bars`` (inside the song): a pickup bar or a short last bar
    does not stand for the song's meter. Ties go to the first bar (``near_end``: the last).
    """
    inside = [b for b in bars if 0 <= b < song.n_bars] or [max(min(bars.start, song.n_bars - 1),
                                                               0)]
    meters = [meter_at(song, song.bar_time(b)) for b in inside]
    if near_end:
        meters.reverse()
    return max(meters, key=lambda m: (meters.count(m), -meters.index(m)))


def meter_at(song: Any, seconds: float) -> tuple[int, int]:
    """(numerator, denominator) in effect at ``seconds`` from ``song.time_signatures``.

    Parameters
    ----------
    song : Song
        Anything with ``time_signatures``: a list of (time_s, numerator, denominator).
    seconds : float
        Time in the song.
    """
    num, den = 4, 4
    for t, n, d in sorted(getattr(song, "time_signatures", None) or [(0.0, 4, 4)]):
        if t <= seconds + 1e-3:
            num, den = int(n), int(d)
    return num, den


def is_compound(num: int, den: int) -> bool:
    """True for compound meters: 6/8, 9/8, 12/8 (and /16)."""
    return den >= 8 and num in _COMPOUND


def beat_quarters(num: int, den: int) -> float:
    """Length of the meter's beat in quarter notes: a dotted quarter in 6/8, else 4/den."""
    return 12.0 / den if is_compound(num, den) else 4.0 / den


def _ramp_total(dur: float, t0: float, t1: float) -> float:
    """Quarter notes in ``dur`` seconds of a geometric ramp from ``t0`` to ``t1`` BPM."""
    r = t1 / t0
    return dur * t0 * math.log(r) / (60.0 * (1.0 - 1.0 / r))


def ramp_quarters(samples: np.ndarray | float, length: int, sample_rate: int,
                  tempo_from: float, tempo_to: float) -> np.ndarray:
    """Quarter notes elapsed at ``samples`` of a segment under a geometric tempo ramp.

    The tempo (quarter notes per minute) changes by the same ratio every quarter, from
    ``tempo_from`` at the segment's start to ``tempo_to`` at its end, as a musician would
    speed up or slow down evenly (and as the timeline's ramp over 16th steps does).

    Parameters
    ----------
    samples : np.ndarray or float
        Positions in samples from the segment's start.
    length : int
        The segment's length in samples.
    sample_rate : int
        Hz.
    tempo_from, tempo_to : float
        BPM at the start and at the end.
    """
    t = np.asarray(samples, np.float64) / sample_rate
    dur = max(length / sample_rate, 1e-9)
    t0, t1 = max(float(tempo_from), 1e-3), max(float(tempo_to), 1e-3)
    if abs(t1 - t0) < 1e-6 * t0:
        return t * t0 / 60.0
    lnr = math.log(t1 / t0)
    total = _ramp_total(dur, t0, t1)
    x = np.maximum(1.0 - t * t0 * lnr / (60.0 * total), 1e-12)
    return -total / lnr * np.log(x)


def ramp_sample(quarters: np.ndarray | float, length: int, sample_rate: int,
                tempo_from: float, tempo_to: float) -> np.ndarray:
    """Inverse of :func:`ramp_quarters`: the sample (from the segment's start) at ``quarters``."""
    q = np.asarray(quarters, np.float64)
    dur = max(length / sample_rate, 1e-9)
    t0, t1 = max(float(tempo_from), 1e-3), max(float(tempo_to), 1e-3)
    if abs(t1 - t0) < 1e-6 * t0:
        return q * 60.0 / t0 * sample_rate
    r = t1 / t0
    total = _ramp_total(dur, t0, t1)
    return 60.0 * total / (t0 * math.log(r)) * (1.0 - r ** (-q / total)) * sample_rate


def _ramp_tempo(samples: np.ndarray, length: int, sample_rate: int, tempo_from: float,
                tempo_to: float) -> np.ndarray:
    """BPM at ``samples`` of the ramp of :func:`ramp_quarters`."""
    dur = max(length / sample_rate, 1e-9)
    t0, t1 = max(float(tempo_from), 1e-3), max(float(tempo_to), 1e-3)
    if abs(t1 - t0) < 1e-6 * t0:
        return np.full(np.shape(samples), t0)
    total = _ramp_total(dur, t0, t1)
    t = np.asarray(samples, np.float64) / sample_rate
    return t0 / np.maximum(1.0 - t * t0 * math.log(t1 / t0) / (60.0 * total), 1e-12)


def beat_jump(span: Any, sample_rate: int) -> float:
    """Largest ratio between the lengths of two consecutive quarter notes across a join.

    The quarters run from A's last one (its tempo at the exit) through the join (the
    ramp's quarters) to B's first (its tempo at the entry). A cut jumps straight from A's
    tempo to B's; a ratio of 1.25 means a beat that comes a quarter of a beat early or late,
    which is heard as a stumble, a beat dropped or doubled.
    """
    song_a, song_b = span.song_a, span.song_b
    qa = 60.0 / float(song_a.bar_tempo[int(np.clip(span.exit_bar - 1, 0, song_a.n_bars - 1))])
    qb = 60.0 / float(song_b.bar_tempo[int(np.clip(span.entry_bar, 0, song_b.n_bars - 1))])
    periods = [qa]
    j = span.join
    if j is not None and j.length > 0:
        q_total = float(ramp_quarters(j.length, j.length, sample_rate, j.tempo_from,
                                      j.tempo_to))
        marks = np.arange(0.0, q_total + 1e-6, 1.0)
        if q_total - marks[-1] > 0.25:
            marks = np.append(marks, q_total)
        t = ramp_sample(marks, j.length, sample_rate, j.tempo_from, j.tempo_to) / sample_rate
        d = np.diff(t) / np.maximum(np.diff(marks), 1e-9)
        periods += [float(x) for x in d]
    periods.append(qb)
    p = np.asarray(periods)
    return float(np.max(np.maximum(p[1:] / p[:-1], p[:-1] / p[1:])))


def _grid_distance_q(pos_q: np.ndarray, grids: Sequence[float]) -> np.ndarray:
    """Distance in quarters from each position to the nearest point of any grid."""
    d = np.full(np.shape(pos_q), np.inf)
    for g in grids:
        d = np.minimum(d, np.abs(pos_q - g * np.round(pos_q / g)))
    return d


def meter_fit(join: Any, sample_rate: int, meter_a: tuple[int, int],
              meter_b: tuple[int, int],
              b_meters: Sequence[tuple[int, int]] | None = None) -> dict[str, Any]:
    """Bar lengths and beat grid of a join segment against the meters of A and B.

    Bridge: bar 1 (the first half of the bars) is compared with A's meter at its exit, the
    last bar (the second half) with B's meter at its entry; a single bar with both.
    Crossfade: its bars are B's (B carries on after it) and are compared with B's meter
    bar by bar (``b_meters``: a pickup bar may differ from the next), while A's part (the
    first channel block) is judged on A's own grid, its bars counted from the segment's
    start; so an A stretched onto bars of another length falls off it.

    Note-on onsets (drums too) are on the grid when within ``GRID_TOL_S`` of a 16th of
    their bar's meter (anchored on the bar's downbeat); compound meters (6/8, 9/8, 12/8)
    also accept a 16th of the dotted beat (a quarter of 1.5 quarters). A meter break is a
    bar off by more than ``METER_TOL`` or fewer than ``ON_GRID_MIN`` of the onsets on the
    grid. Bar quarters follow the segment's tempo ramp (:func:`ramp_quarters`).

    Parameters
    ----------
    join : Segment
        The bridge or crossfade segment.
    sample_rate : int
        Hz.
    meter_a, meter_b : tuple of int
        (numerator, denominator) of A at its exit and of B at its entry.
    b_meters : sequence of tuple of int, optional
        For a crossfade, the meter of each of B's bars in it (default: ``meter_b``).

    Returns
    -------
    dict
        ``bar_quarters`` and ``expected_quarters`` (lists), ``meter_error`` (largest relative
        error), ``on_grid`` (fraction, None without onsets), ``onsets`` and ``meter_break``.
    """
    bars = np.asarray(join.bar_samples, np.int64)
    length = int(join.length)
    tf, tt = float(join.tempo_from), float(join.tempo_to)
    q = ramp_quarters(bars, length, sample_rate, tf, tt)
    bar_q = np.diff(q)
    n = len(bar_q)
    crossfade = join.kind == "crossfade"
    if crossfade:
        meters = [tuple(m) for m in (b_meters or ())][:n]
        meters += [meter_b] * (n - len(meters))
    else:
        meters = [meter_a if i < n / 2 or n == 1 else meter_b for i in range(n)]
    expected = [4.0 * m[0] / m[1] for m in meters]
    errors = [abs(b - e) / e for b, e in zip(bar_q, expected)]
    if n == 1 and not crossfade:
        eb = 4.0 * meter_b[0] / meter_b[1]
        errors.append(abs(bar_q[0] - eb) / eb)
    on_grid, n_onsets = _on_grid(join, sample_rate, q, meters, meter_a if crossfade else None)
    meter_error = float(max(errors)) if errors else 0.0
    broken = meter_error > METER_TOL or (on_grid is not None and on_grid < ON_GRID_MIN)
    return {"bar_quarters": [round(float(b), 3) for b in bar_q],
            "expected_quarters": [round(e, 3) for e in expected],
            "meter_error": meter_error, "on_grid": on_grid, "onsets": n_onsets,
            "meter_break": bool(broken)}


def _on_grid(join: Any, sample_rate: int, q: np.ndarray, meters: list,
             meter_a: tuple[int, int] | None) -> tuple[float | None, int]:
    """Share of the join's note-ons within ``GRID_TOL_S`` of their bar's grid, and their
    count; with ``meter_a`` (a crossfade) A's block is judged on A's own bars instead."""
    bars = np.asarray(join.bar_samples, np.int64)
    length, n = int(join.length), len(bars) - 1
    tf, tt = float(join.tempo_from), float(join.tempo_to)
    ev = join.events
    sel = ev["kind"] == NOTE_ON
    on = np.asarray(ev["sample"][sel], np.int64)
    chan = np.asarray(ev["chan"][sel], np.int64)
    keep = (on >= bars[0]) & (on < bars[-1]) if n else np.zeros(len(on), bool)
    on, chan = on[keep], chan[keep]
    if not len(on):
        return None, 0
    q_on = ramp_quarters(on, length, sample_rate, tf, tt)
    dist_q = np.empty(len(on))
    idx = np.clip(np.searchsorted(bars, on, side="right") - 1, 0, n - 1)
    in_a = (chan < 16) if meter_a is not None else np.zeros(len(on), bool)
    for i in range(n):
        mine = (idx == i) & ~in_a
        grids = (0.25, 0.375) if is_compound(*meters[i]) else (0.25,)
        dist_q[mine] = _grid_distance_q(q_on[mine] - q[i], grids)
    if meter_a is not None and in_a.any():
        a_bar = 4.0 * meter_a[0] / meter_a[1]
        grids = (0.25, 0.375) if is_compound(*meter_a) else (0.25,)
        dist_q[in_a] = _grid_distance_q(np.mod(q_on[in_a] - q[0], a_bar), grids)
    dist_s = dist_q * 60.0 / _ramp_tempo(on, length, sample_rate, tf, tt)
    return float(np.mean(dist_s <= GRID_TOL_S)), int(len(on))


# ---------------------------------------------------------------------- notes of a segment
_NOTE_DTYPE = np.dtype([("on", np.int64), ("off", np.int64), ("chan", np.int16),
                        ("pitch", np.int16), ("vel", np.int16), ("program", np.int16),
                        ("gain", np.float64)])


def segment_notes(segment: Any) -> np.ndarray:
    """Notes of a segment, paired from its events.

    Parameters
    ----------
    segment : Segment
        Its ``events`` (sample, kind, chan, a, b) are read in order.

    Returns
    -------
    np.ndarray
        Structured (n,) array: ``on``, ``off`` (samples from the segment's start; a note never
        released ends at the segment's end), ``chan``, ``pitch``, ``vel``, ``program`` (-1 on
        a drum channel) and ``gain`` (CC 7 × CC 11 of the channel at the note-on, 0-1).
    """
    ev = segment.events
    end = int(segment.length)
    program: dict[int, int] = {}
    vol: dict[int, int] = {}
    expr: dict[int, int] = {}
    open_notes: dict[tuple[int, int], list[int]] = {}
    rows: list[list[int | float]] = []
    for s, k, c, a, b in zip(ev["sample"].tolist(), ev["kind"].tolist(), ev["chan"].tolist(),
                             ev["a"].tolist(), ev["b"].tolist()):
        if k == PROGRAM:
            program[c] = a
        elif k == CC:
            if a == 7:
                vol[c] = b
            elif a == 11:
                expr[c] = b
            elif a == 121:
                expr[c] = 127
        elif k == NOTE_ON and b > 0:
            drum = c % 16 == _DRUM_CHANNEL
            gain = vol.get(c, 100) / 127.0 * expr.get(c, 127) / 127.0
            open_notes.setdefault((c, a), []).append(len(rows))
            rows.append([s, end, c, a, b, -1 if drum else program.get(c, 0), gain])
        elif k == NOTE_OFF or (k == NOTE_ON and b == 0):
            stack = open_notes.get((c, a))
            if stack:
                rows[stack.pop(0)][1] = s
    out = np.zeros(len(rows), _NOTE_DTYPE)
    for i, name in enumerate(_NOTE_DTYPE.names or ()):
        out[name] = [r[i] for r in rows]
    return out


def _cc_gain(segment: Any, chans: np.ndarray, at: np.ndarray) -> np.ndarray:
    """CC 7 × CC 11 (0-1) of each channel in ``chans`` at samples ``at``."""
    ev = segment.events
    gain = np.empty(len(chans))
    for i, (c, s) in enumerate(zip(chans.tolist(), at.tolist())):
        sel = (ev["kind"] == CC) & (ev["chan"] == c) & (ev["sample"] <= s)
        vals = {7: 100, 11: 127}
        for num in (7, 11):
            hit = ev["b"][sel & (ev["a"] == num)]
            if len(hit):
                vals[num] = int(hit[-1])
        gain[i] = vals[7] / 127.0 * vals[11] / 127.0
    return gain


def key_landing(join: Any, sample_rate: int, key: Key, beat_q: float) -> float | None:
    """Share of the pitched sound in the join's last beat that lies in ``key``'s scale.

    The last beat is the last ``beat_q`` quarter notes of the segment's tempo ramp. Every
    pitched note sounding there counts by its overlap with the beat times its channel's
    CC 7 × CC 11 gain (so a crossfade's faded-out A hardly counts). Minor keys take the
    natural minor scale plus the raised 7th.

    Parameters
    ----------
    join : Segment
        The bridge or crossfade segment.
    sample_rate : int
        Hz.
    key : Key
        B's key at its entry.
    beat_q : float
        Length of B's beat in quarter notes.

    Returns
    -------
    float or None
        Fraction 0-1, or None when no pitched note sounds in the last beat.
    """
    length = int(join.length)
    total_q = float(ramp_quarters(length, length, sample_rate, join.tempo_from, join.tempo_to))
    lo = int(ramp_sample(max(total_q - beat_q, 0.0), length, sample_rate,
                         join.tempo_from, join.tempo_to))
    notes = segment_notes(join)
    notes = notes[(notes["program"] >= 0) & (notes["on"] < length) & (notes["off"] > lo)]
    if not len(notes):
        return None
    a, b = np.maximum(notes["on"], lo), np.minimum(notes["off"], length)
    weight = np.maximum(b - a, 0) * _cc_gain(join, notes["chan"], (a + b) // 2)
    if weight.sum() <= 0:
        return None
    scale = set(key_scale(key).tolist())
    if key.minor:
        scale.add((key.tonic + 11) % 12)
    inside = np.isin(notes["pitch"] % 12, sorted(scale))
    return float(weight[inside].sum() / weight.sum())


def _instruments(notes: np.ndarray) -> set[int]:
    """GM programs of the notes, -1 for drums."""
    return {int(p) for p in np.unique(notes["program"])}


def texture(join: Any, sample_rate: int, a: Any, b: Any, meter_a: tuple[int, int],
            meter_b: tuple[int, int]) -> dict[str, Any]:
    """Notes per quarter and instruments of the join against A's last and B's first bar.

    Parameters
    ----------
    join : Segment
        The bridge or crossfade segment.
    sample_rate : int
        Hz.
    a, b : Segment
        A's and B's song segments around it.
    meter_a, meter_b : tuple of int
        A's meter in its last bar, B's in its first.

    Returns
    -------
    dict
        ``density_ratio`` (the join's note-ons, pitched and drums, per quarter note over the
        mean of A's last bar and B's first bar; 1.0 when both are empty), ``density_join``,
        ``density_around``, ``instrument_ratio`` (share of A's last-bar instruments, by
        program with drums as one, that play in the join) and ``instruments_a``,
        ``instruments_join`` (lists of programs, -1 for drums).
    """
    length = int(join.length)
    total_q = float(ramp_quarters(length, length, sample_rate, join.tempo_from, join.tempo_to))
    jn = segment_notes(join)
    density_join = len(jn) / max(total_q, 1e-9)
    an, bn = segment_notes(a), segment_notes(b)
    a_bars, b_bars = np.asarray(a.bar_samples), np.asarray(b.bar_samples)
    a_lo = int(a_bars[-2]) if len(a_bars) >= 2 else 0
    a_last = an[an["on"] >= a_lo]
    b_hi = int(b_bars[1]) if len(b_bars) >= 2 else int(b.length)
    b_first = bn[bn["on"] < b_hi]
    da = len(a_last) / (4.0 * meter_a[0] / meter_a[1])
    db = len(b_first) / (4.0 * meter_b[0] / meter_b[1])
    around = (da + db) / 2.0
    ratio = density_join / around if around > 0 else 1.0
    inst_a, inst_j = _instruments(a_last), _instruments(jn)
    inst_ratio = len(inst_a & inst_j) / len(inst_a) if inst_a else 1.0
    return {"density_ratio": float(ratio), "density_join": float(density_join),
            "density_around": float(around), "instrument_ratio": float(inst_ratio),
            "instruments_a": sorted(inst_a), "instruments_join": sorted(inst_j)}


#: Positions a bar's onsets are rounded to when bars are compared (a fraction of the bar).
ECHO_GRID = 48
#: A bridge bar this similar to the song bar beside it is that bar heard twice (a loop).
ECHO_LOOP = 0.9


def bar_note_set(segment: Any, k: int, notes: np.ndarray | None = None
                 ) -> frozenset[tuple[int, int]]:
    """The pitched notes starting in bar ``k`` of ``segment`` as (pitch, position) pairs.

    Positions are onsets as a fraction of the bar rounded to 1/:data:`ECHO_GRID`, so bars
    of different tempi compare; ``k`` counts from the segment's first bar (-1: its last).
    """
    bars = np.asarray(segment.bar_samples)
    n = len(bars) - 1
    if n < 1 or not -n <= k < n:
        return frozenset()
    k %= n
    lo, hi = int(bars[k]), int(bars[k + 1])
    notes = segment_notes(segment) if notes is None else notes
    sel = notes[(notes["on"] >= lo) & (notes["on"] < hi) & (notes["program"] >= 0)]
    pos = np.rint((sel["on"] - lo) / max(hi - lo, 1) * ECHO_GRID).astype(np.int64)
    return frozenset(zip(sel["pitch"].tolist(), pos.tolist()))


def _jaccard(x: frozenset, y: frozenset) -> float | None:
    return len(x & y) / len(x | y) if x or y else None


def echo(join: Any, a: Any, b: Any) -> dict[str, Any]:
    """How far a bridge repeats the bars beside it, against how far the songs repeat
    themselves: a bridge that copies A's last bar and B's first bar makes the listener
    hear each of them twice, a loop rather than a transition.

    Parameters
    ----------
    join : Segment
        The bridge (a crossfade plays the songs' own bars: not measured).
    a, b : Segment
        A's and B's song segments around it.

    Returns
    -------
    dict
        ``echo_a``: Jaccard similarity of the pitched (pitch, onset position) sets of the
        bridge's first bar and A's last bar; ``echo_b``: of its last bar and B's first bar;
        ``echo``: the larger; ``self_a``, ``self_b``: the same measure between A's last two
        bars and B's first two (how much the music repeats itself); ``loop``: ``echo`` at
        least :data:`ECHO_LOOP`. Similarities are None where both bars are silent.
    """
    jn, an, bn = segment_notes(join), segment_notes(a), segment_notes(b)
    j0, j1 = bar_note_set(join, 0, jn), bar_note_set(join, -1, jn)
    echo_a = _jaccard(j0, bar_note_set(a, -1, an))
    echo_b = _jaccard(j1, bar_note_set(b, 0, bn))
    self_a = _jaccard(bar_note_set(a, -2, an), bar_note_set(a, -1, an))
    self_b = _jaccard(bar_note_set(b, 0, bn), bar_note_set(b, 1, bn))
    known = [e for e in (echo_a, echo_b) if e is not None]
    top = max(known) if known else None
    return {"echo_a": echo_a, "echo_b": echo_b, "echo": top, "self_a": self_a,
            "self_b": self_b, "loop": top is not None and top >= ECHO_LOOP}


# ---------------------------------------------------------------------- one join
@dataclass
class JoinMetrics:
    """What a listener hears at one join, and whether it is broken.

    A join is broken (:data:`BROKEN_RULE`) when any of these holds: dead air longer than
    ``DEAD_AIR_MS`` (300 ms) within 2 s of the join; a level dip below ``DIP_DB`` (-6 dB)
    or a jump above ``JUMP_DB`` (+6 dB);
    a meter break (a join bar more than ``METER_TOL`` (10 %) off its song's bar length in
    quarter notes, or fewer than ``ON_GRID_MIN`` (60 %) of the join's onsets within
    ``GRID_TOL_S`` (35 ms) of the meter's grid); or, for a bridge or a crossfade (not a
    cut), a texture ratio (notes per quarter, join over the bars around it) below
    ``TEXTURE_MIN`` (0.5).

    Attributes
    ----------
    kind : str
        ``"bridge"``, ``"crossfade"`` or ``"cut"``.
    start_s, end_s : float
        The join in the audio (equal for a cut).
    dead_air_ms : float
        Longest quiet run within 2 s either side of the join.
    dead_air_at_s : float
        Where that run starts, in seconds from the join's start (negative: in A).
    level_dip_db : float
        Loudness of the join minus the mean of A's last 2 bars and B's first 2 bars.
    loudness : dict
        ``join_db``, ``before_db``, ``after_db`` and ``scale``.
    meter_a, meter_b : str
        A's meter at its exit and B's at its entry, such as ``"6/8"``.
    meter : dict
        :func:`meter_fit` (for a cut: no bars, no break).
    key_b : str
        B's key at its entry.
    key_landing : float or None
        :func:`key_landing` (None for a cut or a silent last beat).
    texture : dict
        :func:`texture` (ratios 1.0 for a cut).
    reasons : list of str
        Why the join is broken; empty when it is not.
    echo : dict
        :func:`echo` for a bridge (empty for a crossfade or a cut); not a rule of
        :data:`BROKEN_RULE`, reported beside it.
    """

    kind: str
    start_s: float
    end_s: float
    dead_air_ms: float
    dead_air_at_s: float
    level_dip_db: float
    loudness: dict
    meter_a: str
    meter_b: str
    meter: dict
    key_b: str
    key_landing: float | None
    texture: dict
    beat_jump: float = 1.0
    reasons: list[str] = field(default_factory=list)
    echo: dict = field(default_factory=dict)

    @property
    def broken(self) -> bool:
        """True when any rule of :data:`BROKEN_RULE` fires."""
        return bool(self.reasons)

    @property
    def clean(self) -> bool:
        """Not broken, and within the bridge targets (:data:`CLEAN_RULE`)."""
        landing_ok = self.key_landing is None or self.key_landing >= CLEAN_KEY_MIN
        return (not self.broken and abs(self.level_dip_db) <= CLEAN_LEVEL_DB
                and CLEAN_DENSITY[0] <= self.density_ratio <= CLEAN_DENSITY[1]
                and landing_ok)

    @property
    def meter_break(self) -> bool:
        """True when a join bar or its onsets do not fit the songs' meters."""
        return bool(self.meter.get("meter_break", False))

    @property
    def density_ratio(self) -> float:
        """Notes per quarter in the join over those around it."""
        return float(self.texture.get("density_ratio", 1.0))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of every field plus ``broken`` and ``rule``; floats rounded."""
        d = asdict(self)
        d["broken"] = self.broken
        d["rule"] = BROKEN_RULE
        d["clean"] = self.clean
        return _rounded(d)


def _rounded(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 4) if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_rounded(v) for v in x]
    return x


def _meter_name(m: tuple[int, int]) -> str:
    return f"{m[0]}/{m[1]}"


def evaluate_join(audio: np.ndarray, sample_rate: int, segments: Sequence[Any],
                  index: int = 0) -> JoinMetrics:
    """Measure join number ``index`` of a rendered timeline.

    Parameters
    ----------
    audio : np.ndarray
        (n, 2) float32 render of the timeline (a release tail after it is fine).
    sample_rate : int
        Hz.
    segments : sequence of Segment
        ``timeline.segments``: A's last bars, the join (or none: a cut), B's first bars.
    index : int
        Which join of :func:`find_joins`.

    Returns
    -------
    JoinMetrics
        Every measure; ``reasons`` lists the rules of :data:`BROKEN_RULE` that fire.

    Raises
    ------
    ValueError
        When the segments hold no such join.
    """
    joins = find_joins(segments)
    if not 0 <= index < len(joins):
        raise ValueError(f"no join {index} among {len(joins)} in the timeline")
    span = joins[index]
    segs = list(segments)
    sr = int(sample_rate)
    j, song_a, song_b = span.join, span.song_a, span.song_b
    meter_a = typical_meter(song_a, range(span.exit_bar - 4, span.exit_bar), near_end=True)
    meter_b = typical_meter(song_b, range(span.entry_bar, span.entry_bar + 4))

    win = int(AIR_WINDOW_S * sr)
    music = (segs[0].start, segs[-1].end)
    air, air_at = longest_quiet_run(audio, sr, max(span.start - win, music[0]),
                                    min(span.end + win, music[1]), music)
    air_in = "A" if air_at < span.start else ("the join" if air_at < span.end else "B")
    dip = _join_level(audio, sr, span)
    key = song_b.key_at(span.entry_bar + 4)
    meter, landing, tex = _notes_measures(span, sr, meter_a, meter_b, key)
    jump = beat_jump(span, sr)
    reasons = _reasons(air, (air_at - span.start) / sr, air_in, dip["dip_db"], meter,
                       (meter_a, meter_b), jump, tex if j is not None else None)
    return JoinMetrics(
        kind=span.kind, start_s=span.start / sr, end_s=span.end / sr, dead_air_ms=air,
        dead_air_at_s=(air_at - span.start) / sr if air > 0 else 0.0,
        level_dip_db=float(dip.pop("dip_db")), loudness=dip,
        meter_a=_meter_name(meter_a), meter_b=_meter_name(meter_b), meter=meter,
        key_b=key.name, key_landing=landing, texture=tex, beat_jump=jump, reasons=reasons,
        echo=echo(j, span.a, span.b) if span.kind == "bridge" else {})


def _notes_measures(span: JoinSpan, sr: int, meter_a: tuple[int, int],
                    meter_b: tuple[int, int], key: Key
                    ) -> tuple[dict[str, Any], float | None, dict[str, Any]]:
    """Meter fit, key landing and texture of the join's notes (neutral for a cut)."""
    j, song_b = span.join, span.song_b
    if j is None:
        return ({"bar_quarters": [], "expected_quarters": [], "meter_error": 0.0,
                 "on_grid": None, "onsets": 0, "meter_break": False}, None,
                {"density_ratio": 1.0, "density_join": 0.0, "density_around": 0.0,
                 "instrument_ratio": 1.0, "instruments_a": [], "instruments_join": []})
    b_meters = [meter_at(song_b, song_b.bar_time(span.entry_bar + k))
                for k in range(len(j.bar_samples) - 1)]
    return (meter_fit(j, sr, meter_a, meter_b, b_meters),
            key_landing(j, sr, key, beat_quarters(*meter_b)),
            texture(j, sr, span.a, span.b, meter_a, meter_b))


def _join_level(audio: np.ndarray, sr: int, span: JoinSpan) -> dict[str, Any]:
    """:func:`level_dip` of the join (1 s either side of a cut) against A's last 2 bars and
    B's first 2."""
    a, b, j = span.a, span.b, span.join
    a_bars, b_bars = np.asarray(a.bar_samples), np.asarray(b.bar_samples)
    before = (a.start + int(a_bars[max(len(a_bars) - 3, 0)]), a.end)
    after = (b.start, b.start + int(b_bars[min(2, len(b_bars) - 1)]))
    if j is None:
        cut = int(CUT_SPAN_S * sr)
        join_span = (span.start - cut, span.start + cut)
    else:
        join_span = (j.start, j.end)
    return level_dip(audio, sr, join_span, before, after)


def _reasons(air: float, air_from_s: float, air_in: str, dip_db: float, meter: dict,
             meters: tuple[tuple[int, int], tuple[int, int]], jump: float,
             tex: dict | None) -> list[str]:
    """The rules of :data:`BROKEN_RULE` that fire, one short line each."""
    reasons = []
    if air > DEAD_AIR_MS:
        reasons.append(f"dead air {air:.0f} ms (from {air_from_s:+.2f} s, in {air_in})")
    if dip_db < DIP_DB:
        reasons.append(f"level dip {dip_db:.1f} dB")
    if dip_db > JUMP_DB:
        reasons.append(f"level jump {dip_db:+.1f} dB")
    if meter["meter_break"]:
        bars = "/".join(f"{q:.2g}" for q in meter["bar_quarters"])
        want = "/".join(f"{q:.2g}" for q in meter["expected_quarters"])
        grid = "" if meter["on_grid"] is None else f", {meter['on_grid']:.0%} on grid"
        reasons.append(f"meter break ({_meter_name(meters[0])}→{_meter_name(meters[1])}: "
                       f"bars of {bars} quarters for {want}{grid})")
    if jump > BEAT_JUMP_MAX:
        reasons.append(f"beat break (a quarter {jump - 1:.0%} longer or shorter than the last)")
    if tex is not None and tex["density_ratio"] < TEXTURE_MIN:
        reasons.append(f"texture {tex['density_ratio']:.2f}× the notes around it")
    return reasons


def evaluate_joins(audio: np.ndarray, sample_rate: int,
                   segments: Sequence[Any]) -> list[JoinMetrics]:
    """:func:`evaluate_join` for every join of the timeline, in order."""
    return [evaluate_join(audio, sample_rate, segments, i)
            for i in range(len(find_joins(segments)))]
