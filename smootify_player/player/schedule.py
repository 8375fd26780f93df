"""TransitionScheduler: when the join after the playing song is planned, built and spliced in.

The timeline holds the song playing, and at most one join ahead of it: A up to its exit bar,
the join (a bridge, a crossfade or nothing for a cut), and B from its entry bar to its end.
Once B plays, the join after B is planned. The scheduler

- **requests** a join: the mix point and its segments are computed by a background job
  (``run_background``) from the song ending the timeline to the song the queue plays next;
- **applies** it when the job reports back, if its exit bar is still ahead of the render
  head (otherwise it plans again, closer in);
- **drops** a join that went **stale** (the queue or the settings changed, so the target is
  no longer what plays next) by **undoing** it while it has not started;
- falls back when a join is **late**: with the song about to end it builds a rule bridge
  (or a crossfade, or a cut) on the spot, so playback never stops;
- **mixes now** into a chosen song at the next bar far enough ahead ("next", a double
  click);
- **trims** segments long past, so an endless session stays small.

Threads: every method runs on the thread that owns the Player (the UI thread in the app).
Background jobs only compute: they read the songs and settings captured when the job was
made and return a :class:`PlannedJoin`; they write nothing the owner reads. The composer
hook they call must be thread-safe (see :class:`~smootify_player.composers.Composers`).
Joins are built only through :func:`smootify_player.music.join.add_join`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..composers import instant_composer
from ..music.bridge import Bridge, BridgeComposer
from ..music.join import CROSSFADE_BARS, MIN_PLAY_BARS, JoinMode, add_join
from ..music.mixpoint import MixPlan, MixSettings, plan_mix
from ..music.song import Song
from ..music.timeline import Segment, Timeline
from ..notices import Notice, NoticeLevel
from .queue import PlayQueue, QueueEntry
from .settings import PlayerSettings, join_mode, late_join_mode
from .states import EntryStatus, PlayerEvent

__all__ = ["RunBackground", "PlannedJoin", "Slot", "build_join", "TransitionScheduler"]

log = logging.getLogger(__name__)

#: Run ``fn`` off the owner's thread and call ``on_done(result, error)`` back on it;
#: ``priority`` orders queued jobs (higher first); from ``constants.URGENT_PRIORITY`` up a
#: job is one the listener waits for and must not run at a lowered CPU priority.
RunBackground = Callable[..., None]
#: ``composer(name, notice)``: the composer called ``name``, built once (thread-safe).
ComposerHook = Callable[[str, Callable[[str], None]], BridgeComposer]


@dataclass
class PlannedJoin:
    """A join planned from the song at the end of the timeline to the next queue entry.

    ``segments`` are prebuilt off the owner's thread (A cut at the exit, the join, B from its
    entry) at offset 0, so applying it is only a splice.
    """

    source: int  # uid of A
    target: int  # uid of B
    plan: MixPlan
    bridge: Bridge
    segments: tuple[Segment, Segment | None, Segment]  # A to its exit, the join, B
    generation: int
    fallback: bool = False
    mode: str = ""  # the join played: unet, rule, crossfade or none (a cut)
    index: int = -1  # the joins applied before it (set when applied)


@dataclass
class Slot:
    """What one timeline segment is to the player: a queue entry's song, or a join."""

    kind: str  # "song" | "join"
    uid: int | None = None  # songs: the queue entry
    a: int | None = None  # joins: from/to entries
    b: int | None = None
    open_segment: Segment | None = None  # a song's uncut segment, to undo a stale cut
    forced: bool = False  # a song the user asked for ("mix now"), kept when the queue changes
    planned: PlannedJoin | None = None  # a join, and the song after it: the join's plan


def build_join(a: Song, b: Song, from_bar: int, plan: MixPlan, composer: BridgeComposer | None,
               sr: int, seed: int, source: int, target: int, generation: int,
               fallback: bool = False) -> PlannedJoin:
    """Prebuild the segments of a join at offset 0: A to its exit, the join, B from its entry.

    The join is the composed bridge, or with ``composer`` None the timeline's beat-matched
    crossfade of A's last bars under B's first (as ``smootify mix --bridge crossfade``).
    """
    join = add_join(Timeline(sr), a, b, plan, composer, from_bar, seed=seed)
    return PlannedJoin(source, target, plan, join.bridge, join.segments, generation, fallback,
                       join.mode)


def _ignore(*_: Any) -> None:
    return None


class TransitionScheduler:
    """Plans, applies, undoes and falls back on the joins of a live timeline.

    Parameters
    ----------
    timeline : Timeline
        The timeline being played; :attr:`slots` says what each of its segments is.
    queue : PlayQueue
        Decides what plays next.
    settings : callable
        Returns the current :class:`PlayerSettings`.
    run_background : RunBackground
        Runs planning jobs (a synchronous runner is fine: tests use one).
    composer : callable
        ``composer(name, notice)``, called by planning jobs off the owner's thread.
    position, render_head : callable
        The timeline sample heard now, and the one the engine renders next: the timeline
        may change only after ``render_head`` (tests pass a fake clock).
    speed : callable
        Playback speed (the silent clock may run faster than real time).
    analyse : callable
        Asks for an entry's analysis, urgently (its song is needed for the next join).
    adding : callable
        True while files being added may still come next in the queue.
    emit, say : callable
        ``emit(kind, payload)`` player events (``timeline``, ``planned``, ``mixing``);
        ``say(text)`` one-line notices.
    """

    def __init__(self, timeline: Timeline, queue: PlayQueue,
                 settings: Callable[[], PlayerSettings], run_background: RunBackground,
                 composer: ComposerHook, *, position: Callable[[], int],
                 render_head: Callable[[], int], speed: Callable[[], float] = lambda: 1.0,
                 analyse: Callable[[QueueEntry], None] = _ignore,
                 adding: Callable[[], bool] = lambda: False,
                 emit: Callable[[PlayerEvent, Any], None] = _ignore,
                 say: Callable[[str], None] = _ignore) -> None:
        self.timeline, self.queue, self.settings = timeline, queue, settings
        self.run_background, self.composer = run_background, composer
        self.position, self.render_head, self.speed = position, render_head, speed
        self.analyse, self.adding, self.emit, self.say = analyse, adding, emit, say
        self.slots: list[Slot] = []
        self.generation = 0  # bumped whenever a planning job in flight becomes stale
        self.inflight: tuple[int, int, int] | None = None  # (generation, source, target)
        self.failed: tuple[int, int, int] | None = None  # the request whose job failed
        self.mix_now: tuple[int, int] | None = None  # (target uid, exit bar) requested
        self.joins_done = 0
        self.fallbacks = 0
        self.closed = False

    @property
    def sample_rate(self) -> int:
        return self.timeline.sample_rate

    def safety(self) -> int:
        """Samples kept between the render head and any change to the timeline."""
        return int(self.sample_rate * max(0.25, 0.05 * self.speed()))

    def _invalidate(self) -> None:
        """Whatever a planning job is computing now is stale."""
        self.generation += 1
        self.inflight = None

    # ------------------------------------------------------------------ where we are
    def current_index(self) -> int:
        """The index of the segment heard now, -1 when the timeline is empty."""
        if not self.timeline.segments:
            return -1
        return self.timeline.segment_index(self.position())

    def song_index_for(self, idx: int) -> int:
        """The song segment that ``idx`` belongs to (a join belongs to the song after it)."""
        if 0 <= idx < len(self.slots) and self.slots[idx].kind == "join":
            return min(idx + 1, len(self.slots) - 1)
        return idx

    def song_seconds(self, i: int, sample: int) -> float:
        """Seconds into the song of song segment ``i`` at timeline ``sample``, in the song's
        own time: its entry bar's offset included (unclamped: before its entry it is less)."""
        seg = self.timeline.segments[i]
        offset = seg.song.bar_time(seg.from_bar) if seg.song else 0.0
        return offset + (sample - seg.start) / self.sample_rate

    def seek_sample(self, seconds: float) -> int:
        """The timeline sample ``seconds`` into the song sounding (its own time, as
        :meth:`seconds_into` counts it), clamped to the part of it on the timeline: from its
        entry to the end of the join after it. During a join, the song is the one after it."""
        segs = self.timeline.segments
        i = self.song_index_for(self.current_index())
        if i < 0:
            return 0
        seg = segs[i]
        hi = segs[i + 1].end if i + 1 < len(segs) and self.slots[i + 1].kind == "join" \
            else seg.end
        target = seg.start + int(round((seconds - self.song_seconds(i, seg.start))
                                       * self.sample_rate))
        return int(np.clip(target, seg.start, max(seg.start, hi - 1)))

    def last_song_uid(self) -> int | None:
        """The queue entry whose song ends the timeline (None while a join ends it)."""
        return self.slots[-1].uid if self.slots and self.slots[-1].kind == "song" else None

    def seconds_into(self, entry: QueueEntry | None) -> float:
        """Seconds into ``entry``'s song heard now, in the song's own time (its entry bar's
        offset included); 0 unless it is the song sounding. During the join into it (the
        "A + B" card) this is its entry bar's time: its own time has not started yet."""
        i = self.song_index_for(self.current_index())
        if entry is None or not 0 <= i < len(self.slots) or self.slots[i].uid != entry.uid:
            return 0.0
        seg = self.timeline.segments[i]
        return self.song_seconds(i, min(max(self.position(), seg.start), seg.end))

    def joins(self) -> list[tuple[int, int]]:
        """(source, target) indices of consecutive song segments on the timeline."""
        songs = [i for i, s in enumerate(self.slots) if s.kind == "song"]
        return list(zip(songs, songs[1:]))

    # ------------------------------------------------------------------ editing the timeline
    def start(self, entry: QueueEntry) -> Segment:
        """Start the timeline afresh with ``entry``'s song alone on it; returns its segment."""
        assert entry.song is not None
        self.generation += 1
        self.mix_now = None
        self.timeline.truncate(0)
        self.slots.clear()
        seg = self.timeline.add_song(entry.song)
        self.slots.append(Slot("song", entry.uid, open_segment=seg))
        return seg

    def undo_after(self, k: int) -> None:
        """Remove everything after song segment ``k`` and re-open it to its end."""
        slot = self.slots[k]
        with self.timeline.lock:
            self.timeline.truncate(k + 1)
            if slot.open_segment is not None:
                self.timeline.splice([slot.open_segment])
        del self.slots[k + 1:]
        self._invalidate()
        self.emit(PlayerEvent.TIMELINE, None)

    def apply(self, tr: PlannedJoin) -> bool:
        """Splice a prebuilt join onto the timeline if its exit is still ahead."""
        if not self.slots or self.slots[-1].kind != "song" or self.slots[-1].uid != tr.source:
            return False
        tl = self.timeline
        with tl.lock:
            last = tl.segments[-1]
            cut, join_seg, song_seg = tr.segments
            exit_sample = last.start + cut.length
            if exit_sample <= self.render_head() + self.safety() // 2 or \
                    cut.from_bar != last.from_bar:
                return False
            open_seg = self.slots[-1].open_segment
            tl.splice([s for s in (cut, join_seg, song_seg) if s is not None])
        self.slots[-1].open_segment = open_seg
        if join_seg is not None:
            self.slots.append(Slot("join", a=tr.source, b=tr.target, planned=tr))
        self.slots.append(Slot("song", tr.target, open_segment=song_seg,
                               forced=self.mix_now is not None, planned=tr))
        self.mix_now = None
        tr.index = self.joins_done
        self.joins_done += 1
        self.emit(PlayerEvent.TIMELINE, None)
        self.emit(PlayerEvent.PLANNED, tr)
        return True

    def trim_past(self, idx: int, keep_s: float = 30.0) -> None:
        """Forget segments that ended long ago, so an endless session stays small."""
        segs = self.timeline.segments
        limit = self.position() - int(keep_s * self.sample_rate)
        k = 0
        while k < idx - 2 and segs[k].end < limit:
            k += 1
        if k:
            self.timeline.forget_before(k)
            del self.slots[:k]

    # ------------------------------------------------------------------ planning
    def revalidate(self) -> None:
        """Drop a join that no longer matches the queue, then ask for the right one."""
        self.drop_stale()
        self.request()

    def drop_stale(self) -> None:
        """Undo applied joins whose target is no longer what comes next (if not yet started)."""
        segs = self.timeline.segments
        head = self.render_head() + self.safety()
        repeat = self.settings().wraps
        for i, j in self.joins():
            if self.slots[j].forced or segs[i + 1].start <= head:
                continue
            nxt = self.queue.next_after(self.slots[i].uid, repeat)
            if nxt is None or nxt.uid != self.slots[j].uid:
                self.undo_after(i)
                return

    def settings_changed(self) -> None:
        """The join settings changed: undo the planned join that has not started."""
        self._invalidate()
        joins = self.joins()
        if joins and not self.slots[joins[-1][1]].forced:
            i = joins[-1][0]
            if self.timeline.segments[i + 1].start > self.render_head() + self.safety():
                self.undo_after(i)

    def next_join(self) -> tuple[QueueEntry, Segment, QueueEntry | None] | None:
        """The analysed song ending the timeline, its segment, and the song to join it to."""
        if not self.slots or self.slots[-1].kind != "song":
            return None
        src = self.queue.get(self.slots[-1].uid)
        if src is None or src.song is None:
            return None
        target = (self.queue.get(self.mix_now[0]) if self.mix_now is not None
                  else self.queue.next_after(src.uid, self.settings().wraps))
        return src, self.timeline.segments[-1], target

    def request(self) -> None:
        """Ask for the join after the last song on the timeline (one background job)."""
        if self.slots and self.song_index_for(self.current_index()) != len(self.slots) - 1:
            return  # one join ahead is enough: the next is planned once that song plays
        join = self.next_join()
        if join is None:
            return
        src, seg, target = join
        if target is None:
            return
        a = src.song
        assert a is not None
        if self.mix_now is None and self.adding() and self.queue.wraps(src, target):
            return  # songs being added may come next: wait for them (or the fallback)
        if seg.to_bar < a.n_bars:
            return  # already joined (a cut song is followed by its join)
        b = target.song
        if b is None:
            if target.status == EntryStatus.WAITING:
                self.analyse(target)
            return
        key = (self.generation, src.uid, target.uid)
        if self.inflight == key or self.failed == key:
            return
        self.inflight = key
        exit_bars = self._exit_window(seg, a)
        mix = self._mix_settings()
        mode = join_mode(self.settings().transition)
        sr, gen, seed, from_bar = self.sample_rate, self.generation, self.joins_done, seg.from_bar
        min_exit = from_bar + 1 if self.mix_now else min(from_bar + MIN_PLAY_BARS, a.n_bars)
        source, dest, composer = src.uid, target.uid, self.composer
        notes: list[str] = []  # the job's own: handed back with its result

        def job() -> PlannedJoin:
            comp = None if mode is JoinMode.CROSSFADE else composer(mode.value, notes.append)
            plan = plan_mix(a, b, mix, exit_bars=exit_bars, min_exit_bar=min_exit)
            return build_join(a, b, from_bar, plan, comp, sr, seed, source, dest, gen)

        self.run_background(job, lambda r, e: self._planned(r, e, notes), 10)

    def _planned(self, result: PlannedJoin | None, error: BaseException | None,
                 notes: list[str]) -> None:
        for n in notes:
            self.say(Notice.of(n, NoticeLevel.WARNING))
        if error is not None or result is None:
            log.warning("planning failed: %s", error)
            self.failed, self.inflight = self.inflight, None
            return
        if result.generation != self.generation or self.closed:
            return  # stale: the queue or the settings changed meanwhile
        self.inflight = None
        if not self.apply(result):
            # The exit bar slipped into the past while planning: plan again closer in.
            self.request()

    def _exit_window(self, seg: Segment, song: Song) -> range | None:
        """Exit bars still far enough ahead; ``None`` (free choice) when all of them are."""
        extra = self.join_lead_bars()
        if self.mix_now is not None:
            bar = max(self.first_future_bar(seg, song, lead_s=0.25) + extra, self.mix_now[1])
            bar = min(bar, song.n_bars)
            return range(bar, bar + 1)
        first = min(self.first_future_bar(seg, song, lead_s=2.0) + extra, song.n_bars)
        free_from = int(np.ceil(0.7 * song.n_bars)) if not self.settings().full_songs else \
            song.n_bars
        return None if first <= free_from else range(first, song.n_bars + 1)

    def join_lead_bars(self) -> int:
        """Bars before the exit bar that the join already uses (a crossfade starts early)."""
        return CROSSFADE_BARS if join_mode(self.settings().transition) is JoinMode.CROSSFADE \
            else 0

    def first_future_bar(self, seg: Segment, song: Song, lead_s: float) -> int:
        """First bar of ``seg`` starting at least ``lead_s`` of audio after the render head."""
        limit = self.render_head() + self.safety() + int(lead_s * self.sample_rate)
        rel = limit - seg.start
        k = int(np.searchsorted(seg.bar_samples, rel, side="left"))
        return int(np.clip(seg.from_bar + max(k, 1), 1, song.n_bars))

    def _mix_settings(self) -> MixSettings:
        s = self.settings()
        return MixSettings(method=s.method, full_songs=s.full_songs, seed=self.joins_done)

    # ------------------------------------------------------------------ late, and mix now
    def tick(self) -> None:
        """While playing: plan the next join, or build it on the spot when it is late."""
        if not self.slots or self.slots[-1].kind != "song":
            return
        last = self.timeline.segments[-1]
        if last.to_bar < (last.song.n_bars if last.song else 0):
            return  # already joined
        head, safety = self.render_head(), self.safety()
        remaining = last.end - head
        bar_len = int(np.max(np.diff(last.bar_samples))) if len(last.bar_samples) > 1 \
            else self.sample_rate
        extra = self.join_lead_bars()
        late = remaining < (1 + extra) * bar_len + 2 * safety
        if self.mix_now is not None:
            exit_sample = self.timeline.bar_sample(last, self.mix_now[1] - extra)
            late = late or exit_sample - head < 2 * safety
        if late:
            self.fallback_now()
        else:
            self.request()

    def fallback_now(self) -> None:
        """Late: join on the spot with the rule composer so the music never stops."""
        join = self.next_join()
        if join is None:
            return
        src, seg, target = join
        if target is None:
            return  # the end of the queue (repeat is off)
        if target.song is None:
            # Not analysed in time: join to the next song in queue order that is, rather
            # than stop (never back to the top, which would loop the songs already played).
            target = self._next_ready(src)
            if target is None:
                return
        a, b = src.song, target.song
        assert a is not None and b is not None
        first = self.first_future_bar(seg, a, lead_s=0.0)
        mode = late_join_mode(self.settings().transition)
        if first + self.join_lead_bars() <= a.n_bars:
            first += self.join_lead_bars()
        else:
            # Too late for a crossfade's overlap (it would start behind the render head):
            # a rule bridge after the exit still joins, where nothing would leave silence.
            mode = JoinMode.RULE
        plan = plan_mix(a, b, self._mix_settings(), exit_bars=range(first, first + 1))
        composer = instant_composer(mode)
        tr = build_join(a, b, seg.from_bar, plan, composer, self.sample_rate, self.joins_done,
                        src.uid, target.uid, self.generation, fallback=True)
        if self.apply(tr):
            self.fallbacks += 1
            self._invalidate()  # whatever the worker is still computing is now stale
            log.info("join was late: rule bridge composed on the spot")

    def _next_ready(self, src: QueueEntry) -> QueueEntry | None:
        """The first analysed entry after ``src`` in play order (``src`` itself only when
        repeat is on and nothing else is ready)."""
        uid: int | None = src.uid
        for _ in range(len(self.queue.entries)):
            e = self.queue.next_after(uid, self.settings().wraps)
            if e is None:
                return None
            if e.song is not None:
                return e
            uid = e.uid
        return None

    def mix_into(self, entry: QueueEntry) -> None:
        """"Mix now": leave what is playing at the next bar far enough ahead, into ``entry``."""
        idx = self.song_index_for(self.current_index())
        # Drop joins that have not started; keep the song (or join) that is sounding.
        segs = self.timeline.segments
        head = self.render_head() + self.safety()
        keep = idx
        while keep + 1 < len(self.slots) and segs[keep + 1].start <= head:
            keep += 1
        keep = self.song_index_for(keep)
        if keep < len(self.slots) - 1:
            self.undo_after(keep)
        seg = self.timeline.segments[keep]
        src = self.queue.get(self.slots[keep].uid)
        self._invalidate()
        if src is None or src.song is None:
            return
        bar = min(self.first_future_bar(seg, src.song, lead_s=0.6) + self.join_lead_bars(),
                  src.song.n_bars)
        self.mix_now = (entry.uid, bar)
        if entry.song is None and entry.status == EntryStatus.WAITING:
            self.analyse(entry)
        self.emit(PlayerEvent.MIXING, entry)
        self.request()

    def mixing_into(self, idx: int) -> QueueEntry | None:
        """The song a "mix now" from segment ``idx`` goes to, if one was asked for."""
        mixing = self.queue.get(self.mix_now[0]) if self.mix_now else None
        later = [j for j in range(idx + 1, len(self.slots)) if self.slots[j].kind == "song"]
        if later and self.slots[later[0]].forced:
            mixing = self.queue.get(self.slots[later[0]].uid)
        return mixing
