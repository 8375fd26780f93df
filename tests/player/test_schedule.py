"""TransitionScheduler on a fake clock with a synchronous (or held) runner: no audio, no threads."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from midi_factory import make_song

from smootify_player.composers import NoBridge
from smootify_player.music.bridge import BridgeComposer, RuleComposer
from smootify_player.music.song import Song
from smootify_player.music.timeline import Timeline
from smootify_player.player import schedule as schedule_mod
from smootify_player.player.queue import PlayQueue
from smootify_player.player.schedule import PlannedJoin, TransitionScheduler
from smootify_player.player.settings import PlayerSettings
from smootify_player.player.states import PlayState
from smootify_player.player.view import NowPlaying, now_playing

SR = 22050
_SONGS: dict[str, Song] = {}


def song(name: str, tonic: int, seed: int) -> Song:
    if name not in _SONGS:
        buf = io.BytesIO()
        make_song(bars=12, tempo=180, tonic=tonic, seed=seed).write(buf)
        _SONGS[name] = Song.from_bytes(buf.getvalue(), Path(f"{name}.mid"))
    return _SONGS[name]


class Runner:
    """Runs jobs at once, or holds them until :meth:`run` while ``hold`` is set."""

    def __init__(self) -> None:
        self.hold = False
        self.jobs: list[tuple[Callable, Callable]] = []

    def __call__(self, fn: Callable, on_done: Callable, priority: int = 0) -> None:
        self.jobs.append((fn, on_done))
        if not self.hold:
            self.run()

    def run(self) -> None:
        while self.jobs:
            fn, on_done = self.jobs.pop(0)
            try:
                result, error = fn(), None
            except Exception as exc:  # noqa: BLE001 - handed back like the app's worker does
                result, error = None, exc
            on_done(result, error)


class Rig:
    """A scheduler over a real Timeline and PlayQueue, with a fake clock."""

    def __init__(self, transition: str = "ai", n: int = 3) -> None:
        self.settings = PlayerSettings(transition=transition)
        self.queue = PlayQueue()
        specs = [("alpha", 0, 0), ("beta", 7, 1), ("gamma", 9, 2)][:n]
        self.queue.add([Path(f"{s}.mid") for s, _, _ in specs],
                       analysed=[song(*spec) for spec in specs])
        self.timeline = Timeline(SR)
        self.runner = Runner()
        self.heard = self.head = 0
        self.events: list[str] = []
        self.said: list[str] = []
        self.asked: list[str] = []

        def composer(name: str, notice: Callable[[str], None]) -> BridgeComposer:
            self.asked.append(name)
            if name == "unet":
                notice("smootify: bridge model unavailable (test); using the rule-based bridge")
            return NoBridge() if name == "none" else RuleComposer()

        self.sch = TransitionScheduler(
            self.timeline, self.queue, lambda: self.settings, self.runner, composer,
            position=lambda: self.heard, render_head=lambda: self.head,
            emit=lambda kind, payload: self.events.append(kind), say=self.said.append)

    def at(self, sample: int) -> None:
        self.heard = self.head = sample

    def names(self) -> list[str]:
        return [self.queue.get(s.uid).path.stem if s.kind == "song" else s.kind
                for s in self.sch.slots]


def test_a_request_plans_and_applies_the_join_to_the_next_song():
    r = Rig()
    r.sch.start(r.queue[0])
    r.sch.request()
    assert r.names() == ["alpha", "join", "beta"]
    assert [s.kind for s in r.timeline.segments] == ["song", "bridge", "song"]
    assert r.sch.joins_done == 1 and "planned" in r.events
    cut = r.timeline.segments[0]
    assert cut.to_bar < cut.song.n_bars  # A leaves at its exit bar
    r.sch.request()  # one join ahead is enough
    assert len(r.runner.jobs) == 0 and r.sch.joins_done == 1


def test_ai_asks_for_the_model_and_says_its_notices_on_the_owners_thread():
    r = Rig()
    r.sch.start(r.queue[0])
    r.sch.request()
    assert r.asked == ["unet"] and r.names() == ["alpha", "join", "beta"]
    assert r.said == ["bridge model unavailable (test); using the rule-based bridge"]


def test_a_queue_change_drops_the_stale_join_and_plans_the_new_one():
    r = Rig()
    r.sch.start(r.queue[0])
    r.sch.request()
    r.queue.move([2], 1)  # gamma is next now
    r.sch.revalidate()
    assert r.names() == ["alpha", "join", "gamma"] and r.sch.joins_done == 2


def test_a_join_that_has_started_is_kept():
    r = Rig()
    r.sch.start(r.queue[0])
    r.sch.request()
    r.at(r.timeline.segments[2].start + 10)  # beta is sounding
    r.queue.move([2], 1)
    r.sch.drop_stale()
    assert r.names() == ["alpha", "join", "beta"]


def test_a_result_that_went_stale_while_planning_is_not_applied():
    r = Rig()
    r.runner.hold = True
    r.sch.start(r.queue[0])
    r.sch.request()
    assert len(r.runner.jobs) == 1
    r.settings = PlayerSettings(transition="crossfade")
    r.sch.settings_changed()
    r.runner.run()  # the old job reports back: its generation is stale
    assert r.names() == ["alpha"] and r.sch.inflight is None
    r.sch.request()
    r.runner.run()
    assert r.names() == ["alpha", "join", "beta"]
    assert r.timeline.segments[1].kind == "crossfade"


def test_settings_change_undoes_only_a_join_that_has_not_started():
    r = Rig()
    r.sch.start(r.queue[0])
    r.sch.request()
    r.at(r.timeline.segments[2].start + 10)
    r.sch.settings_changed()
    assert r.names() == ["alpha", "join", "beta"]


def test_an_exit_that_slipped_into_the_past_plans_again_closer_in():
    r = Rig()
    r.runner.hold = True
    r.sch.start(r.queue[0])
    r.sch.request()
    (fn, on_done), = r.runner.jobs
    r.runner.jobs.clear()
    planned = fn()
    r.at(planned.segments[0].length)  # the render head passed A's planned exit
    on_done(planned, None)
    assert r.names() == ["alpha"] and len(r.runner.jobs) == 1  # asked again
    r.runner.run()
    assert r.names() == ["alpha", "join", "beta"]
    assert r.timeline.segments[0].end > r.head


def test_a_late_join_falls_back_on_the_spot():
    r = Rig(transition="ai")
    r.runner.hold = True  # plans never arrive
    r.sch.start(r.queue[0])
    r.sch.request()
    assert len(r.runner.jobs) == 1
    seg = r.timeline.segments[0]
    r.at(r.timeline.bar_sample(seg, seg.song.n_bars - 1))  # one bar left
    r.sch.tick()
    assert r.sch.fallbacks == 1 and r.names() == ["alpha", "join", "beta"]
    assert r.timeline.segments[1].bridge.composer == "rule"
    assert r.timeline.segments[1].start > r.head  # still ahead of the render head
    r.runner.run()  # the plan that arrives now is stale
    assert r.sch.joins_done == 1 and r.names() == ["alpha", "join", "beta"]


def test_a_late_join_to_a_song_not_analysed_goes_on_in_queue_order():
    """Past an entry still analysing, to the next ready one; never back to the top."""
    r = Rig(transition="ai", n=3)
    r.queue.add([Path("slow.mid")], at=2)  # alpha, beta, slow (not analysed), gamma
    r.runner.hold = True
    r.sch.start(r.queue[1])  # beta plays
    seg = r.timeline.segments[0]
    r.at(r.timeline.bar_sample(seg, seg.song.n_bars - 1))
    r.sch.tick()
    assert r.sch.fallbacks == 1 and r.names() == ["beta", "join", "gamma"]


@pytest.mark.parametrize("left", [2, 1])
def test_a_late_crossfade_with_no_room_for_its_bars_still_joins(left: int):
    """With fewer bars left than a crossfade overlaps, a join is still made ahead of the head
    (a bridge after the exit), never nothing: the song would end in silence."""
    r = Rig(transition="crossfade")
    r.runner.hold = True
    r.sch.start(r.queue[0])
    seg = r.timeline.segments[0]
    r.at(r.timeline.bar_sample(seg, seg.song.n_bars - left) + SR // 10)
    r.sch.tick()
    assert r.sch.fallbacks == 1 and r.names() == ["alpha", "join", "beta"]
    assert r.timeline.segments[1].start > r.head


def test_fallback_in_cut_mode_cuts():
    r = Rig(transition="cut")
    r.runner.hold = True
    r.sch.start(r.queue[0])
    seg = r.timeline.segments[0]
    r.at(r.timeline.bar_sample(seg, seg.song.n_bars - 1))
    r.sch.tick()
    assert r.names() == ["alpha", "beta"] and r.sch.fallbacks == 1  # a cut: no join segment


def test_no_join_past_the_end_of_the_queue_without_repeat():
    r = Rig(n=1)
    r.settings.repeat = False
    r.sch.start(r.queue[0])
    seg = r.timeline.segments[0]
    r.at(r.timeline.bar_sample(seg, seg.song.n_bars - 1))
    r.sch.tick()
    assert r.names() == ["alpha"] and r.sch.fallbacks == 0


def test_mix_now_leaves_at_the_next_bars_and_is_kept_through_queue_changes():
    r = Rig()
    r.sch.start(r.queue[0])
    r.sch.request()  # alpha -> beta planned
    seg = r.timeline.segments[0]
    r.at(r.timeline.bar_sample(seg, 2))
    r.sch.mix_into(r.queue[2])
    assert r.names() == ["alpha", "join", "gamma"] and "mixing" in r.events
    cut = r.timeline.segments[0]
    bar = (r.timeline.bar_sample(cut, 3) - r.timeline.bar_sample(cut, 2))
    assert cut.end - r.head < 3 * bar  # within a bar or two of the render head
    assert r.sch.slots[-1].forced
    r.queue.move([1], 3)  # the queue changes: the asked-for song stays
    r.sch.drop_stale()
    assert r.names() == ["alpha", "join", "gamma"]
    assert r.sch.mixing_into(0) is r.queue.get(r.sch.slots[-1].uid)


def test_song_index_treats_a_join_as_part_of_the_song_after_it():
    r = Rig(transition="crossfade")
    r.sch.start(r.queue[0])
    r.sch.request()
    segs = r.timeline.segments
    r.at(segs[1].start + 1)
    assert r.sch.current_index() == 1 and r.sch.song_index_for(1) == 2


def test_the_seek_bar_counts_the_songs_own_time():
    """The total is the song's length whether or not its next join is planned (A cut at its
    exit bar), the elapsed time is what a saved session restores, and a seek goes there."""
    r = Rig(transition="crossfade")
    alpha, beta = r.queue[0], r.queue[1]
    assert alpha.song is not None and beta.song is not None
    r.sch.start(alpha)
    r.at(3 * SR)

    def shown(entry) -> NowPlaying:
        return now_playing(r.sch, r.queue, r.heard, PlayState.PLAYING, entry)

    before = shown(alpha)
    assert before.duration == pytest.approx(alpha.song.duration, abs=1e-3) and not before.marks
    r.sch.request()  # alpha -> beta planned: alpha is cut at its exit bar
    assert r.names() == ["alpha", "join", "beta"]
    after = shown(alpha)
    assert after.duration == before.duration  # the total does not change
    assert after.position == pytest.approx(3.0) == r.sch.seconds_into(alpha)
    segs = r.timeline.segments
    exit_s = alpha.song.bar_time(segs[0].to_bar)
    assert after.marks == [(pytest.approx(exit_s, abs=1e-3), pytest.approx(
        min(exit_s + segs[1].length / SR, alpha.song.duration), abs=1e-3))]
    # a seek is to seconds into the song, clamped to its part of the timeline
    assert r.sch.seek_sample(5.0) == 5 * SR
    assert r.sch.seek_sample(-1.0) == 0
    assert r.sch.seek_sample(alpha.song.duration + 9) == segs[1].end - 1

    # the join ("A + B"): beta's card, held at beta's entry bar
    entry_s = beta.song.bar_time(segs[2].from_bar)
    r.at(segs[1].start + SR // 2)
    join = shown(beta)
    assert join.in_bridge and join.duration == pytest.approx(beta.song.duration)
    assert join.position == pytest.approx(entry_s) == r.sch.seconds_into(beta)
    # beta itself, its entry bar's offset included; its incoming join drawn before the entry
    r.at(segs[2].start + 2 * SR)
    inb = shown(beta)
    assert inb.position == pytest.approx(entry_s + 2.0) == r.sch.seconds_into(beta)
    assert all(0.0 <= a < b <= entry_s + 1e-9 for a, b in inb.marks)
    assert r.sch.seek_sample(entry_s + 1.0) == segs[2].start + SR
    assert r.sch.seek_sample(0.0) == segs[2].start  # before its entry: the entry


def test_trimming_forgets_segments_long_past():
    r = Rig()
    r.sch.start(r.queue[0])
    r.sch.request()  # alpha -> beta
    r.at(r.timeline.segments[2].start + 1)
    r.sch.request()  # beta -> gamma
    r.at(r.timeline.segments[4].start + 1)
    r.sch.request()  # gamma -> alpha
    assert r.names() == ["alpha", "join", "beta", "join", "gamma", "join", "alpha"]
    r.at(r.timeline.segments[6].start + 1)
    r.sch.trim_past(r.sch.current_index(), keep_s=0.0)
    assert r.names() == ["gamma", "join", "alpha"] and len(r.timeline.segments) == 3


def test_a_failed_plan_is_not_retried_for_the_same_pair(monkeypatch: pytest.MonkeyPatch):
    r = Rig()

    def broken(*a, **k):
        raise ValueError("no mix point")

    monkeypatch.setattr(schedule_mod, "plan_mix", broken)
    r.sch.start(r.queue[0])
    r.sch.request()
    assert r.sch.failed is not None and r.names() == ["alpha"]
    r.sch.request()
    assert r.names() == ["alpha"] and not r.runner.jobs


def test_joins_are_built_through_add_join(monkeypatch: pytest.MonkeyPatch):
    calls = []
    real = schedule_mod.add_join

    def spy(*a, **k):
        calls.append(a[4])
        return real(*a, **k)

    monkeypatch.setattr(schedule_mod, "add_join", spy)
    r = Rig(transition="crossfade")
    r.sch.start(r.queue[0])
    r.sch.request()
    assert calls == [None]  # a crossfade: no composer
    assert r.timeline.segments[1].kind == "crossfade"
    assert isinstance(schedule_mod.build_join(*_join_args(r)), PlannedJoin) and len(calls) == 2


def _join_args(r: Rig) -> tuple:
    from smootify_player.music.mixpoint import plan_mix

    a, b = r.queue[0].song, r.queue[1].song
    return a, b, 0, plan_mix(a, b), RuleComposer(), SR, 0, 1, 2, 0
