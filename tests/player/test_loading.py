"""SongLoader on a runner that holds jobs: batches queue in order, broken files are left out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from midi_factory import write_song

from smootify_player.notices import NoticeLevel
from smootify_player.player.loading import SongLoader
from smootify_player.player.queue import PlayQueue
from smootify_player.player.states import EntryStatus


class Held:
    """Holds background jobs; :meth:`run` runs the one at ``i`` and reports back."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable, Callable]] = []

    def __call__(self, fn: Callable, on_done: Callable, priority: int = 0) -> None:
        self.jobs.append((fn, on_done))

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


def test_a_batch_queues_in_order_as_files_finish_and_leaves_broken_ones_out(tmp_path: Path):
    a, b = (write_song(tmp_path / f"{n}.mid", bars=2) for n in "ab")
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd\x00\x00\x00\x06junk")
    q, runner, said = PlayQueue(), Held(), []
    q.add([Path("x.mid"), Path("y.mid")])
    loader = make(q, runner, said)
    firsts, done = [], []
    loader.add_batch([a, broken, b], 1,
                     lambda p, row, song, labels: q.add([p], row, [song], labels)[0],
                     done.append, firsts.append)
    assert loader.batches == 1
    runner.run()  # expand
    assert len(runner.jobs) == 3
    runner.run(2)  # b loads first: it waits for the files before it
    assert [e.path.stem for e in q] == ["x", "y"]
    runner.run(0)  # a
    assert [e.path.stem for e in q] == ["x", "a", "y"] and firsts[0].path.stem == "a"
    runner.run(0)  # broken: b follows a
    assert [e.path.stem for e in q] == ["x", "a", "b", "y"]
    assert [e.path.stem for e in done[0]] == ["a", "b"] and loader.batches == 0
    assert said[-1][1] is NoticeLevel.ERROR and "broken.mid" in said[-1][0]


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
