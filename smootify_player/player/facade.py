"""The Player facade: live, Qt-free playback of a queue over a Timeline, an Engine and a sink."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..composers import Composers
from ..music.song import Song, keep_details
from ..music.timeline import Timeline
from ..notices import Notice, NoticeLevel
from .analysis import AnalysisPool
from .files import Labels
from .joins import JoinRecord, ListeningTest, model_identity
from .loading import SongLoader
from .output import AudioOutput
from .queue import PlayQueue, QueueEntry
from .schedule import RunBackground, TransitionScheduler
from .settings import PlayerSettings
from .states import EntryStatus, PlayerEvent, PlayState
from .view import NowPlaying, RollNote, now_playing, roll

log = logging.getLogger(__name__)

__all__ = ["Player", "RadioSource", "RadioPick"]

#: Radio picks kept in the queue before the song playing; older ones leave the queue.
RADIO_KEEP = 30


class RadioPick(Protocol):
    """What a radio source answers: the file to play next and why it was picked."""

    path: str
    reason: str


class RadioSource(Protocol):
    """Picks the song after one that ends the queue (``library.LibraryRadio``).

    Called from a background job, one call at a time.
    """

    def next_after(self, path: str, recent: Iterable[str] = ()) -> RadioPick | None: ...


class Player:
    """Live playback of a queue of MIDI songs, joined by composed bridges: the facade.

    It holds the transport (play, pause, seek, next, previous), :meth:`poll`, the settings
    and the snapshot, and wires the parts together: :class:`PlayQueue` (what plays next),
    :class:`TransitionScheduler` (when each join is planned, built and spliced in),
    :class:`SongLoader` (analysis), :class:`AudioOutput` (engine and sink) and the views.

    Threads: the Player and all its parts belong to one thread, the owner (the UI thread in
    the app). Heavy work goes through ``run_background`` and its results come back as
    callbacks on the owner's thread; background jobs write nothing the owner reads. The
    audio sink's own thread only renders the timeline (under its lock). Call :meth:`poll`
    regularly (the app does at 30 Hz): it follows the play position, applies the next join
    as soon as it is ready and, should one ever be late, builds one on the spot.

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
        Run the bridge model in a child process (off: numpy composes in a few ms).
    radio : RadioSource, optional
        Picks songs when the queue runs out (``settings.end_of_queue == "radio"``) and for
        :meth:`start_radio`; without it the queue's end repeats or stops.
    """

    def __init__(self, run_background: RunBackground, settings: PlayerSettings | None = None,
                 notice: Callable[[str], None] = print, audio: str | None = None,
                 clock_speed: float | None = None, sample_rate: int = 44100,
                 model_process: bool = False, radio: RadioSource | None = None,
                 analysis_process: bool = False) -> None:
        self.radio = radio
        self._radio_seed: int | None = None  # uid of the song "Start radio" was asked from
        self._radio_asked: int | None = None  # uid whose radio pick is being made or failed
        #: A blind listening test: each join's method and mode come from it, unnamed.
        self.listening_test: ListeningTest | None = None
        self._test_first = 0  # the scheduler's join count at the test's join 0
        self.run_background = run_background
        self.settings = settings or PlayerSettings()
        self.notice = notice
        self.play_queue = PlayQueue()
        self.current: QueueEntry | None = None
        self.state = PlayState.STOPPED
        self.listeners: list[Callable[[str, Any], None]] = []
        self.timeline = Timeline(sample_rate)
        self.output = AudioOutput(self.timeline, run_background, self._say, self._audio_ready,
                                  audio, clock_speed)
        self.composers = Composers(model_process)
        self.scheduler = TransitionScheduler(
            self.timeline, self.play_queue, self._join_settings, run_background,
            self.composers.get, position=lambda: self.output.position,
            render_head=lambda: self.output.render_head, speed=lambda: self.output.speed,
            analyse=lambda e: self.loader.analyse(e, priority=10),
            adding=lambda: self.loader.batches > 0, emit=self._emit, say=self._say)
        #: Songs added are analysed in a child process (the app: keeps the UI thread's
        #: interpreter free); None analyses them on the background jobs' threads.
        self.analysis = AnalysisPool() if analysis_process else None
        self.loader = SongLoader(self.play_queue, run_background, self._say,
                                 lambda e: self._emit(PlayerEvent.ENTRY, e), self._analysed,
                                 self.analysis.load if self.analysis else Song.load)
        self._want_play: tuple[int, float, bool] | None = None  # (uid, seconds, paused)

    # ------------------------------------------------------------------ events
    def _emit(self, kind: PlayerEvent, payload: Any = None) -> None:
        if kind is PlayerEvent.TIMELINE:
            # Notes stay in memory for the songs on the timeline; a song further down
            # the queue keeps its summary and is parsed again when its join is planned.
            keep_details(seg.song for seg in self.timeline.segments if seg.song is not None)
        for fn in list(self.listeners):
            fn(kind, payload)

    def _say(self, text: str, level: NoticeLevel = NoticeLevel.INFO) -> None:
        """Tell the user ``text`` (a :class:`Notice` keeps its own level)."""
        notice = Notice.of(text, level)
        self.notice(notice)
        self._emit(PlayerEvent.NOTICE, notice)

    @property
    def sample_rate(self) -> int:
        return self.timeline.sample_rate

    # ------------------------------------------------------------------ audio
    @property
    def engine(self) -> Any:
        """The :class:`~smootify_player.audio.engine.Engine`, once audio runs."""
        return self.output.engine

    @property
    def audio_name(self) -> str:
        return self.output.name

    @property
    def volume(self) -> float:
        return self.output.volume

    def start_audio(self) -> None:
        """Load the soundfont and open the audio output in the background."""
        self.output.start(self.settings.soundfont or None)

    def _audio_ready(self, name: str) -> None:
        self._emit(PlayerEvent.AUDIO, name)
        self._start_wanted()

    def _start_wanted(self) -> None:
        if self._want_play is None or not self.output.ready:
            return
        entry = self.play_queue.get(self._want_play[0])
        if entry is None or entry.status == EntryStatus.FAILED:
            self._want_play = None
            self._set_state(PlayState.STOPPED)
            return
        if entry.song is not None:
            _, seconds, paused = self._want_play
            self._want_play = None
            self._start_fresh(entry, seconds, paused)

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
            labels: Labels | None = None) -> list[QueueEntry]:
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

        Songs appear in order, a chunk at a time as their analysis finishes (a big folder
        fills in progressively; the owner's thread works per chunk, never per file).
        Non-MIDI and broken files get a one-line notice and are not queued. With ``play``
        the first one queued starts (through a bridge if something plays).
        ``done`` receives every entry queued once the batch is through.
        """
        def finished(added: list[QueueEntry]) -> None:
            if done is not None:
                done(added)
            self._revalidate()

        self.loader.add_batch(paths, at, lambda ps, row, songs, labels: self.add(
            ps, row, songs, labels), finished, self.play_entry if play else None)

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
        if self.queue[0] is self.current and self.state in (PlayState.PLAYING, PlayState.PAUSED):
            self.play()  # already on it: carry on
        else:
            self.play_entry(self.queue[0])

    def _queue_changed(self) -> None:
        self._emit(PlayerEvent.QUEUE)
        self._schedule_analysis()
        self._revalidate()

    # ------------------------------------------------------------------ analysis
    def _schedule_analysis(self) -> None:
        """Analyse waiting entries one at a time, what plays next first."""
        last = self.scheduler.last_song_uid()
        self.loader.analyse_next(first=self._next_after(
            last if last is not None else self.current.uid if self.current else None))

    def _analysed(self, e: QueueEntry) -> None:
        if self._want_play is not None and self._want_play[0] == e.uid:
            self._start_wanted()
        self._schedule_analysis()
        self._revalidate()

    # ------------------------------------------------------------------ playback
    def play(self) -> None:
        """Play (or resume); starts the queue's first playable song when nothing is loaded."""
        if self.state == PlayState.PAUSED and self.output.ready:
            self.output.set_paused(False)
            self._set_state(PlayState.PLAYING)
            return
        if self.state in (PlayState.PLAYING, PlayState.LOADING):
            return
        start = self.play_queue.first_playable(self.current)
        if start is not None:
            self.play_entry(start)

    def pause(self) -> None:
        if self.output.ready and self.state == PlayState.PLAYING:
            self.output.set_paused(True)
            self._set_state(PlayState.PAUSED)

    def stop(self) -> None:
        """Stop and unload: nothing on the timeline, no current song (the app's Clear);
        :meth:`play` then starts the queue's first playable song afresh."""
        if self.output.ready:
            self.output.set_paused(True)
        self._want_play = None
        sch = self.scheduler
        sch.generation += 1  # a join being built for the old timeline is dropped
        sch.mix_now = None
        with self.timeline.lock:
            self.timeline.truncate(0)
        sch.slots.clear()
        self.current = None
        self._set_state(PlayState.STOPPED)
        self._emit(PlayerEvent.CURRENT, None)
        self._emit(PlayerEvent.TIMELINE)

    def toggle(self) -> None:
        """Play/pause."""
        self.pause() if self.state == PlayState.PLAYING else self.play()

    def _set_state(self, state: PlayState) -> None:
        if state != self.state:
            self.state = state
            self._emit(PlayerEvent.STATE, state)

    def set_volume(self, volume: float) -> None:
        self.output.set_volume(float(np.clip(volume, 0.0, 1.0)))

    def play_entry(self, entry: QueueEntry, seconds: float = 0.0, paused: bool = False) -> None:
        """Play ``entry`` now: through a bridge from what is playing, else from ``seconds``.

        With ``paused`` (restoring a saved session) it is cued at ``seconds`` and waits.
        """
        if entry.status == EntryStatus.FAILED:
            self._say(f"{entry.title}: cannot be played ({entry.error})", NoticeLevel.ERROR)
            return
        if not entry.radio and entry.uid != self._radio_seed:
            self._radio_seed = None  # a song outside the radio: "Start radio" is over
        if self.state in (PlayState.PLAYING, PlayState.PAUSED) and self.timeline.segments:
            if self.state == PlayState.PAUSED:
                self.output.set_paused(False)
                self._set_state(PlayState.PLAYING)
            self.scheduler.mix_into(entry)
            return
        self.current = entry
        self.play_queue.follow(entry, or_top=True)
        self._emit(PlayerEvent.CURRENT, entry)
        if not self.output.ready or entry.song is None:
            self._want_play = (entry.uid, seconds, paused)
            self._set_state(PlayState.LOADING)
            self.start_audio()
            if entry.status == EntryStatus.WAITING:
                self.loader.analyse(entry, priority=10)
            return
        self._start_fresh(entry, seconds, paused)

    def _start_fresh(self, entry: QueueEntry, seconds: float, paused: bool = False) -> None:
        """Start a new run of the timeline at ``entry`` (nothing was playing)."""
        song = entry.song
        assert song is not None and self.output.ready
        seg = self.scheduler.start(entry)
        start = seg.start + int(np.clip(seconds, 0, max(song.duration - 1, 0)) * self.sample_rate)
        self.output.seek(start)
        self.output.set_paused(paused)
        self.current = entry
        self.play_queue.follow(entry, or_top=True)
        self._set_state(PlayState.PAUSED if paused else PlayState.PLAYING)
        self._emit(PlayerEvent.CURRENT, entry)
        self._emit(PlayerEvent.TIMELINE)
        self._revalidate()

    def next(self) -> None:
        """Mix now into the next song, through a bridge at the next bar far enough ahead."""
        src = self.current
        target = self._next_after(src.uid if src else None, skip_self=True)
        if target is not None:
            self.play_entry(target)

    def previous(self) -> None:
        """Back to the start of this song when past its first seconds, else the song before."""
        idx = self.scheduler.song_index_for(self.scheduler.current_index())
        if idx >= 0:
            seg = self.timeline.segments[idx]
            if (self.position - seg.start) / self.sample_rate > 4.0:
                self.seek(self.scheduler.song_seconds(idx, seg.start))
                return
        e = self.play_queue.previous_before(self.current)
        if e is not None:
            self.play_entry(e)

    def seek(self, seconds: float) -> None:
        """Seek to ``seconds`` into the current song's file, its own time as the seek bar
        shows it (see :meth:`now_playing`), clamped to the part of it on the timeline: from
        its entry to the end of the join after it."""
        if not self.output.ready or not self.timeline.segments:
            return
        target = self.scheduler.seek_sample(seconds)
        self.output.seek(target)
        self._emit(PlayerEvent.SEEK, target)

    # ------------------------------------------------------------------ positions
    @property
    def position(self) -> int:
        """Timeline sample heard now."""
        return self.output.position

    def now_playing(self) -> NowPlaying:
        """Title ("A + B" during a join), position, length and join marks of the current
        song, in its own time (:func:`.view.now_playing`; B's entry bar during a join).

        During a listening test the join's kind is not named.
        """
        out = now_playing(self.scheduler, self.play_queue, self.position, self.state,
                          self.current)
        if self.listening_test is not None and out.in_bridge:
            out.subtitle = "Join"
        return out

    # ------------------------------------------------------------------ joins rated
    def _join_settings(self) -> PlayerSettings:
        """The settings the next join is planned with (a listening test's draw for it)."""
        test = self.listening_test
        if test is None:
            return self.settings
        method, transition = test.choice(self.scheduler.joins_done - self._test_first)
        return dataclasses.replace(self.settings, method=method, transition=transition)

    def start_listening_test(self, test: ListeningTest | None, done: int = 0) -> None:
        """Start (or with None end) a blind listening test: joins planned from now on take
        its method and mode, from its join ``done`` on (a test resumed after a restart
        goes on where it was)."""
        self.listening_test = test
        self._test_first = self.scheduler.joins_done - max(int(done), 0)
        self.scheduler.settings_changed()
        self._revalidate()

    @property
    def listening_test_done(self) -> int:
        """Joins of the running listening test planned so far, less those planned and not
        reached yet (a test resumed after a restart gives those again); 0 when none runs."""
        if self.listening_test is None:
            return 0
        sch = self.scheduler
        idx = sch.current_index()
        reached = {id(s.planned) for s in sch.slots[:idx + 1] if s.planned is not None}
        ahead = {id(s.planned) for s in sch.slots[idx + 1:] if s.planned is not None}
        return max(sch.joins_done - self._test_first - len(ahead - reached), 0)

    def last_join(self) -> JoinRecord | None:
        """The plan of the join playing now, else of the last one heard (None before any).

        :attr:`JoinRecord.seconds_since` says how long ago it ended (0 while it plays): the
        app offers a rating while it plays and for 30 s after.
        """
        sch, segs, pos = self.scheduler, self.timeline.segments, self.position
        idx = sch.current_index()
        for j in range(min(idx, len(sch.slots) - 1), -1, -1):
            slot, tr = sch.slots[j], sch.slots[j].planned
            if tr is None:
                continue
            end = segs[j].end if slot.kind == "join" else segs[j].start
            return self._join_record(tr, max(0, pos - end) / self.sample_rate)
        return None

    def _join_record(self, tr: Any, since: float) -> JoinRecord | None:
        a, b = self.play_queue.get(tr.source), self.play_queue.get(tr.target)
        if a is None or b is None or a.song is None or b.song is None:
            return None
        plan = tr.plan
        model_file = model_version = ""
        if tr.mode == "unet":
            model_file, model_version = model_identity()
        assigned = ""
        if self.listening_test is not None and tr.index >= 0:
            assigned = "/".join(self.listening_test.choice(tr.index - self._test_first))
        return JoinRecord(
            a_path=str(a.path), a_digest=a.song.digest, a_title=a.title, b_path=str(b.path),
            b_digest=b.song.digest, b_title=b.title, exit_bar=int(plan.exit_bar),
            entry_bar=int(plan.entry_bar), method=plan.method, mode=tr.mode,
            score=float(plan.score), tempo_from=float(plan.tempo_from),
            tempo_to=float(plan.tempo_to), fallback=bool(tr.fallback), model_file=model_file,
            model_version=model_version, assigned=assigned,
            parts={k: float(v) for k, v in plan.parts.items()}, seconds_since=since)

    # ------------------------------------------------------------------ transitions
    def up_next(self) -> QueueEntry | None:
        """The entry that plays after the current one."""
        return self._next_after(self.current.uid if self.current else None)

    def _next_after(self, uid: int | None, skip_self: bool = False) -> QueueEntry | None:
        """The entry that plays after entry ``uid`` (wrapping when repeat is on)."""
        return self.play_queue.next_after(uid, self.settings.wraps, skip_self)

    # ------------------------------------------------------------------ radio
    def start_radio(self, entry: QueueEntry) -> None:
        """"Start radio" from ``entry``: it plays (through a bridge if something plays),
        then songs the radio picks, each queued right after the one before."""
        if self.radio is None:
            self._say("Radio needs a music library", NoticeLevel.WARNING)
            return
        self._radio_seed = entry.uid
        self._radio_asked = None
        if entry is not self.current or self.state not in (PlayState.PLAYING,
                                                           PlayState.PAUSED):
            self.play_entry(entry)
        self._radio_fill()

    @property
    def radio_on(self) -> bool:
        """The radio picks what follows: on demand, or the queue's end in radio mode."""
        return self.radio is not None and (self._radio_seed is not None or self.settings.radio)

    def _radio_fill(self) -> None:
        """Queue the radio's pick after the song ending the timeline when it is needed:
        "Start radio" is on and the next row is not a pick yet, or the queue runs out."""
        if self.radio is None or not self.scheduler.slots:
            return
        last = self.scheduler.last_song_uid()
        entry = self.play_queue.get(last)
        if entry is None or last == self._radio_asked:
            return
        nxt = self.play_queue.next_after(last, False)
        if self._radio_seed is not None and (entry.radio or entry.uid == self._radio_seed):
            if nxt is not None and nxt.radio:
                return
        elif not self.settings.radio or nxt is not None:
            return
        self._radio_asked = last
        source, path = self.radio, str(entry.path)
        row = self.play_queue.row_of(entry)
        recent = [str(e.path) for e in self.queue[:row][-50:]] if row is not None else []

        def job() -> RadioPick | None:
            return source.next_after(path, recent)

        def done(pick: RadioPick | None, error: BaseException | None) -> None:
            if error is not None or pick is None:
                self._say(f"Radio: no song to follow {entry.title}"
                          + (f" ({error})" if error is not None else ""), NoticeLevel.WARNING)
                return
            if self.scheduler.last_song_uid() != last:
                self._radio_asked = None  # the timeline moved on meanwhile: ask again
                return
            at = self.play_queue.row_of(entry)
            added = self.play_queue.add([pick.path], None if at is None else at + 1)
            added[0].radio, added[0].reason = True, pick.reason
            self._radio_trim()
            self._queue_changed()

        self.run_background(job, done, 5)

    def _radio_trim(self) -> None:
        """Drop radio picks long played (all but :data:`RADIO_KEEP` before the song playing)
        and forget entries off the timeline, so hours of radio stay small."""
        cur = self.play_queue.row_of(self.current)
        if cur is None:
            return
        old = [i for i, e in enumerate(self.queue[:cur]) if e.radio]
        if len(old) <= RADIO_KEEP:
            return
        self.play_queue.remove(old[:len(old) - RADIO_KEEP], self.current)
        keep = {u for s in self.scheduler.slots for u in (s.uid, s.a, s.b) if u is not None}
        if self.current is not None:
            keep.add(self.current.uid)
        self.play_queue.forget(keep)

    def _revalidate(self) -> None:
        """Drop transitions that no longer match the queue, then ask for the right one."""
        if not self.scheduler.slots or self.state not in (PlayState.PLAYING, PlayState.PAUSED):
            return
        self.scheduler.revalidate()

    # ------------------------------------------------------------------ clock
    def poll(self) -> None:
        """Follow the play position: current song, end of queue, late transitions."""
        sch = self.scheduler
        if not self.output.ready or not sch.slots:
            return
        err = self.output.take_error()
        if err:
            self._say(f"Audio error: {err}", NoticeLevel.ERROR)
        idx = sch.current_index()
        entry = self.play_queue.get(sch.slots[sch.song_index_for(idx)].uid)
        if entry is not None and entry is not self.current:
            self.current = entry
            self.play_queue.follow(entry)
            self._emit(PlayerEvent.CURRENT, entry)
            self._revalidate()
        if self.state != PlayState.PLAYING:
            return
        self._radio_fill()
        sch.trim_past(idx)
        if self.position >= self.timeline.segments[-1].end:
            nxt = self._next_after(sch.last_song_uid())
            if nxt is not None and nxt.song is not None:
                # No join in time (this thread stalled past the song's end): go on with the
                # next song after the gap rather than stop.
                log.warning("no join before the end of the song: %s starts afresh", nxt.title)
                self._start_fresh(nxt, 0.0)
                return
            # The queue ran out (repeat off, or nothing playable): stop at the end.
            self.output.set_paused(True)
            self._set_state(PlayState.STOPPED)
            self._emit(PlayerEvent.ENDED)
            return
        sch.tick()

    # ------------------------------------------------------------------ settings
    def apply_settings(self, settings: PlayerSettings) -> None:
        """Take new settings; planned joins are recomputed, a new soundfont reloads audio."""
        old = self.settings
        self.settings = settings
        if settings.soundfont != old.soundfont:
            self.output.reload_soundfont(settings.soundfont or None)
        if (settings.transition, settings.method, settings.full_songs, settings.repeat,
                settings.end_of_queue) != (old.transition, old.method, old.full_songs,
                                           old.repeat, old.end_of_queue):
            self._radio_asked = None
            # Undo the planned join that has not started so it is made with the new settings.
            self.scheduler.settings_changed()
            self._revalidate()

    # ------------------------------------------------------------------ rolls
    def roll(self, t0: float, t1: float
             ) -> tuple[list[RollNote], list[tuple[float, float, str]]]:
        """Notes sounding between timeline seconds ``t0`` and ``t1``, and the joins there.

        Joins come as (start, end, composer name) in timeline seconds.
        """
        notes, spans = roll(self.timeline, t0, t1)
        if self.listening_test is not None:  # blind: the kind of join is not named
            spans = [(s0, s1, "") for s0, s1, _ in spans]
        return notes, spans

    def position_seconds(self) -> float:
        """Timeline seconds heard now."""
        return self.position / self.sample_rate

    # ------------------------------------------------------------------ export
    def export(self, path: str | Path, progress: Callable[[int, int, str], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> Any:
        """Write the queue, played once from the top with its joins, to WAV, FLAC or MIDI.

        Songs not analysed (or failed) are left out; see :func:`.export.export_mix`, which
        returns an :class:`~.export.ExportResult`. Runs here: the app runs
        :meth:`export_job` in a background job instead.
        """
        return self.export_job(path, progress, cancel)()

    def export_job(self, path: str | Path,
                   progress: Callable[[int, int, str], None] | None = None,
                   cancel: Callable[[], bool] | None = None) -> Callable[[], Any]:
        """:meth:`export` as a job for a background thread: the queue's songs and the
        settings are taken now, on the owner's thread, so later queue edits do not reach
        the export while it runs."""
        from .export import export_mix

        songs = [e.song for e in self.queue if e.song is not None]
        settings, composer, sr = dataclasses.replace(self.settings), self.composers.get, \
            self.sample_rate
        notice = self.notice
        return lambda: export_mix(songs, path, settings, composer, progress, cancel, sr,
                                  notice=notice)

    # ------------------------------------------------------------------ state
    def snapshot(self) -> dict[str, Any]:
        """Queue paths, current row and seconds into the current song, for saving."""
        row = self.play_queue.row_of(self.current)
        seconds = self.scheduler.seconds_into(self.current)
        order = self.play_queue.original_order()
        labels = {str(e.path): list(e.label) for e in self.queue if e.label}
        return {"queue": [str(e.path) for e in self.queue], "current": -1 if row is None
                else row, "position": seconds, "volume": self.volume, "original_order": order,
                "labels": labels}

    def close(self) -> None:
        """Stop the audio and release the synth."""
        if self.analysis is not None:
            self.analysis.close()
        self.output.close()
        self.scheduler.closed = True
        self.composers.close()
