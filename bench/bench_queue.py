"""Queueing many songs: time to queue N files and the longest UI-thread stall while it runs.

Runs the real app pieces offscreen: the Player on the app's ``Worker`` (2 threads), the queue
table (``QueueModel`` in a ``QTableView``). Prints one JSON object: seconds until the batch is
queued, the longest background callback run on the UI thread, and the longest gap between
ticks of a 5 ms UI timer (what a user sees as a stall).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_queue.py --count 10000
    ... --count 10000 --distinct 200      # 200 different songs, copied (cached by content hash)
    ... --count 100000 --m3u              # the files through one M3U8 playlist
    ... --dense 60                        # 60 distinct dense songs (each one analysed)

Files go to ``/tmp/smootify_bench_queue`` (written once, reused).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

__all__ = ["main", "make_files"]


def make_files(count: int, distinct: int, folder: Path) -> list[Path]:
    """``count`` tiny MIDI files, ``distinct`` different ones copied round-robin."""
    from midi_factory import write_song

    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"song_{i:06d}.mid" for i in range(count)]
    for i, f in enumerate(files):
        if f.exists():
            continue
        if i < distinct:
            write_song(f, bars=2, seed=i, tonic=i % 12, tempo=90 + i % 60)
        else:
            shutil.copyfile(files[i % distinct], f)
    return files


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--distinct", type=int, default=1)
    ap.add_argument("--m3u", action="store_true", help="add one playlist naming the files")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--in-thread", action="store_true",
                    help="analyse on the worker's threads (the app analyses in a child process)")
    ap.add_argument("--dense", type=int, default=0, metavar="N",
                    help="queue N distinct dense songs (the demo transposed) instead")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    folder = Path("/tmp/smootify_bench_queue") / f"d{args.distinct}"
    t = time.perf_counter()
    if args.dense:
        from bench_queue_memory import dense_songs

        files = dense_songs(args.dense, Path("/tmp/smootify_dense_songs"))
        args.count = args.distinct = args.dense
    else:
        files = make_files(args.count, args.distinct, folder)
    made = time.perf_counter() - t
    targets: list[Path] = files
    if args.m3u:
        m3u = folder.parent / f"d{args.distinct}_{args.count}.m3u8"
        m3u.write_text("#EXTM3U\n" + "".join(f"#EXTINF:1,Bench - Song {i}\n{f}\n"
                                            for i, f in enumerate(files)))
        targets = [m3u]

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication, QTableView

    from smootify_player.app.queue_model import QueueModel
    from smootify_player.app.worker import Worker
    from smootify_player.player import Player

    app = QApplication.instance() or QApplication(["bench"])
    worker = Worker(threads=2)
    longest = [0.0, ""]
    callbacks = [0]

    def submit(fn, on_done, priority=0):
        def timed(result, error):
            t0 = time.perf_counter()
            on_done(result, error)
            dt = time.perf_counter() - t0
            callbacks[0] += 1
            if dt > longest[0]:
                longest[:] = [dt, getattr(on_done, "__qualname__", "?")]
        worker.submit(fn, timed, priority)

    notices: list[str] = []
    player = Player(submit, notice=notices.append, audio="silent",
                    analysis_process=not args.in_thread)
    if player.analysis is not None:
        player.analysis.warm_until = 0.0  # an app running for a while: its launch is over
    view = QTableView()
    model = QueueModel(player, lambda paths, row: None)
    view.setModel(model)
    view.resize(900, 600)
    view.show()

    gap = [0.0]
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    stalls: list[tuple[float, float]] = []  # (seconds since the add, gap) over 50 ms

    def tick() -> None:
        now = clock.elapsed()
        g = (now - last[0]) / 1000
        gap[0] = max(gap[0], g)
        if g > 0.05:
            stalls.append((round(time.perf_counter() - t0, 2), round(g, 3)))
        last[0] = now

    t0 = time.perf_counter()
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()

    done: list[float] = []
    player.add_checked(targets, done=lambda added: done.append(time.perf_counter() - t0))
    deadline = time.perf_counter() + args.timeout
    while not done and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    end = time.perf_counter() + 0.2  # let the timer see a stall in the last callback
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    out = {"count": args.count, "distinct": args.distinct, "m3u": args.m3u,
           "analysis": "thread" if args.in_thread else "process",
           "queued": len(player.queue), "rows": model.rowCount(),
           "seconds": round(done[0], 2) if done else None,
           "longest_callback_s": round(longest[0], 3), "longest_callback": longest[1],
           "callbacks": callbacks[0], "longest_ui_gap_s": round(gap[0], 3),
           "stalls_over_50ms": len(stalls), "worst_stalls": sorted(stalls, key=lambda s: -s[1])[:5],
           "notices": len(notices), "files_made_s": round(made, 1)}
    print(json.dumps(out))
    player.close()
    worker.shutdown()
    return out


if __name__ == "__main__":
    main()
