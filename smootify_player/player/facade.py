"""The Player facade: live, Qt-free playback of a queue over a Timeline, an Engine and a sink."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..music.bridge import (
    STEPS_PER_BAR,
    Bridge,
    BridgeComposer,
    BridgeContext,
    RuleComposer,
    make_composer,
)
from ..music.families import N_FAMILIES
from ..music.join import CROSSFADE_BARS, MIN_PLAY_BARS, add_join
from ..music.mixpoint import METHODS, MixPlan, MixSettings, plan_mix
from ..music.song import Song, SongError
from ..music.timeline import Segment, Timeline, ramp_step_times
from .files import Expanded, Label, expand
from .queue import PlayQueue, QueueEntry

__all__ = [
    "TRANSITIONS",
    "PlayerSettings",
    "QueueEntry",
    "NowPlaying",
    "RollNote",
    "Transition",
    "Player",
    "ProcessComposer",
    "process_composer",
]

log = logging.getLogger(__name__)

#: Transition modes shown in Settings: the composer each one uses.
TRANSITIONS: dict[str, str] = {"ai": "unet", "crossfade": "crossfade", "cut": "none"}

#: Run ``fn`` off the UI thread and call ``on_done(result, error)`` back on it; ``priority``
#: orders queued jobs (higher first).
RunBackground = Callable[..., None]


# ----------------------------------------------------------------------------- model
def _composer_child(conn: Any, name: str) -> None:
    """Child process: build the composer (torch loads here) and compose what is sent."""
    notes: list[str] = []
    comp = make_composer(name, notice=notes.append)
    conn.send((comp.name, notes))
    if comp.name != name:
        return
    while True:
        try:
            ctx = conn.recv()
        except (EOFError, OSError):
            return
        if ctx is None:
            return
        try:
            conn.send((True, comp.compose(ctx)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which falls back
            conn.send((False, _one_line(exc)))


class ProcessComposer:
    """A composer that runs in a child process.

    The model's torch import and inference hold the interpreter lock for long stretches
    (hundreds of ms for the import alone); in a child process they cannot stall the UI
    thread. Use :func:`process_composer` to make one.
    """

    def __init__(self, name: str, conn: Any, proc: Any, timeout: float = 30.0) -> None:
        self.name = name
        self._conn, self._proc, self._timeout = conn, proc, timeout
        self._lock = threading.Lock()

    def compose(self, ctx: BridgeContext) -> Bridge:
        with self._lock:
            if not self._proc.is_alive():
                raise RuntimeError("the model process has stopped")
            self._conn.send(ctx)
            if not self._conn.poll(self._timeout):
                raise TimeoutError(f"the model took over {self._timeout:.0f} s")
            ok, result = self._conn.recv()
        if not ok:
            raise RuntimeError(result)
        return result

    def close(self) -> None:
        """Stop the child process."""
        try:
            self._conn.send(None)
        except (OSError, ValueError):
            pass
        self._proc.join(1.0)
        if self._proc.is_alive():
            self._proc.terminate()
        self._conn.close()


def process_composer(name: str = "unet", notice: Callable[[str], None] = print,
                     timeout: float = 120.0) -> BridgeComposer:
    """``make_composer(name)`` in a child process; the rule composer when the model fails."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    conn, child = ctx.Pipe()
    proc = ctx.Process(target=_composer_child, args=(child, name), daemon=True,
                       name="smootify-model")
    proc.start()
    child.close()
    try:
        if not conn.poll(timeout):
            raise TimeoutError("the model process did not answer")
        got, notes = conn.recv()
    except (EOFError, OSError, TimeoutError) as exc:
        proc.terminate()
        notice(f"bridge model unavailable ({_one_line(exc)}); using the rule-based bridge")
        return RuleComposer()
    for n in notes:
        notice(n)
    if got != name:
        proc.join(1.0)
        conn.close()
        return make_composer(got)
    return ProcessComposer(name, conn, proc)


# ----------------------------------------------------------------------------- data
@dataclass
class PlayerSettings:
    """What the Settings dialog edits; stored across runs."""

    soundfont: str = ""  # empty: the shipped soundfont
    transition: str = "ai"  # one of TRANSITIONS
    method: str = "smart"  # a mix-point method (music.mixpoint.METHODS)
    full_songs: bool = False  # play each song to its end instead of mixing at good bars
    repeat: bool = True  # at the end of the queue continue from the top

    def to_dict(self) -> dict[str, Any]:
        return {"soundfont": self.soundfont, "transition": self.transition,
                "method": self.method, "full_songs": self.full_songs, "repeat": self.repeat}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PlayerSettings:
        s = cls()
        s.soundfont = str(d.get("soundfont", s.soundfont) or "")
        if d.get("transition") in TRANSITIONS:
            s.transition = d["transition"]
        if d.get("method") in METHODS:
            s.method = d["method"]
        s.full_songs = bool(d.get("full_songs", s.full_songs))
        s.repeat = bool(d.get("repeat", s.repeat))
        return s


@dataclass
class NowPlaying:
    """What the now-playing bar shows; times in seconds within the current song's window."""

    title: str = ""
    subtitle: str = ""
    in_bridge: bool = False
    position: float = 0.0
    duration: float = 0.0
    marks: list[tuple[float, float]] = field(default_factory=list)
    entry: QueueEntry | None = None
    state: str = "stopped"


@dataclass(frozen=True)
class RollNote:
    """One note for the piano-roll view, in timeline seconds."""

    start: float
    end: float
    pitch: int
    family: int
    bridge: bool


@dataclass
class Transition:
    """A planned join from the song at the end of the timeline to the next queue entry.

    ``segments`` are prebuilt off the UI thread (A cut at the exit, the bridge, B from its
    entry) at offset 0, so applying it is only a splice.
    """

    source: int  # uid of A
    target: int  # uid of B
    plan: MixPlan
    bridge: Bridge
    segments: list[Segment]
    generation: int
    fallback: bool = False


@dataclass
class _SegInfo:
    kind: str
    uid: int | None = None  # song segments: the queue entry
    a: int | None = None  # bridges: from/to entries
    b: int | None = None
    open_segment: Segment | None = None  # a song's uncut segment, to undo a stale cut
    forced: bool = False  # a song the user asked for ("mix now"), kept when the queue changes


# ----------------------------------------------------------------------------- player
class Player:
    """Live playback of a queue of MIDI songs, joined by composed bridges.

    Everything here runs on one thread (the UI thread in the app); heavy work goes through
    ``run_background`` and comes back as callbacks on that same thread. Call :meth:`poll`
    regularly (the app does at 30 Hz): it follows the play position, applies the next
    transition as soon as it is ready and, should one ever be late, joins with the rule
    composer on the spot so playback never stops.

    Parameters
    ----------
    run_background : callable
        ``run_background(fn, on_done, priority=0)``; the app passes its Worker's ``submit``.
    settings : PlayerSettings, optional
    notice : callable
        Receives one-line notices for the user.
    audio : str, optional
        ``"auto"`` (FluidSynth's audio driver, else the silent clock) or ``"silent"``;
        defaults to ``SMOOTIFY_AUDIO``.
    clock_speed : float, optional
        Speed of the silent clock (tests run faster than real time).
    sample_rate : int
    model_process : bool
        Run the bridge model in a child process (see :class:`ProcessComposer`).
    """

    def __init__(self, run_background: RunBackground, settings: PlayerSettings | None = None,
                 notice: Callable[[str], None] = print, audio: str | None = None,
                 clock_speed: float | None = None, sample_rate: int = 44100,
                 model_process: bool = True) -> None:
        self.model_process = model_process
        self.run_background = run_background
        self.settings = settings or PlayerSettings()
        self.notice = notice
        self.audio_mode = audio
        self.clock_speed = clock_speed
        self.play_queue = PlayQueue()
        self.current: QueueEntry | None = None
        self.state = "stopped"  # stopped | loading | playing | paused
        self.volume = 0.8
        self.listeners: list[Callable[[str, Any], None]] = []
        self.timeline = Timeline(sample_rate)
        self.engine = None
        self.sink = None
        self.audio_error: str | None = None
        self.transitions_done = 0
        self.fallbacks = 0
        self._info: list[_SegInfo] = []
        self._generation = 0
        self._inflight: tuple[int, int, int] | None = None  # (generation, source, target)
        self._mix_now: tuple[int, int] | None = None  # (target uid, exit bar) requested
        self._analysing: set[int] = set()
        self._composers: dict[str, BridgeComposer] = {}
        self._want_play: tuple[int, float, bool] | None = None  # (uid, seconds, paused)
        self._failed_key: tuple[int, int, int] | None = None
        self._pending_notes: list[str] = []
        self._audio_requested = False
        self._closed = False
        self._adding = 0  # add_checked batches still loading

    # ------------------------------------------------------------------ events
    def _emit(self, kind: str, payload: Any = None) -> None:
        for fn in list(self.listeners):
            fn(kind, payload)

    def _say(self, text: str) -> None:
        self.notice(text)
        self._emit("notice", text)

    @property
    def sample_rate(self) -> int:
        return self.timeline.sample_rate

    @property
    def speed(self) -> float:
        return float(getattr(self.sink, "speed", 1.0) or 1.0)

    # ------------------------------------------------------------------ audio
    def start_audio(self) -> None:
        """Load the soundfont and open the audio output in the background."""
        if self._audio_requested:
            return
        self._audio_requested = True
        notes: list[str] = []
        soundfont = self.settings.soundfont or None
        timeline, mode, speed = self.timeline, self.audio_mode, self.clock_speed

        def job() -> tuple[Any, Any, list[str]]:
            from ..audio.engine import Engine
            from ..audio.live import open_sink

            engine = Engine(timeline, soundfont, notice=notes.append)
            sink = open_sink(engine, mode, speed, notice=notes.append)
            return engine, sink, notes

        self.run_background(job, self._audio_ready, 20)

    def _audio_ready(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self.audio_error = _one_line(error)
            self._say(f"Audio could not start: {self.audio_error}")
            return
        engine, sink, notes = result
        if self._closed:
            sink.close()
            engine.close()
            return
        for n in notes:
            self._say(n.removeprefix("smootify: "))
        self.engine, self.sink = engine, sink
        engine.volume = self.volume
        self._emit("audio", sink.name)
        self._start_wanted()

    def _start_wanted(self) -> None:
        if self._want_play is None or self.sink is None:
            return
        entry = self.play_queue.get(self._want_play[0])
        if entry is None or entry.status == "failed":
            self._want_play = None
            self._set_state("stopped")
            return
        if entry.song is not None:
            _, seconds, paused = self._want_play
            self._want_play = None
            self._start_fresh(entry, seconds, paused)

    @property
    def audio_name(self) -> str:
        return getattr(self.sink, "name", "") if self.sink else ""

    # ------------------------------------------------------------------ queue
    @property
    def queue(self) -> list[QueueEntry]:
        """The queue's rows in play order (edit them through the methods below)."""
        return self.play_queue.entries

    @property
    def shuffled_from(self) -> list[int] | None:
        """The entries' uids in the order before shuffling; None when unshuffled."""
        return self.play_queue.shuffled_from

    @shuffled_from.setter
    def shuffled_from(self, uids: list[int] | None) -> None:
        self.play_queue.shuffled_from = uids

    def add(self, paths: Iterable[str | Path], at: int | None = None,
            analysed: Sequence[Song | None] | None = None,
            labels: Mapping[str | Path, Sequence[str]] | None = None) -> list[QueueEntry]:
        """Queue ``paths`` at ``at`` (the end by default); returns the new entries.

        ``labels`` maps paths to the (title, credit) a playlist gave them.
        """
        entries = self.play_queue.add(paths, at, analysed, labels)
        self._queue_changed()
        return entries

    def add_checked(self, paths: Iterable[str | Path], at: int | None = None,
                    play: bool = False,
                    done: Callable[[list[QueueEntry]], None] | None = None) -> None:
        """Expand, load and analyse ``paths`` in the background, queueing the good ones.

        Songs appear in order as their analysis finishes (a big folder fills in
        progressively). Non-MIDI and broken files get a one-line notice and are not queued.
        With ``play`` the first one queued starts (through a bridge if something plays).
        ``done`` receives every entry queued once the batch is through.
        """
        paths = list(paths)
        notes: list[str] = []
        added: list[QueueEntry] = []
        results: dict[int, Song | None] = {}
        files: list[Path] = []
        labels: dict[Path, Label] = {}
        cursor = [0, at]  # next file to queue, and where it goes

        def flush() -> None:
            while cursor[0] in results:
                i = cursor[0]
                song = results.pop(i)
                cursor[0] += 1
                if song is None:
                    continue
                new = self.add([files[i]], cursor[1], [song], labels)
                if cursor[1] is not None:
                    cursor[1] = self.play_queue.row_of(new[0]) + 1
                added.extend(new)
                if play and len(added) == 1:
                    self.play_entry(new[0])
            if cursor[0] == len(files):
                finish()

        def loaded(i: int, song: Song | None, error: BaseException | None) -> None:
            if error is not None:
                self._say(f"{_one_line(error)}; not added")
            results[i] = song if error is None else None
            flush()

        finished: list[bool] = []

        def finish() -> None:
            if not finished:
                finished.append(True)
                self._adding -= 1
                if done is not None:
                    done(added)
                self._revalidate()

        def expanded(found: Expanded | None, error: BaseException | None) -> None:
            for n in notes:
                self._say(n)
            if error is not None:
                self._say(f"Could not add files: {_one_line(error)}")
            found = found if error is None and found is not None else Expanded()
            files.extend(found.paths)
            labels.update(found.labels)
            if not files:
                finish()
            for i, f in enumerate(files):
                self.run_background(lambda f=f: Song.load(f),
                                    lambda r, e, i=i: loaded(i, r, e), 5)

        self._adding += 1
        self.run_background(lambda: expand(paths, notes.append), expanded, 6)

    def remove(self, rows: Iterable[int]) -> None:
        """Remove the queue rows ``rows`` (what is playing keeps playing to its transition)."""
        if self.play_queue.remove(rows, self.current):
            self._queue_changed()

    def move(self, rows: Sequence[int], to: int) -> None:
        """Move the rows ``rows`` (in order) so they sit before row ``to``."""
        if self.play_queue.move(rows, to):
            self._queue_changed()

    def clear(self) -> None:
        """Empty the queue (the song playing plays on to its end)."""
        self.play_queue.clear()
        self._queue_changed()

    def shuffle(self, seed: int | None = None) -> None:
        """Shuffle the queue order (remembering the original order for :meth:`unshuffle`)."""
        self.play_queue.shuffle(seed)
        self._queue_changed()

    def unshuffle(self) -> None:
        """Restore the order the queue had before :meth:`shuffle`."""
        if self.play_queue.unshuffle():
            self._queue_changed()

    def shuffle_play(self, seed: int | None = None) -> None:
        """Shuffle, then play from the top of the shuffled queue."""
        self.shuffle(seed)
        if not self.queue:
            return
        if self.queue[0] is self.current and self.state in ("playing", "paused"):
            self.play()  # already on it: carry on
        else:
            self.play_entry(self.queue[0])

    def _queue_changed(self) -> None:
        self._emit("queue")
        self._schedule_analysis()
        self._revalidate()

    # ------------------------------------------------------------------ analysis
    def _schedule_analysis(self) -> None:
        """Analyse waiting entries one at a time, what plays next first."""
        if self._analysing:
            return
        order = self._analysis_order()
        for e in order:
            if e.status == "waiting":
                self._analyse(e)
                return

    def _analysis_order(self) -> list[QueueEntry]:
        nxt = self._next_after(self._last_song_uid())
        first = [x for x in (nxt,) if x is not None]
        return first + [e for e in self.queue if e not in first]

    def _analyse(self, e: QueueEntry, priority: int = 1) -> None:
        e.status = "analysing"
        self._analysing.add(e.uid)
        self._emit("entry", e)
        path = e.path
        self.run_background(lambda: Song.load(path), lambda r, err: self._analysed(e, r, err),
                            priority)

    def _analysed(self, e: QueueEntry, song: Song | None, error: BaseException | None) -> None:
        self._analysing.discard(e.uid)
        if error is not None:
            e.status, e.error = "failed", _one_line(error)
            if e in self.queue:
                self._say(f"{e.error}; skipped")
        else:
            e.song, e.status = song, "ready"
        self._emit("entry", e)
        if self._want_play is not None and self._want_play[0] == e.uid:
            self._start_wanted()
        self._schedule_analysis()
        self._revalidate()

    # ------------------------------------------------------------------ playback
    def play(self) -> None:
        """Play (or resume); starts the queue's first playable song when nothing is loaded."""
        if self.state == "paused" and self.sink is not None:
            self.sink.set_paused(False)
            self._set_state("playing")
            return
        if self.state in ("playing", "loading"):
            return
        start = self.play_queue.first_playable(self.current)
        if start is not None:
            self.play_entry(start)

    def pause(self) -> None:
        if self.sink is not None and self.state == "playing":
            self.sink.set_paused(True)
            self._set_state("paused")

    def toggle(self) -> None:
        """Play/pause."""
        self.pause() if self.state == "playing" else self.play()

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self._emit("state", state)

    def set_volume(self, volume: float) -> None:
        self.volume = float(np.clip(volume, 0.0, 1.0))
        if self.engine is not None:
            self.engine.volume = self.volume

    def play_entry(self, entry: QueueEntry, seconds: float = 0.0, paused: bool = False) -> None:
        """Play ``entry`` now: through a bridge from what is playing, else from ``seconds``.

        With ``paused`` (restoring a saved session) it is cued at ``seconds`` and waits.
        """
        if entry.status == "failed":
            self._say(f"{entry.title}: cannot be played ({entry.error})")
            return
        if self.state in ("playing", "paused") and self.timeline.segments:
            if self.state == "paused":
                self.sink.set_paused(False)
                self._set_state("playing")
            self._mix_into(entry)
            return
        self.current = entry
        self.play_queue.follow(entry, or_top=True)
        self._emit("current", entry)
        if self.sink is None or entry.song is None:
            self._want_play = (entry.uid, seconds, paused)
            self._set_state("loading")
            self.start_audio()
            if entry.status == "waiting":
                self._analyse(entry, priority=10)
            return
        self._start_fresh(entry, seconds, paused)

    def _start_fresh(self, entry: QueueEntry, seconds: float, paused: bool = False) -> None:
        """Start a new run of the timeline at ``entry`` (nothing was playing)."""
        song = entry.song
        assert song is not None and self.sink is not None
        self._generation += 1
        self._mix_now = None
        self.timeline.truncate(0)
        self._info.clear()
        seg = self.timeline.add_song(song)
        self._info.append(_SegInfo("song", entry.uid, open_segment=seg))
        start = seg.start + int(np.clip(seconds, 0, max(song.duration - 1, 0)) * self.sample_rate)
        self.sink.seek(start)
        self.sink.set_paused(paused)
        self.current = entry
        self.play_queue.follow(entry, or_top=True)
        self._set_state("paused" if paused else "playing")
        self._emit("current", entry)
        self._emit("timeline")
        self._revalidate()

    def next(self) -> None:
        """Mix now into the next song, through a bridge at the next bar far enough ahead."""
        src = self.current
        target = self._next_after(src.uid if src else None, skip_self=True)
        if target is not None:
            self.play_entry(target)

    def previous(self) -> None:
        """Back to the start of this song when past its first seconds, else the song before."""
        idx = self._song_index_for(self._current_index())
        if idx >= 0:
            seg = self.timeline.segments[idx]
            if (self.position - seg.start) / self.sample_rate > 4.0:
                lo, _ = self._window()
                self.seek((seg.start - lo) / self.sample_rate)
                return
        e = self.play_queue.previous_before(self.current)
        if e is not None:
            self.play_entry(e)

    def seek(self, seconds: float) -> None:
        """Seek to ``seconds`` within the current song's window (see :meth:`now_playing`)."""
        if self.sink is None or not self.timeline.segments:
            return
        lo, hi = self._window()
        target = int(np.clip(lo + seconds * self.sample_rate, lo, max(lo, hi - 1)))
        self.sink.seek(target)
        self._emit("seek", target)

    # ------------------------------------------------------------------ positions
    @property
    def position(self) -> int:
        """Timeline sample heard now."""
        return self.sink.position if self.sink is not None else 0

    @property
    def render_head(self) -> int:
        """Timeline sample the engine renders next; the timeline may change only after it."""
        return self.engine.position if self.engine is not None else 0

    def _safety(self) -> int:
        """Samples kept between the render head and any change to the timeline."""
        return int(self.sample_rate * max(0.25, 0.05 * self.speed))

    def _current_index(self) -> int:
        segs = self.timeline.segments
        if not segs:
            return -1
        return self.timeline.segment_index(self.position)

    def _song_index_for(self, idx: int) -> int:
        """The song segment that ``idx`` belongs to (a bridge belongs to the song after it)."""
        if 0 <= idx < len(self._info) and self._info[idx].kind == "bridge":
            return min(idx + 1, len(self._info) - 1)
        return idx

    def _window(self) -> tuple[int, int]:
        """Samples [lo, hi) of the current song with the bridges on either side."""
        segs = self.timeline.segments
        i = self._song_index_for(self._current_index())
        if i < 0:
            return 0, 0
        lo = segs[i - 1].start if i > 0 and self._info[i - 1].kind == "bridge" else segs[i].start
        hi = segs[i + 1].end if i + 1 < len(segs) and self._info[i + 1].kind == "bridge" \
            else segs[i].end
        return lo, hi

    def now_playing(self) -> NowPlaying:
        """Title ("A + B" during a bridge), position and bridge marks of the current window."""
        out = NowPlaying(state=self.state)
        idx = self._current_index()
        if idx < 0:
            if self.current is not None:
                out.title, out.entry = self.current.title, self.current
                out.subtitle = "Loading…" if self.state == "loading" else self.current.credit
            return out
        segs, sr = self.timeline.segments, self.sample_rate
        info, seg = self._info[idx], segs[idx]
        lo, hi = self._window()
        out.position = (min(self.position, hi) - lo) / sr
        out.duration = (hi - lo) / sr
        for j in range(max(0, idx - 2), min(len(segs), idx + 3)):
            if self._info[j].kind == "bridge" and segs[j].end > lo and segs[j].start < hi:
                out.marks.append(((segs[j].start - lo) / sr, (segs[j].end - lo) / sr))
        if info.kind == "bridge":
            a, b = self.play_queue.get(info.a), self.play_queue.get(info.b)
            out.in_bridge = True
            out.title = " + ".join(e.title for e in (a, b) if e is not None)
            composer = seg.bridge.composer if seg.bridge else seg.kind
            out.subtitle = "Crossfade" if seg.kind == "crossfade" else \
                f"Bridge · {_COMPOSER_NAMES.get(composer, composer)}"
            out.entry = b
        else:
            e = self.play_queue.get(info.uid)
            out.entry = e
            out.title = e.title if e else seg.label
            out.subtitle = e.credit if e else ""
            mixing = self.play_queue.get(self._mix_now[0]) if self._mix_now else None
            later = [j for j in range(idx + 1, len(self._info)) if self._info[j].kind == "song"]
            if later and self._info[later[0]].forced:
                mixing = self.play_queue.get(self._info[later[0]].uid)
            if mixing is not None:
                out.subtitle = f"Mixing into {mixing.title} at the next bar…"
        return out

    # ------------------------------------------------------------------ transitions
    def _last_song_uid(self) -> int | None:
        return self._info[-1].uid if self._info and self._info[-1].kind == "song" else (
            self.current.uid if self.current else None)

    def up_next(self) -> QueueEntry | None:
        """The entry that plays after the current one."""
        return self._next_after(self.current.uid if self.current else None)

    def _next_after(self, uid: int | None, skip_self: bool = False) -> QueueEntry | None:
        """The entry that plays after entry ``uid`` (wrapping when repeat is on)."""
        return self.play_queue.next_after(uid, self.settings.repeat, skip_self)

    def _revalidate(self) -> None:
        """Drop transitions that no longer match the queue, then ask for the right one."""
        if not self._info or self.state not in ("playing", "paused"):
            return
        self._drop_stale()
        self._request_plan()

    def _drop_stale(self) -> None:
        """Undo applied joins whose target is no longer what comes next (if not yet started)."""
        segs = self.timeline.segments
        head = self.render_head + self._safety()
        for i, j in self._joins():
            if self._info[j].forced or segs[i + 1].start <= head:
                continue
            nxt = self._next_after(self._info[i].uid)
            if nxt is None or nxt.uid != self._info[j].uid:
                self._undo_after(i)
                return

    def _joins(self) -> list[tuple[int, int]]:
        """(source, target) indices of consecutive song segments on the timeline."""
        songs = [i for i, inf in enumerate(self._info) if inf.kind == "song"]
        return list(zip(songs, songs[1:]))

    def _undo_after(self, k: int) -> None:
        """Remove everything after song segment ``k`` and re-open it to its end."""
        info = self._info[k]
        with self.timeline.lock:
            self.timeline.truncate(k + 1)
            if info.open_segment is not None:
                self.timeline.splice([info.open_segment])
        del self._info[k + 1:]
        self._generation += 1
        self._inflight = None
        self._emit("timeline")

    def _next_join(self) -> tuple[QueueEntry, Segment, QueueEntry | None] | None:
        """The analysed song ending the timeline, its segment, and the song to join it to."""
        if not self._info or self._info[-1].kind != "song":
            return None
        src = self.play_queue.get(self._info[-1].uid)
        if src is None or src.song is None:
            return None
        target = (self.play_queue.get(self._mix_now[0]) if self._mix_now is not None
                  else self._next_after(src.uid))
        return src, self.timeline.segments[-1], target

    def _request_plan(self) -> None:
        """Ask the background worker for the join after the last song on the timeline."""
        if self._info and self._song_index_for(self._current_index()) != len(self._info) - 1:
            return  # one join ahead is enough: the next is planned once that song plays
        join = self._next_join()
        if join is None:
            return
        src, seg, target = join
        if target is None:
            return
        if self._mix_now is None and self._adding and self.play_queue.wraps(src, target):
            return  # songs being added may come next: wait for them (or the fallback)
        if seg.to_bar < src.song.n_bars:
            return  # already joined (a cut song is followed by its bridge)
        if target.song is None:
            if target.status == "waiting":
                self._analyse(target, priority=10)
            return
        key = (self._generation, src.uid, target.uid)
        if self._inflight == key or self._failed_key == key:
            return
        self._inflight = key
        exit_bars = self._exit_window(seg, src.song)
        settings = self._mix_settings()
        composer_name = TRANSITIONS.get(self.settings.transition, "rule")
        a, b, sr, gen = src.song, target.song, self.sample_rate, self._generation
        seed = self.transitions_done
        from_bar = seg.from_bar
        min_exit = from_bar + 1 if self._mix_now else min(from_bar + MIN_PLAY_BARS, a.n_bars)

        def job() -> Transition:
            composer = None if composer_name == "crossfade" else self._composer(composer_name)
            plan = plan_mix(a, b, settings, exit_bars=exit_bars, min_exit_bar=min_exit)
            return _build(a, b, from_bar, plan, composer, sr, seed, src.uid, target.uid, gen)

        self.run_background(job, self._planned, 10)

    def _exit_window(self, seg: Segment, song: Song) -> range | None:
        """Exit bars still far enough ahead; ``None`` (free choice) when all of them are."""
        extra = self._join_lead_bars()
        if self._mix_now is not None:
            bar = max(self._first_future_bar(seg, song, lead_s=0.25) + extra, self._mix_now[1])
            bar = min(bar, song.n_bars)
            return range(bar, bar + 1)
        first = min(self._first_future_bar(seg, song, lead_s=2.0) + extra, song.n_bars)
        free_from = int(np.ceil(0.7 * song.n_bars)) if not self.settings.full_songs else \
            song.n_bars
        return None if first <= free_from else range(first, song.n_bars + 1)

    def _join_lead_bars(self) -> int:
        """Bars before the exit bar that the join already uses (a crossfade starts early)."""
        return CROSSFADE_BARS if self.settings.transition == "crossfade" else 0

    def _first_future_bar(self, seg: Segment, song: Song, lead_s: float) -> int:
        """First bar of ``seg`` starting at least ``lead_s`` of audio after the render head."""
        limit = self.render_head + self._safety() + int(lead_s * self.sample_rate)
        rel = limit - seg.start
        k = int(np.searchsorted(seg.bar_samples, rel, side="left"))
        return int(np.clip(seg.from_bar + max(k, 1), 1, song.n_bars))

    def _mix_settings(self) -> MixSettings:
        return MixSettings(method=self.settings.method, full_songs=self.settings.full_songs,
                           seed=self.transitions_done)

    def _composer(self, name: str) -> BridgeComposer:
        """The composer called ``name``, built once; the model loads here, off the UI thread."""
        comp = self._composers.get(name)
        if comp is None:
            notes: list[str] = []
            if name == "unet" and self.model_process:
                comp = process_composer(name, notice=notes.append)
            else:
                comp = make_composer(name, notice=notes.append)
            self._composers[name] = comp
            if notes:
                self._pending_notes.extend(notes)
        return comp

    def _planned(self, result: Transition | None, error: BaseException | None) -> None:
        for n in self._pending_notes:
            self._say(n.removeprefix("smootify: "))
        self._pending_notes.clear()
        if error is not None:
            log.warning("planning failed: %s", _one_line(error))
            self._failed_key, self._inflight = self._inflight, None
            return
        if result.generation != self._generation or self._closed:
            return  # stale: the queue or the settings changed meanwhile
        self._inflight = None
        if not self._apply(result):
            # The exit bar slipped into the past while planning: plan again closer in.
            self._request_plan()

    def _apply(self, tr: Transition) -> bool:
        """Splice a prebuilt transition onto the timeline if its exit is still ahead."""
        if not self._info or self._info[-1].kind != "song" or self._info[-1].uid != tr.source:
            return False
        tl = self.timeline
        with tl.lock:
            last = tl.segments[-1]
            cut, bridge_seg, song_seg = tr.segments
            exit_sample = last.start + cut.length
            if exit_sample <= self.render_head + self._safety() // 2 or \
                    cut.from_bar != last.from_bar:
                return False
            open_seg = self._info[-1].open_segment
            tl.splice([s for s in (cut, bridge_seg, song_seg) if s is not None])
        self._info[-1].open_segment = open_seg
        if bridge_seg is not None:
            self._info.append(_SegInfo("bridge", a=tr.source, b=tr.target))
        self._info.append(_SegInfo("song", tr.target, open_segment=song_seg,
                                   forced=self._mix_now is not None))
        self._mix_now = None
        self.transitions_done += 1
        self._emit("timeline")
        self._emit("planned", tr)
        return True

    def _fallback_now(self) -> None:
        """Late: join on the spot with the rule composer so the music never stops."""
        join = self._next_join()
        if join is None:
            return
        src, seg, target = join
        if target is None:
            return  # the end of the queue (repeat is off)
        if target.song is None:
            # Not analysed in time: join to the first song that is, rather than stop.
            target = next((e for e in self.queue if e.song is not None), None)
            if target is None:
                return
        a, b = src.song, target.song
        first = min(self._first_future_bar(seg, a, lead_s=0.0) + self._join_lead_bars(),
                    a.n_bars)
        plan = plan_mix(a, b, self._mix_settings(), exit_bars=range(first, first + 1))
        composer = {"cut": make_composer("none"), "crossfade": None}.get(
            self.settings.transition, RuleComposer())
        tr = _build(a, b, seg.from_bar, plan, composer, self.sample_rate, self.transitions_done,
                    src.uid, target.uid, self._generation, fallback=True)
        if self._apply(tr):
            self.fallbacks += 1
            self._generation += 1  # whatever the worker is still computing is now stale
            self._inflight = None
            log.info("transition was late: rule bridge composed on the spot")

    # ------------------------------------------------------------------ clock
    def poll(self) -> None:
        """Follow the play position: current song, end of queue, late transitions."""
        if self.sink is None or not self._info:
            return
        err = getattr(self.sink, "error", None)
        if err:
            self.sink.error = None
            self._say(f"Audio error: {err}")
        idx = self._current_index()
        song_idx = self._song_index_for(idx)
        info = self._info[song_idx]
        entry = self.play_queue.get(info.uid) if info.kind == "song" else None
        if entry is not None and entry is not self.current:
            self.current = entry
            self.play_queue.follow(entry)
            self._emit("current", entry)
            self._revalidate()
        if self.state != "playing":
            return
        self._trim_past(idx)
        segs = self.timeline.segments
        last = segs[-1]
        if self.position >= last.end:
            # The queue ran out (repeat off, or nothing playable): stop at the end.
            self.sink.set_paused(True)
            self._set_state("stopped")
            self._emit("ended")
            return
        if self._info[-1].kind == "song" and last.to_bar >= (last.song.n_bars if last.song
                                                             else 0):
            remaining = last.end - self.render_head
            bar_len = int(np.max(np.diff(last.bar_samples))) if len(last.bar_samples) > 1 \
                else self.sample_rate
            extra = self._join_lead_bars()
            late = remaining < (1 + extra) * bar_len + 2 * self._safety()
            if self._mix_now is not None:
                exit_sample = self.timeline.bar_sample(last, self._mix_now[1] - extra)
                late = late or exit_sample - self.render_head < 2 * self._safety()
            if late:
                self._fallback_now()
            else:
                self._request_plan()

    def _trim_past(self, idx: int, keep_s: float = 30.0) -> None:
        """Forget segments that ended long ago, so an endless session stays small."""
        segs = self.timeline.segments
        limit = self.position - int(keep_s * self.sample_rate)
        k = 0
        while k < idx - 2 and segs[k].end < limit:
            k += 1
        if k:
            self.timeline.forget_before(k)
            del self._info[:k]

    def _mix_into(self, entry: QueueEntry) -> None:
        """"Mix now": leave what is playing at the next bar far enough ahead, into ``entry``."""
        idx = self._song_index_for(self._current_index())
        # Drop joins that have not started; keep the song (or bridge) that is sounding.
        segs = self.timeline.segments
        head = self.render_head + self._safety()
        keep = idx
        while keep + 1 < len(self._info) and segs[keep + 1].start <= head:
            keep += 1
        keep = self._song_index_for(keep)
        if keep < len(self._info) - 1:
            self._undo_after(keep)
        seg = self.timeline.segments[keep]
        src = self.play_queue.get(self._info[keep].uid)
        self._generation += 1
        self._inflight = None
        if src is None or src.song is None:
            return
        bar = min(self._first_future_bar(seg, src.song, lead_s=0.6) + self._join_lead_bars(),
                  src.song.n_bars)
        self._mix_now = (entry.uid, bar)
        if entry.song is None and entry.status == "waiting":
            self._analyse(entry, priority=10)
        self._emit("mixing", entry)
        self._request_plan()

    # ------------------------------------------------------------------ settings
    def apply_settings(self, settings: PlayerSettings) -> None:
        """Take new settings; planned joins are recomputed, a new soundfont reloads audio."""
        old = self.settings
        self.settings = settings
        if settings.soundfont != old.soundfont and self.engine is not None:
            self._reload_soundfont()
        if (settings.transition, settings.method, settings.full_songs, settings.repeat) != \
                (old.transition, old.method, old.full_songs, old.repeat):
            self._generation += 1
            self._inflight = None
            # Undo the planned join that has not started so it is made with the new settings.
            joins = self._joins()
            if joins and not self._info[joins[-1][1]].forced:
                i = joins[-1][0]
                if self.timeline.segments[i + 1].start > self.render_head + self._safety():
                    self._undo_after(i)
            self._revalidate()

    def _reload_soundfont(self) -> None:
        notes: list[str] = []
        path = self.settings.soundfont or None
        rate = self.sample_rate

        def job() -> Any:
            from ..audio.synth import Synth, find_soundfont

            return Synth(find_soundfont(path, notes.append), rate, self.timeline.n_channels)

        def done(synth: Any, error: BaseException | None) -> None:
            for n in notes:
                self._say(n.removeprefix("smootify: "))
            if error is not None:
                self._say(f"Soundfont not loaded: {_one_line(error)}")
                return
            sink, engine = self.sink, self.engine
            with sink.lock:
                old = engine.synth
                engine.synth = synth
                engine.seek(engine.position)
            old.close()
            self._say(f"Soundfont: {synth.soundfont.name}")

        self.run_background(job, done, 5)

    # ------------------------------------------------------------------ rolls
    def roll(self, t0: float, t1: float
             ) -> tuple[list[RollNote], list[tuple[float, float, str]]]:
        """Notes sounding between timeline seconds ``t0`` and ``t1``, and the bridges there.

        Bridges come as (start, end, composer name) in timeline seconds.
        """
        sr = self.sample_rate
        notes: list[RollNote] = []
        spans: list[tuple[float, float, str]] = []
        with self.timeline.lock:
            segs = list(self.timeline.segments)
        for seg in segs:
            s0, s1 = seg.start / sr, seg.end / sr
            if s1 < t0 or s0 > t1:
                continue
            if seg.kind == "bridge":
                composer = seg.bridge.composer if seg.bridge else ""
                spans.append((s0, s1, {"unet": "AI", "rule": "rule", "none": "cut"}.get(
                    composer, composer)))
                notes.extend(n for n in _bridge_notes(seg, sr) if n.end >= t0 and n.start <= t1)
                continue
            if seg.kind == "crossfade":
                spans.append((s0, s1, "crossfade"))
                notes.extend(n for n in _crossfade_notes(seg, sr)
                             if n.end >= t0 and n.start <= t1)
                continue
            if seg.song is None or len(seg.bar_samples) < 2:
                continue
            rel0, rel1 = (t0 - s0) * sr, (t1 - s0) * sr
            b0 = max(0, int(np.searchsorted(seg.bar_samples, rel0, side="right")) - 1)
            b1 = min(len(seg.bar_samples) - 1, int(np.searchsorted(seg.bar_samples, rel1)) + 1)
            for k in range(b0, b1):
                notes.extend(_song_bar_notes(seg, k, sr))
        return notes, spans

    def position_seconds(self) -> float:
        """Timeline seconds heard now."""
        return self.position / self.sample_rate

    # ------------------------------------------------------------------ state
    def snapshot(self) -> dict[str, Any]:
        """Queue paths, current row and seconds into the current song, for saving."""
        row = self.play_queue.row_of(self.current)
        seconds = 0.0
        if self._info and self.current is not None:
            i = self._song_index_for(self._current_index())
            if 0 <= i < len(self._info) and self._info[i].uid == self.current.uid:
                seg = self.timeline.segments[i]
                song = seg.song
                offset = song.bar_time(seg.from_bar) if song else 0.0
                seconds = offset + max(0, self.position - seg.start) / self.sample_rate
        order = self.play_queue.original_order()
        labels = {str(e.path): list(e.label) for e in self.queue if e.label}
        return {"queue": [str(e.path) for e in self.queue], "current": -1 if row is None
                else row, "position": seconds, "volume": self.volume, "original_order": order,
                "labels": labels}

    def close(self) -> None:
        """Stop the audio and release the synth."""
        self._closed = True
        if self.sink is not None:
            self.sink.set_paused(True)
            self.sink.close()
        if self.engine is not None:
            self.engine.close()
        self.sink = self.engine = None
        for comp in list(self._composers.values()):
            if isinstance(comp, ProcessComposer):
                comp.close()
        self._composers.clear()


_COMPOSER_NAMES = {"unet": "AI bridge", "rule": "rule bridge", "crossfade": "crossfade",
                   "none": "cut"}


def _build(a: Song, b: Song, from_bar: int, plan: MixPlan, composer: BridgeComposer | None,
           sr: int, seed: int, source: int, target: int, generation: int,
           fallback: bool = False) -> Transition:
    """Prebuild the segments of a join at offset 0: A to its exit, the join, B from its entry.

    The join is the composed bridge, or with ``composer`` None the timeline's beat-matched
    crossfade of A's last bars under B's first (as ``smootify mix --bridge crossfade``).
    """
    join = add_join(Timeline(sr), a, b, plan, composer, from_bar, seed=seed)
    return Transition(source, target, plan, join.bridge, list(join.segments), generation,
                      fallback)


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


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text and isinstance(exc, SongError) else (
        f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__)
