"""SongLoader on a runner that holds jobs: batches queue in order, broken files are left out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from midi_factory import write_song

from smootify_player.constants import URGENT_PRIORITY
from smootify_player.notices import NoticeLevel
from smootify_player.player import loading
from smootify_player.player.loading import SongLoader
from smootify_player.player.queue import PlayQueue
from smootify_player.player.states import EntryStatus


class Held:
    """Holds background jobs; :meth:`run` runs the one at ``i`` and reports back."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable, Callable]] = []
        self.priorities: list[int] = []

    def __call__(self, fn: Callable, on_done: Callable, priority: int = 0) -> None:
        self.jobs.append((fn, on_done))
        self.priorities.append(priority)

    def run(self, i: int = 0) -> None:
        fn, on_done = self.jobs.pop(i)
        try:
            result, error = fn(), None
        except Exception as exc:  # noqa: BLE001 - handed back like the app's worker does
            result, error = None, exc
        on_done(result, error)


def make(queue: PlayQueue, runner: Held, said: list) -> SongLoader:
    return SongLoader(queue, runner, lambda text, level: said.append((str(text), level)),
                      lambda e: None, lambda e: None)


def queue_into(q: PlayQueue, calls: list | None = None):
    def queue_songs(paths, row, songs, labels):
        if calls is not None:
            calls.append(len(paths))
        return q.add(paths, row, songs, labels)
    return queue_songs


def test_a_batch_queues_in_order_a_chunk_at_a_time_and_leaves_broken_ones_out(
        tmp_path: Path, monkeypatch):
    monkeypatch.setattr(loading, "CHUNK_FILES", 1)
    a, b = (write_song(tmp_path / f"{n}.mid", bars=2) for n in "ab")
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd\x00\x00\x00\x06junk")
    q, runner, said = PlayQueue(), Held(), []
    q.add([Path("x.mid"), Path("y.mid")])
    loader = make(q, runner, said)
    firsts, done = [], []
    loader.add_batch([a, broken, b], 1, queue_into(q), done.append, firsts.append)
    assert loader.batches == 1
    runner.run()  # expand
    assert len(runner.jobs) == 1  # one chunk at a time: other jobs get in between
    runner.run()  # a, alone: the song to play is what the listener waits for
    assert [e.path.stem for e in q] == ["x", "a", "y"] and firsts[0].path.stem == "a"
    assert runner.priorities[:2] == [URGENT_PRIORITY] * 2, "expand and a: urgent"
    runner.run()  # broken
    assert runner.priorities[2] < URGENT_PRIORITY, "the rest: background work"
    assert any(lvl is NoticeLevel.ERROR and "broken.mid" in t for t, lvl in said)
    q.move([1], 0)  # the user moves a: b still follows it
    assert len(runner.jobs) == 1 and not done
    runner.run()  # b
    assert [e.path.stem for e in q] == ["a", "b", "x", "y"] and len(firsts) == 1
    assert [e.path.stem for e in done[0]] == ["a", "b"] and loader.batches == 0
    assert not runner.jobs


def test_the_owner_queues_per_chunk_not_per_file(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(loading, "CHUNK_SECONDS", 60.0)
    song = write_song(tmp_path / "s.mid", bars=2)
    files = [tmp_path / f"s{i:03d}.mid" for i in range(120)]
    for f in files:
        f.write_bytes(song.read_bytes())
    q, runner, said, calls, done = PlayQueue(), Held(), [], [], []
    loader = make(q, runner, said)
    loader.add_batch([tmp_path], None, queue_into(q, calls), done.append)
    while runner.jobs:
        runner.run()
    assert calls == [121] and len(q) == 121 and len(done[0]) == 121
    assert len(loading._load_chunk(files, budget=0.0)) == 1  # at least one file a chunk


def test_notices_of_one_batch_are_capped_with_a_count(tmp_path: Path):
    bad = []
    for i in range(loading.NOTICES_PER_BATCH + 7):
        bad.append(tmp_path / f"bad{i}.mid")
        bad[-1].write_bytes(b"MThd junk")
    q, runner, said, done = PlayQueue(), Held(), [], []
    loader = make(q, runner, said)
    loader.add_batch(bad, None, queue_into(q), done.append)
    while runner.jobs:
        runner.run()
    assert len(said) == loading.NOTICES_PER_BATCH + 1 and "7 more files" in said[-1][0]
    assert done == [[]] and not q.entries


def test_analyse_next_takes_what_plays_next_first(tmp_path: Path):
    q, runner, said = PlayQueue(), Held(), []
    a, b = q.add([write_song(tmp_path / f"{n}.mid", bars=2) for n in "ab"])
    loader = make(q, runner, said)
    loader.analyse_next(first=b)
    assert b.status == EntryStatus.ANALYSING and a.status == EntryStatus.WAITING
    loader.analyse_next()  # one at a time
    assert len(runner.jobs) == 1
    runner.run()
    assert b.status == EntryStatus.READY and b.song is not None
    loader.analyse_next()
    assert a.status == EntryStatus.ANALYSING
