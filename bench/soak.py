"""Soak the Qt-free Player on a fast silent clock: hours of simulated play, with broken files.

Run: .venv/bin/python bench/soak.py [--hours 1] [--speed 60] [--transition ai] [--broken 3]

Generated songs in several meters and tempi are queued with a few broken files among them,
repeat on, and the Player runs on its silent clock ``--speed`` times faster than real time
(jobs on one background thread, results handed back on this thread, as the app's worker
does). Printed: joins made, late joins (built on the spot by the fallback), songs played out
of queue order (a loop back to the top before the end), engine errors, and the wall time.
"""

from __future__ import annotations

import argparse
import queue
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from midi_factory import write_song  # noqa: E402

from smootify_player.audio.synth import fallback_soundfont  # noqa: E402
from smootify_player.music.song import SongError  # noqa: E402
from smootify_player.player import Player, PlayerSettings  # noqa: E402


class Worker:
    """One background thread; results come back on the caller's thread in :meth:`pump`."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1)
        self.done: queue.Queue = queue.Queue()
        self.exceptions: list[str] = []

    def __call__(self, fn, on_done, priority: int = 0) -> None:
        def run() -> None:
            try:
                result, error = fn(), None
            except BaseException as exc:  # noqa: BLE001 - handed back, as the app's worker
                result, error = None, exc
            self.done.put((on_done, result, error))

        self.pool.submit(run)

    def pump(self) -> None:
        while not self.done.empty():
            cb, r, e = self.done.get()
            if e is not None and not isinstance(e, SongError):  # a broken file is expected
                self.exceptions.append(f"{type(e).__name__}: {e}"[:160])
            try:
                cb(r, e)
            except Exception as exc:  # noqa: BLE001 - counted: what the soak looks for
                self.exceptions.append(f"{type(exc).__name__}: {exc}"[:160])


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _songs(folder: Path, broken: int) -> list[Path]:
    meters = [(4, 4), (3, 4), (6, 8), (4, 4), (2, 4), (7, 8)]
    paths = [write_song(folder / f"song{i:02d}.mid", bars=16, tempo=100 + 15 * (i % 6),
                        tonic=(7 * i) % 12, numerator=meters[i % 6][0],
                        denominator=meters[i % 6][1], seed=i) for i in range(9)]
    for k in range(broken):
        bad = folder / f"broken{k}.mid"
        bad.write_bytes(b"MThd\x00\x00\x00\x06" + bytes(range(40)))
        paths.insert(2 + 3 * k, bad)
    return paths


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=1.0, help="simulated hours (default: 1)")
    ap.add_argument("--speed", type=float, default=60.0, help="clock speed (default: 60x)")
    ap.add_argument("--transition", default="ai", choices=("ai", "crossfade", "cut"))
    ap.add_argument("--broken", type=int, default=3, help="broken files in the queue")
    args = ap.parse_args()
    sf = fallback_soundfont()  # the small soundfont: the soak is about the player, not sound
    with tempfile.TemporaryDirectory() as tmp:
        paths = _songs(Path(tmp), args.broken)
        good = [p.stem for p in paths if not p.stem.startswith("broken")]
        w = Worker()
        p = Player(w, PlayerSettings(transition=args.transition, soundfont=str(sf or "")),
                   notice=lambda m: None, audio="silent", clock_speed=args.speed)
        played: list[str] = []
        p.add(paths)
        p.play()
        t0 = time.perf_counter()
        wall_cap = 3 * args.hours * 3600 / args.speed  # a clock that cannot keep up stops
        memory: list[tuple[float, float]] = []  # (simulated hours, RSS MB)
        next_sample = 0.0
        while (p.position < args.hours * 3600 * p.sample_rate
               and time.perf_counter() - t0 < wall_cap):
            w.pump()
            try:
                p.poll()
            except Exception as exc:  # noqa: BLE001 - counted: what the soak looks for
                w.exceptions.append(f"{type(exc).__name__}: {exc}"[:160])
            hours = p.position / p.sample_rate / 3600
            if hours >= next_sample:
                memory.append((hours, _rss_mb()))
                next_sample += 0.1
            title = p.now_playing().title
            if title and "+" not in title and (not played or played[-1] != title):
                played.append(title)
            time.sleep(0.005)
        simulated_h = p.position / p.sample_rate / 3600
        out_of_order = 0
        for prev, nxt in zip(played, played[1:]):
            if prev in good and nxt in good:
                expect = good[(good.index(prev) + 1) % len(good)]
                out_of_order += nxt != expect
        sch = p.scheduler
        p.close()
    print(f"soak: {args.transition}, {len(good)} songs + {args.broken} broken files, repeat on, "
          f"clock {args.speed:g}x")
    print(f"  simulated        {simulated_h:.2f} h ({time.perf_counter() - t0:.0f} s wall)")
    print(f"  joins made       {sch.joins_done}")
    print(f"  late joins       {sch.fallbacks} ({sch.fallbacks / max(sch.joins_done, 1):.1%})")
    print(f"  songs played     {len(played)}; out of queue order {out_of_order}")
    late = [m for m in memory if m[0] >= simulated_h / 2]  # after the warm-up half
    if len(late) >= 3:
        slope = float(np.polyfit([h for h, _ in late], [r for _, r in late], 1)[0])
        print(f"  memory           {memory[0][1]:.0f} -> {memory[-1][1]:.0f} MB; slope over the "
              f"second half {slope:+.2f} MB per simulated hour")
    print(f"  exceptions       {len(w.exceptions)}")
    for e in w.exceptions[:5]:
        print(f"    {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
