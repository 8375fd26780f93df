"""Song: a MIDI file analysed into a bar grid, per-bar features, key and a 5-family pianoroll."""

from __future__ import annotations

import copy
import hashlib
import io
import stat
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np

from ..errors import UserFacingError, one_line
from ._midi import pretty_midi
from .families import FAMILIES, N_FAMILIES, family_of
from .features import STEPS_PER_BAR, BarFeatures, bar_features
from .key import Key, estimate_key
from .smf import repair_smf

__all__ = ["Song", "SongError", "TempoMap", "Track", "Voice", "MAX_BARS", "STATE_CCS",
           "DETAILS_HELD", "clear_cache", "keep_details"]

#: Longest song analysed (about 1.5 hours at 120 BPM); longer files are refused.
MAX_BARS = 3000
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Songs whose notes stay in memory besides those kept (:func:`keep_details`), the most
#: recently used: a join needs two, a mix of a playlist two at a time.
DETAILS_HELD = 4
#: Controllers that shape how an instrument sounds (bank, modulation, volume, pan,
#: expression, sustain, sound and effect controllers); their state is carried across cuts.
STATE_CCS: tuple[int, ...] = (0, 1, 7, 10, 11, 32, 64, 66, 67, 71, 72, 73, 74, 91, 93)


class SongError(UserFacingError):
    """A MIDI file that cannot be used; ``str()`` is one line naming the file and the reason."""


class TempoMap:
    """Piecewise-linear mapping between MIDI ticks and seconds."""

    def __init__(self, resolution: int, tick_scales: list[tuple[int, float]]):
        self.resolution = resolution
        ticks = np.array([t for t, _ in tick_scales], dtype=np.float64)
        scales = np.array([s for _, s in tick_scales], dtype=np.float64)
        self._ticks, self._scales = ticks, scales
        self._times = np.concatenate([[0.0], np.cumsum(np.diff(ticks) * scales[:-1])])

    def time(self, tick: np.ndarray | float) -> np.ndarray:
        """Seconds at ``tick`` (vectorised)."""
        tick = np.asarray(tick, dtype=np.float64)
        i = np.clip(np.searchsorted(self._ticks, tick, side="right") - 1, 0, None)
        return self._times[i] + (tick - self._ticks[i]) * self._scales[i]

    def tick(self, time: np.ndarray | float) -> np.ndarray:
        """Ticks at ``time`` seconds (vectorised, fractional)."""
        time = np.asarray(time, dtype=np.float64)
        i = np.clip(np.searchsorted(self._times, time, side="right") - 1, 0, None)
        return self._ticks[i] + (time - self._times[i]) / self._scales[i]

    def bpm(self, tick: np.ndarray | float) -> np.ndarray:
        """Tempo in quarter notes per minute at ``tick``."""
        tick = np.asarray(tick, dtype=np.float64)
        i = np.clip(np.searchsorted(self._ticks, tick, side="right") - 1, 0, None)
        return 60.0 / (self._scales[i] * self.resolution)


@dataclass(frozen=True)
class Track:
    """What the timeline needs of one of the file's instruments (the notes live in arrays)."""

    program: int
    is_drum: bool
    name: str
    n_notes: int
    n_controls: int  # controller changes


@dataclass
class _Instrument:
    """Per-instrument note arrays in step units, kept for programs and velocities by bar."""

    program: int
    is_drum: bool
    family: int
    name: str
    index: int  # position in ``midi.instruments``
    bar_counts: np.ndarray  # (n_bars,) notes starting in each bar
    bar_velocity: np.ndarray  # (n_bars,) sum of velocities of those notes


@dataclass
class _Detail:
    """A song's notes, controllers and packed rolls: needed only while it is played or
    joined, so they are let go for songs far from playback and rebuilt from the file's
    bytes when asked (see :func:`keep_details`)."""

    note_arrays: list[np.ndarray]  # per instrument: (n, 4) start, end, pitch, velocity
    cc_arrays: list[np.ndarray]  # per instrument: (n, 3) time, controller, value
    bend_arrays: list[np.ndarray]  # per instrument: (n, 2) time, bend
    active: np.ndarray  # (steps, 5, 16) uint8: the (steps, 5, 128) roll packed a bit a pitch
    onset: np.ndarray
    instruments: list[_Instrument]


@dataclass(frozen=True)
class Voice:
    """One instrument of a song as it sounds around a bar: what a bridge plays its notes on.

    Attributes
    ----------
    family : int
        LPD-5 family index.
    program : int
        General MIDI program (0 for drums).
    is_drum : bool
        Plays on the percussion channel.
    pitch : float
        Median pitch of its notes in the window (its register).
    velocity : int
        Mean velocity of its notes in the window.
    notes : int
        Notes starting in the window (how much it plays).
    ccs : tuple of (int, int)
        Controller state (number, value) at the window's edge, for :data:`STATE_CCS`.
    name : str
        Track name, for display.
    """

    family: int
    program: int
    is_drum: bool
    pitch: float
    velocity: int
    notes: int
    ccs: tuple[tuple[int, int], ...] = ()
    name: str = ""


class Song:
    """A MIDI song analysed for mixing.

    Build one with :meth:`Song.load`. Bars come from the file's tempo changes and time
    signatures (4/4 when it has none); bar ``i`` spans ``downbeats[i]`` to
    ``downbeats[i + 1]`` seconds, and every bar is split into 16 steps for the pianoroll.

    Attributes
    ----------
    path : Path
        The file.
    midi : pretty_midi.PrettyMIDI
        The parsed file (events for the timeline come from here).
    n_bars : int
        Bars up to the end of the last note.
    downbeats : np.ndarray
        (n_bars + 1,) seconds; the last entry is the end of the last bar.
    bar_tempo : np.ndarray
        (n_bars,) BPM at each downbeat.
    features : BarFeatures
        Per-bar pitch classes, onset grids, density and family presence.
    """

    def __init__(self, path: Path, midi: pretty_midi.PrettyMIDI, digest: str,
                 credit: str | None = None, source: bytes | None = None):
        self.path = Path(path)
        self._midi: pretty_midi.PrettyMIDI | None = midi
        self._source = source
        self.digest = digest
        self.credit = credit
        #: What a lenient reading repaired (empty for a clean file), one short note each.
        self.repairs: list[str] = []
        self.tempo_map = TempoMap(midi.resolution, midi._tick_scales)
        self._detail: _Detail | None = None
        self.rebuilds = 0  # times the details were parsed again after being let go
        self._analyse()
        if source is not None:
            # A parsed file is tens of thousands of Python objects (megabytes): once
            # analysed, a Song keeps arrays and the file's bytes, and parses again on demand.
            self._midi = None

    def __setstate__(self, state: dict) -> None:
        # A Song analysed in another process: its details count among those held here.
        self.__dict__.update(state)
        if self._detail is not None:
            _hold(self)

    @property
    def midi(self) -> pretty_midi.PrettyMIDI:
        """The parsed file (parsed again from its bytes when asked: it is not kept)."""
        if self._midi is not None:
            return self._midi
        assert self._source is not None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mf = mido.MidiFile(file=io.BytesIO(self._source), clip=True)
            return pretty_midi.PrettyMIDI(mido_object=mf)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | Path,
             analyse: Callable[[bytes, Path, str], Song] | None = None) -> Song:
        """Load and analyse a MIDI file, re-using the analysis of identical content.

        ``analyse(data, path, digest)`` analyses content not seen before (default
        :meth:`from_bytes`; the player's :class:`~smootify_player.player.analysis.AnalysisPool`
        does it in a child process).

        Raises
        ------
        SongError
            With a one-line message naming the file and the reason.
        """
        path = Path(path)
        try:
            st = path.stat()  # follows links: a link to /dev/zero is judged by its target
            if stat.S_ISDIR(st.st_mode):
                raise SongError(f"{path.name}: is a folder, not a MIDI file")
            if not stat.S_ISREG(st.st_mode):
                raise SongError(f"{path.name}: not a regular file (a device, pipe or socket)")
            if st.st_size > MAX_FILE_BYTES:
                raise SongError(f"{path.name}: file too large ({st.st_size // 1024 // 1024} MB)")
            with path.open("rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)  # the file may grow after stat
            if len(data) > MAX_FILE_BYTES:
                raise SongError(f"{path.name}: file too large (over "
                                f"{MAX_FILE_BYTES // 1024 // 1024} MB)")
        except OSError as exc:
            raise SongError(f"{path.name}: cannot read ({exc.strerror or exc})") from None
        digest = hashlib.sha1(data).hexdigest()
        with _CACHE_LOCK:
            hit = _CACHE.get(digest)
            if hit is not None:
                _CACHE.move_to_end(digest)
                if hit.path == path:
                    return hit
        if hit is not None:
            # The same content under another name: share the analysis, keep this name.
            song = copy.copy(hit)
            song.path = path
        else:
            song = (analyse or cls.from_bytes)(data, path, digest)
        with _CACHE_LOCK:
            _CACHE[digest] = song
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        return song

    @classmethod
    def from_bytes(cls, data: bytes, path: str | Path = "<memory>",
                   digest: str | None = None) -> Song:
        """Analyse MIDI file content; ``path`` only names it in messages."""
        path = Path(path)
        name = path.name
        if not data:
            raise SongError(f"{name}: empty file")
        if data[:4] != b"MThd":
            raise SongError(f"{name}: not a MIDI file (no MThd header)")
        repairs: list[str] = []
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = data
                try:
                    mf = mido.MidiFile(file=io.BytesIO(data), clip=True)
                except Exception:  # noqa: BLE001 - strict reading failed: try the lenient way
                    parsed, repairs = repair_smf(data)
                    mf = mido.MidiFile(file=io.BytesIO(parsed), clip=True)
                credit = _credit(mf)
                if mf.type == 2:
                    raise SongError(f"{name}: MIDI type 2 (independent sequences) is not supported")
                if len(mf.tracks) > 2000:
                    raise SongError(f"{name}: too many tracks ({len(mf.tracks)})")
                _check_tempi(mf, name)
                midi = pretty_midi.PrettyMIDI(mido_object=mf)
        except SongError:
            raise
        except Exception as exc:  # noqa: BLE001 - any parser failure is a bad file
            why = one_line(exc, typed=False, limit=200)
            raise SongError(f"{name}: unreadable MIDI ({why})") from None
        if midi.resolution <= 0:
            raise SongError(f"{name}: SMPTE timing is not supported")
        song = cls(path, midi, digest or hashlib.sha1(data).hexdigest(), credit, parsed)
        song.repairs = repairs
        return song

    # ----------------------------------------------------------------- analysis
    def _analyse(self) -> None:
        midi, name = self.midi, self.path.name
        #: Per instrument of the file: program, drums, name and event counts.
        self.tracks = [Track(int(i.program), bool(i.is_drum), i.name,
                             len(i.notes), len(i.control_changes))
                       for i in midi.instruments]
        tmap = self.tempo_map
        notes = [(inst, n) for inst in midi.instruments for n in inst.notes]
        if not notes:
            raise SongError(f"{name}: no notes")
        end_time = max(n.end for _, n in notes)
        end_tick = float(tmap.tick(end_time))
        self.bar_ticks = _bar_ticks(midi, tmap, end_tick)
        n_bars = len(self.bar_ticks) - 1
        if n_bars > MAX_BARS:
            raise SongError(f"{name}: too long ({n_bars} bars; at most {MAX_BARS})")
        self.n_bars = n_bars
        self.downbeats = tmap.time(self.bar_ticks)
        self.bar_tempo = tmap.bpm(self.bar_ticks[:-1])
        #: (n_bars,) length of each bar in quarter notes (4/4: 4, 3/4: 3, 6/8: 3, 7/8: 3.5).
        self.bar_quarters = np.diff(self.bar_ticks) / midi.resolution
        self.time_signatures = [(round(float(ts.time), 3), ts.numerator, ts.denominator)
                                for ts in midi.time_signature_changes] or [(0.0, 4, 4)]

        detail, active, onset = self._build_detail(midi)
        if not detail.instruments:
            raise SongError(f"{name}: no notes in usable instruments")
        self._detail = detail
        _hold(self)
        self.features: BarFeatures = bar_features(active, onset)
        self.key: Key = estimate_key(self.features.pc)

    def _build_detail(self, midi: pretty_midi.PrettyMIDI
                      ) -> tuple[_Detail, np.ndarray, np.ndarray]:
        """Notes, controllers and the 5-family (active, onset) rolls at 16 steps a bar.

        The rolls come back unpacked too, for the features of a first analysis.
        """
        note_arrays = [
            np.array([(n.start, n.end, n.pitch, n.velocity) for n in inst.notes],
                     dtype=np.float64).reshape(-1, 4)
            for inst in midi.instruments
        ]
        cc_arrays = [_sorted_rows([(c.time, c.number, c.value) for c in inst.control_changes], 3)
                     for inst in midi.instruments]
        bend_arrays = [_sorted_rows([(b.time, b.pitch) for b in inst.pitch_bends], 2)
                       for inst in midi.instruments]
        n_bars = self.n_bars
        n_steps = n_bars * STEPS_PER_BAR
        active = np.zeros((n_steps, N_FAMILIES, 128), bool)
        onset = np.zeros_like(active)
        instruments: list[_Instrument] = []
        for index, (inst, arr) in enumerate(zip(midi.instruments, note_arrays)):
            fam = family_of(inst.program, inst.is_drum)
            if fam is None or not inst.notes:
                continue
            s_step = self.step_at(arr[:, 0])
            e_step = np.maximum(self.step_at(arr[:, 1], ceil=True), s_step + 1)
            pitch = arr[:, 2].astype(np.int64)
            s_step = np.clip(s_step, 0, n_steps - 1)
            e_step = np.clip(e_step, 1, n_steps)
            if inst.is_drum:
                e_step = s_step + 1
            onset[s_step, fam, pitch] = True
            # Mark sustain with a difference array per pitch, then cumulate.
            diff = np.zeros((n_steps + 1, 128), np.int32)
            np.add.at(diff, (s_step, pitch), 1)
            np.add.at(diff, (e_step, pitch), -1)
            active[:, fam, :] |= np.cumsum(diff[:-1], axis=0) > 0
            bars = s_step // STEPS_PER_BAR
            instruments.append(_Instrument(
                program=int(inst.program), is_drum=bool(inst.is_drum), family=fam,
                name=inst.name.strip(), index=index,
                bar_counts=np.bincount(bars, minlength=n_bars)[:n_bars].astype(np.int32),
                bar_velocity=np.bincount(bars, arr[:, 3], minlength=n_bars)[:n_bars],
            ))
        # Kept packed, a bit a pitch: an eighth of the bool rolls (800 KB each for a song
        # of a hundred bars); pianoroll() unpacks the bars asked for.
        detail = _Detail(note_arrays, cc_arrays, bend_arrays, np.packbits(active, axis=-1),
                         np.packbits(onset, axis=-1), instruments)
        return detail, active, onset

    def _details(self) -> _Detail:
        """The notes, controllers and rolls, parsed again from the file's bytes if let go."""
        with _DETAIL_LOCK:
            detail = self._detail
            if detail is None:
                detail = self._detail = self._build_detail(self.midi)[0]
                self.rebuilds += 1
            _hold(self)
        return detail

    @property
    def note_arrays(self) -> list[np.ndarray]:
        """Per instrument of the file: (n, 4) start, end, pitch, velocity."""
        return self._details().note_arrays

    @property
    def cc_arrays(self) -> list[np.ndarray]:
        """Per instrument: (n, 3) time, controller, value; time-sorted."""
        return self._details().cc_arrays

    @property
    def bend_arrays(self) -> list[np.ndarray]:
        """Per instrument: (n, 2) time, bend; time-sorted."""
        return self._details().bend_arrays

    @property
    def holds_details(self) -> bool:
        """Whether the notes are in memory now (else the next use parses them again)."""
        return self._detail is not None

    def step_position(self, seconds: np.ndarray) -> np.ndarray:
        """Fractional global 16th-step position (16 per bar, whatever the metre) at ``seconds``."""
        ticks = self.tempo_map.tick(seconds)
        bar = np.clip(np.searchsorted(self.bar_ticks, ticks, side="right") - 1,
                      0, len(self.bar_ticks) - 2)
        lo, hi = self.bar_ticks[bar], self.bar_ticks[bar + 1]
        return bar * STEPS_PER_BAR + (ticks - lo) / np.maximum(hi - lo, 1e-9) * STEPS_PER_BAR

    def step_time(self, steps: np.ndarray | float) -> np.ndarray:
        """Seconds at fractional global 16th-step positions (the inverse of step_position)."""
        steps = np.asarray(steps, np.float64)
        bar = np.clip(np.floor(steps / STEPS_PER_BAR), 0, len(self.bar_ticks) - 2).astype(int)
        frac = steps / STEPS_PER_BAR - bar
        ticks = self.bar_ticks[bar] + frac * (self.bar_ticks[bar + 1] - self.bar_ticks[bar])
        return self.tempo_map.time(ticks)

    def step_at(self, seconds: np.ndarray, ceil: bool = False) -> np.ndarray:
        """Global 16th-step index (16 per bar) at ``seconds``; rounds to the nearest step."""
        pos = self.step_position(seconds)
        bar = np.floor(pos / STEPS_PER_BAR)
        frac = pos - bar * STEPS_PER_BAR
        frac = np.ceil(frac - 0.25) if ceil else np.floor(frac + 0.25)
        return (bar * STEPS_PER_BAR + frac).astype(np.int64)

    # ----------------------------------------------------------------- queries
    @property
    def title(self) -> str:
        """The file name without extension, underscores as spaces."""
        return self.path.stem.replace("_", " ")

    @property
    def duration(self) -> float:
        """Seconds to the end of the last bar."""
        return float(self.downbeats[-1])

    @property
    def tempo(self) -> float:
        """Median tempo in BPM, weighted by bar."""
        return float(np.median(self.bar_tempo))

    @property
    def families(self) -> tuple[str, ...]:
        """Names of the LPD-5 families that play in the song."""
        present = np.any(self.features.presence, axis=0)
        return tuple(f for f, p in zip(FAMILIES, present) if p)

    def bar_time(self, bar: int) -> float:
        """Seconds at the start of ``bar`` (``n_bars`` gives the end)."""
        return float(self.downbeats[int(np.clip(bar, 0, self.n_bars))])

    def key_at(self, bar: int, window: int = 8) -> Key:
        """Key of the ``window`` bars centred on ``bar`` (the song's key when they are empty)."""
        lo = max(0, bar - window // 2)
        h = self.features.pc[lo:lo + window].sum(0)
        return estimate_key(h) if h.sum() > 0 else self.key

    def pianoroll(self, bar_from: int, bar_to: int) -> tuple[np.ndarray, np.ndarray]:
        """(active, onset) bool rolls of bars [bar_from, bar_to), shape (steps, 5, 128).

        Bars outside the song come back empty, so the shape is always
        ``((bar_to - bar_from) * 16, 5, 128)``.
        """
        n = max(0, bar_to - bar_from) * STEPS_PER_BAR
        act = np.zeros((n, N_FAMILIES, 128), bool)
        ons = np.zeros_like(act)
        lo, hi = max(bar_from, 0), min(bar_to, self.n_bars)
        if hi > lo:
            d = self._details()
            dst = (lo - bar_from) * STEPS_PER_BAR
            src = slice(lo * STEPS_PER_BAR, hi * STEPS_PER_BAR)
            act[dst:dst + (hi - lo) * STEPS_PER_BAR] = np.unpackbits(d.active[src], axis=-1)
            ons[dst:dst + (hi - lo) * STEPS_PER_BAR] = np.unpackbits(d.onset[src], axis=-1)
        return act, ons

    def programs(self, bar_from: int, bar_to: int) -> tuple[int | None, ...]:
        """Most-played GM program per family in bars [bar_from, bar_to) (whole song if none)."""
        out: list[int | None] = []
        instruments = self._details().instruments
        for fam in range(N_FAMILIES):
            best, best_n, fallback, fallback_n = None, 0, None, 0
            for inst in instruments:
                if inst.family != fam:
                    continue
                k = int(inst.bar_counts[max(bar_from, 0):max(bar_to, 0)].sum())
                total = int(inst.bar_counts.sum())
                if k > best_n:
                    best, best_n = inst.program, k
                if total > fallback_n:
                    fallback, fallback_n = inst.program, total
            out.append(best if best is not None else fallback)
        return tuple(out)

    def meter(self, bar: int) -> tuple[int, int]:
        """(numerator, denominator) of ``bar``: 6/8 stays 6/8, an odd-length bar is n/16."""
        bar = int(np.clip(bar, 0, self.n_bars - 1))
        t = float(self.downbeats[bar]) + 1e-6
        num, den = 4, 4
        for time, n, d in self.time_signatures:
            if time <= t:
                num, den = n, d
        if abs(4.0 * num / den - self.bar_quarters[bar]) > 1e-6:  # a bar cut short or long
            sixteenths = max(1, int(round(self.bar_quarters[bar] * 4)))
            return sixteenths, 16
        return num, den

    def bar_steps(self, bar: int) -> int:
        """Sixteenth notes in ``bar`` (4/4: 16, 3/4 and 6/8: 12, 7/8: 14)."""
        bar = int(np.clip(bar, 0, self.n_bars - 1))
        return max(1, int(round(float(self.bar_quarters[bar]) * 4)))

    def typical_bar_steps(self, bar_from: int, bar_to: int, near_end: bool = False) -> int:
        """The commonest :meth:`bar_steps` among bars [bar_from, bar_to), so a short pickup
        or closing bar does not set a bridge's meter; ties go to the bar nearest the start
        (``near_end``: nearest the end)."""
        lo = int(np.clip(bar_from, 0, self.n_bars - 1))
        hi = int(np.clip(bar_to, lo + 1, self.n_bars))
        steps = [self.bar_steps(k) for k in range(lo, hi)]
        if near_end:
            steps.reverse()
        return max(steps, key=lambda s: (steps.count(s), -steps.index(s)))

    def voices(self, bar_from: int, bar_to: int, state_at: int | None = None) -> list[Voice]:
        """The instruments playing in bars [bar_from, bar_to), busiest first.

        ``state_at`` (a bar, default ``bar_from``) is where the controller state is read:
        the last value of each controller before that bar's downbeat (just after it for
        controllers set on the downbeat itself).
        """
        lo, hi = max(bar_from, 0), min(max(bar_to, 0), self.n_bars)
        t_lo, t_hi = self.bar_time(lo), self.bar_time(hi)
        t_state = self.bar_time(lo if state_at is None else state_at) + 1e-3
        out = []
        d = self._details()
        for inst in d.instruments:
            k = int(inst.bar_counts[lo:hi].sum())
            if k == 0:
                continue
            arr = d.note_arrays[inst.index]
            win = arr[(arr[:, 0] >= t_lo - 1e-6) & (arr[:, 0] < t_hi - 1e-6)]
            if not len(win):
                continue
            cc = d.cc_arrays[inst.index]
            before = cc[cc[:, 0] < t_state]
            state = []
            for num in STATE_CCS:
                vals = before[before[:, 1] == num]
                if len(vals):
                    state.append((num, int(vals[-1, 2])))
            out.append(Voice(family=inst.family, program=inst.program, is_drum=inst.is_drum,
                             pitch=float(np.median(win[:, 2])),
                             velocity=int(np.clip(round(float(win[:, 3].mean())), 1, 127)),
                             notes=len(win), ccs=tuple(state), name=inst.name))
        out.sort(key=lambda v: -v.notes)
        return out

    def velocities(self, bar_from: int, bar_to: int) -> tuple[int, ...]:
        """Mean velocity per family over bars [bar_from, bar_to) (whole song if none; 0 absent)."""
        out = []
        instruments = self._details().instruments
        for fam in range(N_FAMILIES):
            insts = [i for i in instruments if i.family == fam]
            sl = slice(max(bar_from, 0), max(bar_to, 0))
            cnt = sum(int(i.bar_counts[sl].sum()) for i in insts)
            vel = sum(float(i.bar_velocity[sl].sum()) for i in insts)
            if cnt == 0:
                cnt = sum(int(i.bar_counts.sum()) for i in insts)
                vel = sum(float(i.bar_velocity.sum()) for i in insts)
            out.append(int(round(vel / cnt)) if cnt else 0)
        return tuple(out)

    def summary(self) -> dict:
        """JSON-ready description: path, duration, tempi, time signatures, bars, key, families."""
        times, tempi = self.midi.get_tempo_changes()
        return {
            "path": str(self.path),
            "title": self.title,
            "credit": self.credit,
            "duration_s": round(self.duration, 3),
            "tempo_bpm": round(self.tempo, 2),
            "tempi": [{"time_s": round(float(t), 3), "bpm": round(float(b), 2)}
                      for t, b in zip(times, tempi)],
            "time_signatures": [{"time_s": t, "numerator": n, "denominator": d}
                                for t, n, d in self.time_signatures],
            "bars": self.n_bars,
            "key": self.key.to_dict(),
            "families": list(self.families),
        }

    def __repr__(self) -> str:
        return (f"Song({self.path.name!r}, bars={self.n_bars}, tempo={self.tempo:.1f}, "
                f"key={self.key.name!r})")


def _bar_ticks(midi: pretty_midi.PrettyMIDI, tmap: TempoMap, end_tick: float) -> np.ndarray:
    """Downbeat ticks from time signatures, covering ``end_tick`` (at least one bar)."""
    res = midi.resolution
    changes = sorted(
        ((int(round(float(tmap.tick(ts.time)))), ts.numerator, ts.denominator)
         for ts in midi.time_signature_changes
         if ts.numerator > 0 and ts.denominator > 0),
        key=lambda c: c[0],
    )
    if not changes or changes[0][0] > 0:
        changes.insert(0, (0, 4, 4))
    ticks: list[float] = []
    for i, (start, num, den) in enumerate(changes):
        stop = changes[i + 1][0] if i + 1 < len(changes) else None
        bar_len = res * 4.0 * num / den
        t = float(start) if not ticks or start > ticks[-1] else ticks[-1]
        while (stop is None and t <= end_tick - 1e-6) or (stop is not None and t < stop):
            ticks.append(t)
            if len(ticks) > MAX_BARS + 1:
                break
            t += bar_len
        if stop is None:
            ticks.append(t)
    return np.array(ticks[: MAX_BARS + 2], dtype=np.float64)


#: Tempi a MIDI file may set, in BPM; outside them the file is refused with one line.
MIN_BPM, MAX_BPM = 1.0, 1000.0


def _check_tempi(mf: mido.MidiFile, name: str) -> None:
    """Refuse a set_tempo of 0 (an instant) or outside [MIN_BPM, MAX_BPM]."""
    for track in mf.tracks:
        for msg in track:
            if msg.is_meta and msg.type == "set_tempo":
                if msg.tempo <= 0:
                    raise SongError(f"{name}: illegal tempo (0 microseconds a beat)")
                bpm = 60e6 / msg.tempo
                if not MIN_BPM <= bpm <= MAX_BPM:
                    raise SongError(f"{name}: illegal tempo ({bpm:.4g} BPM)")


def _sorted_rows(rows: list[tuple], width: int) -> np.ndarray:
    arr = np.array(rows, dtype=np.float64).reshape(-1, width)
    return arr[np.argsort(arr[:, 0], kind="stable")]


def _credit(mf: mido.MidiFile) -> str | None:
    """The copyright notice of the file, else None."""
    for track in mf.tracks[:4]:
        for msg in track:
            if msg.is_meta and msg.type == "copyright" and msg.text.strip():
                return msg.text.strip()[:200]
    return None
_CACHE: OrderedDict[str, Song] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def clear_cache() -> None:
    """Forget every cached analysis."""
    with _CACHE_LOCK:
        _CACHE.clear()


# Songs holding their details, least recently used first, and those never let go.
_HELD: OrderedDict[int, Song] = OrderedDict()
_KEPT: dict[int, Song] = {}
_DETAIL_LOCK = threading.RLock()


def _hold(song: Song) -> None:
    """``song`` used its details: hold them, letting go of the oldest beyond the limit."""
    with _DETAIL_LOCK:
        _HELD[id(song)] = song
        _HELD.move_to_end(id(song))
        spare = [k for k in _HELD if k not in _KEPT]
        for k in spare[:max(0, len(spare) - DETAILS_HELD)]:
            _HELD.pop(k)._detail = None


def keep_details(songs: Iterable[Song]) -> None:
    """Keep the details of ``songs`` (the player's: those on its timeline) in memory.

    Every other song holds only its summary (bar grid, features, key, the file's bytes)
    once :data:`DETAILS_HELD` more recently used songs hold theirs: a queued song then
    costs tens of kilobytes, and its notes are parsed again when it is about to play.
    Replaces the songs kept before.
    """
    with _DETAIL_LOCK:
        _KEPT.clear()
        _KEPT.update((id(s), s) for s in songs)
