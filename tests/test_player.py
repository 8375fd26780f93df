"""The Qt-free Player: transitions through the worker, fallbacks, queue edits, end of queue."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from midi_factory import write_song

from smootify_player.audio.synth import fallback_soundfont
from smootify_player.player import Player, PlayerSettings, expand_paths, read_m3u, write_m3u8

SPEED = 16.0


class Harness:
    """Runs background jobs on a thread and hands results back on the test's thread."""

    def __init__(self, hold: Callable[[Callable], bool] | None = None) -> None:
        self.pool = ThreadPoolExecutor(1)
        self.done: queue.Queue = queue.Queue()
        self.hold = hold  # jobs for which this returns True never report back

    def __call__(self, fn, on_done, priority: int = 0) -> None:
        def run() -> None:
            try:
                result, error = fn(), None
            except BaseException as exc:  # noqa: BLE001
                result, error = None, exc
            if self.hold is None or not self.hold(result):
                self.done.put((on_done, result, error))

        self.pool.submit(run)

    def run(self, player: Player, until: Callable[[], bool], timeout: float = 15.0) -> bool:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            while not self.done.empty():
                cb, r, e = self.done.get()
                cb(r, e)
            player.poll()
            if until():
                return True
            time.sleep(0.005)
        return False


@pytest.fixture
def songs(tmp_path: Path) -> list[Path]:
    return [write_song(tmp_path / f"{n}.mid", bars=12, tempo=180, tonic=t, seed=i)
            for i, (n, t) in enumerate((("alpha", 0), ("beta", 7), ("gamma", 9)))]


@pytest.fixture(autouse=True)
def _small_soundfont(monkeypatch: pytest.MonkeyPatch) -> None:
    sf = fallback_soundfont()
    if sf is not None:
        monkeypatch.setenv("SMOOTIFY_SOUNDFONT", str(sf))


def make(h: Harness, speed: float = SPEED, **settings) -> tuple[Player, list[str]]:
    titles: list[str] = []
    p = Player(h, PlayerSettings(transition="crossfade", **settings), notice=lambda m: None,
               audio="silent", clock_speed=speed)

    def watch(kind: str, payload) -> None:
        t = p.now_playing().title
        if t and (not titles or titles[-1] != t):
            titles.append(t)

    p.listeners.append(watch)
    return p, titles


def follow(h: Harness, p: Player, titles: list[str], until: Callable[[], bool],
           timeout: float = 15.0) -> bool:
    def check() -> bool:
        t = p.now_playing().title
        if t and (not titles or titles[-1] != t):
            titles.append(t)
        return until()

    return h.run(p, check, timeout)


def test_expand_paths_files_folders_playlists(songs, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    m3u = tmp_path / "list.m3u"
    m3u.write_text("#EXTM3U\nbeta.mid\n\n# comment\nmissing.mid\n")
    notes: list[str] = []
    out = expand_paths([songs[0], m3u, tmp_path / "notes.txt"], notes.append)
    assert [p.name for p in out] == ["alpha.mid", "beta.mid"]
    assert any("missing.mid" in n for n in notes) and any("notes.txt" in n for n in notes)
    assert [p.name for p in expand_paths([tmp_path])] == ["alpha.mid", "beta.mid", "gamma.mid"]
    target = tmp_path / "out.m3u8"
    write_m3u8(songs, target)
    assert read_m3u(target) == [s.resolve() for s in songs]


def test_plays_through_bridges_and_wraps_to_the_top(songs):
    h = Harness()
    p, titles = make(h)
    p.add(songs)
    p.play()
    assert follow(h, p, titles, lambda: titles.count("alpha") >= 2, timeout=20)
    assert titles[:6] == ["alpha", "alpha + beta", "beta", "beta + gamma", "gamma",
                          "gamma + alpha"]
    assert p.scheduler.fallbacks == 0 and p.scheduler.joins_done >= 3
    # the engine really rendered the whole way: its position is the heard position
    assert p.engine.position >= p.position
    # segments long past are forgotten, so an endless session stays small
    assert h.run(p, lambda: p.timeline.segments[0].start > 0, timeout=10)
    assert len(p.timeline.segments) <= 10
    p.close()


def test_repeat_off_stops_at_the_end(songs):
    h = Harness()
    p, titles = make(h, repeat=False)
    p.add(songs[:2])
    p.play()
    assert follow(h, p, titles, lambda: p.state == "stopped", timeout=20)
    assert titles == ["alpha", "alpha + beta", "beta"]
    p.close()


def test_a_late_plan_falls_back_to_a_rule_bridge(songs):
    from smootify_player.player import PlannedJoin

    h = Harness(hold=lambda result: isinstance(result, PlannedJoin))  # plans never arrive
    p, titles = make(h)
    p.add(songs[:2])
    p.play()
    assert follow(h, p, titles, lambda: p.current is not None and p.current.title == "beta")
    assert "alpha + beta" in titles
    assert p.scheduler.fallbacks >= 1
    p.close()


def test_a_song_ending_with_no_join_goes_on_to_the_next(songs, monkeypatch):
    """Even when no join was built in time (the owner's thread stalled), the music goes on."""
    from smootify_player.player import PlannedJoin

    h = Harness(hold=lambda result: isinstance(result, PlannedJoin))  # plans never arrive
    p, titles = make(h)
    monkeypatch.setattr(p.scheduler, "tick", lambda: None)  # and no fallback on the spot
    p.add(songs[:2])
    p.play()
    assert follow(h, p, titles, lambda: p.current is not None and p.current.title == "beta")
    assert p.state == "playing" and "alpha + beta" not in titles
    p.close()


def test_reordering_drops_the_stale_plan(songs):
    h = Harness()
    p, titles = make(h)
    p.add(songs)
    p.play()
    assert h.run(p, lambda: len(p.timeline.segments) == 3)  # alpha -> beta is planned
    assert p.timeline.segments[-1].song.path.stem == "beta"
    p.move([2], 1)  # gamma is next now
    assert [s.kind for s in p.timeline.segments] == ["song"]
    assert h.run(p, lambda: len(p.timeline.segments) == 3)
    assert p.timeline.segments[-1].song.path.stem == "gamma"
    assert follow(h, p, titles, lambda: "alpha + gamma" in titles)
    p.close()


def test_a_song_that_fails_while_queued_is_skipped_and_marked(songs, tmp_path):
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd\x00\x00\x00\x06junk")
    h = Harness()
    p, titles = make(h)
    p.add([songs[0], broken, songs[1]])
    p.play()
    assert follow(h, p, titles, lambda: "alpha + beta" in titles)
    assert p.queue[1].status == "failed" and "broken.mid" in p.queue[1].error
    p.close()


def test_next_mixes_now_at_the_next_bars(songs):
    h = Harness()
    p, titles = make(h)
    p.add(songs)
    p.play()
    assert h.run(p, lambda: p.state == "playing" and p.position_seconds() > 1.0)
    t = p.position_seconds()
    p.next()
    assert follow(h, p, titles, lambda: p.now_playing().in_bridge)
    bar = 60 / 180 * 4
    assert p.position_seconds() - t < 4 * bar
    assert p.now_playing().title == "alpha + beta"
    p.close()


def test_pause_seek_volume_and_snapshot(songs):
    h = Harness()
    p, _ = make(h)
    p.add(songs)
    p.play()
    assert h.run(p, lambda: p.state == "playing")
    p.pause()
    pos = p.position
    time.sleep(0.1)
    assert p.position == pos
    p.seek(5.0)
    assert abs(p.position_seconds() - 5.0) < 0.05
    p.set_volume(0.5)
    assert p.engine.volume == 0.5
    snap = p.snapshot()
    assert snap["current"] == 0 and abs(snap["position"] - 5.0) < 0.05
    notes, spans = p.roll(4.0, 8.0)
    bar = 60 / 180 * 4
    assert notes and all(n.end >= 4.0 - bar and n.start <= 8.0 + bar for n in notes)
    p.close()


def test_process_composer_composes_in_a_child_process(songs):
    from smootify_player.composers import ProcessComposer, process_composer
    from smootify_player.music.mixpoint import plan_mix
    from smootify_player.music.song import Song
    from smootify_player.music.transition import compose_bridge

    comp = process_composer("rule")
    try:
        assert isinstance(comp, ProcessComposer) and comp._proc.pid
        a, b = Song.load(songs[0]), Song.load(songs[1])
        bridge = compose_bridge(a, b, plan_mix(a, b), comp)
        assert bridge.composer == "rule" and bridge.notes
    finally:
        comp.close()
    assert not comp._proc.is_alive()


def test_crossfade_mode_uses_the_timeline_crossfade(songs):
    h = Harness()
    p, titles = make(h)  # transition="crossfade"
    p.add(songs[:2])
    p.play()
    assert follow(h, p, titles, lambda: "alpha + beta" in titles)
    kinds = [s.kind for s in p.timeline.segments]
    assert "crossfade" in kinds and p.now_playing().subtitle in ("Crossfade", "")
    notes, spans = p.roll(0, p.timeline.length / p.sample_rate)
    assert any(label == "crossfade" for _, _, label in spans)
    assert any(n.bridge for n in notes)
    p.close()


def test_previous_restarts_then_goes_back(songs):
    h = Harness()
    p, titles = make(h, speed=2.0)
    p.add(songs)
    p.play_entry(p.queue[1])
    assert h.run(p, lambda: p.state == "playing" and p.position_seconds() > 4.5)
    p.previous()  # well into the song: back to its start
    assert p.now_playing().position < 1.0 and p.current.title == "beta"
    p.previous()  # at the start: the song before, through a bridge
    assert follow(h, p, titles, lambda: "beta + alpha" in titles)
    assert h.run(p, lambda: p.current.title == "alpha")  # once alpha itself plays
    assert p.up_next().title == "beta"
    p.close()


def test_changing_the_soundfont_swaps_the_synth_while_playing(songs):
    h = Harness()
    said: list[str] = []
    p, _ = make(h)
    p.listeners.append(lambda kind, x: said.append(x) if kind == "notice" else None)
    p.add(songs[:1])
    p.play()
    assert h.run(p, lambda: p.state == "playing")
    old = p.engine.synth
    p.apply_settings(PlayerSettings(transition="crossfade", soundfont=str(fallback_soundfont())))
    assert h.run(p, lambda: p.engine.synth is not old)
    assert h.run(p, lambda: any("Soundfont: TimGM6mb.sf2" in n for n in said)), said
    pos = p.engine.position
    assert h.run(p, lambda: p.engine.position > pos)  # still playing
    p.close()


def test_playlist_titles_and_credits(tmp_path):
    from midi_factory import write_song

    from smootify_player.player import QueueEntry, expand, expand_paths

    song = write_song(tmp_path / "track_01.mid", bars=2)
    other = write_song(tmp_path / "other.mid", bars=2)
    m3u = tmp_path / "list.m3u8"
    m3u.write_text("#EXTM3U\n#EXTINF:4,Korp - Shut It\ntrack_01.mid\nother.mid\n")
    assert expand_paths([m3u]) == [song, other]
    found = expand([m3u])
    assert found.paths == [song, other] and found.labels == {song: ("Shut It", "Korp")}
    entry = QueueEntry(song, label=found.labels[song])
    assert (entry.title, entry.credit) == ("Shut It", "Korp")
    assert QueueEntry(other).title == "other"


def test_labels_stay_on_the_entries_not_in_a_global(tmp_path):
    from midi_factory import write_song

    song = write_song(tmp_path / "track_01.mid", bars=2)
    p = Player(lambda *a, **k: None, notice=lambda m: None, audio="silent")
    e1 = p.add([song], labels={str(song): ["Shut It", "Korp"]})[0]
    e2 = p.add([song])[0]  # the same file added again without its playlist
    assert (e1.title, e1.credit) == ("Shut It", "Korp") and e2.title == "track 01"
    assert p.snapshot()["labels"] == {str(song): ["Shut It", "Korp"]}


def test_queued_songs_keep_only_their_summary_and_the_timeline_keeps_its_notes(tmp_path):
    from smootify_player.music import song as song_mod

    files = [write_song(tmp_path / f"q{i}.mid", bars=8, tempo=180, tonic=i, seed=70 + i)
             for i in range(song_mod.DETAILS_HELD + 6)]
    h = Harness()
    p, _ = make(h)
    p.add(files)
    p.play()
    assert h.run(p, lambda: all(e.song is not None for e in p.queue)
                 and len(p.timeline.segments) >= 3, timeout=20)
    on_timeline = {id(s.song) for s in p.timeline.segments if s.song is not None}
    assert all(s.song.holds_details for s in p.timeline.segments if s.song is not None)
    far = [e.song for e in p.queue if id(e.song) not in on_timeline]
    assert sum(not s.holds_details for s in far) >= len(far) - song_mod.DETAILS_HELD
    p.close()
