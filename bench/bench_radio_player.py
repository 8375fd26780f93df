"""Radio through the Player: hours of simulated play past the end of a 2-song queue (#12).

Run: .venv/bin/python bench/bench_radio_player.py [--songs 200] [--hours 1] [--speed 120]

A library of ``--songs`` generated songs (``bench_library.make_library``, in this process)
is scanned, two of them are queued with ``end_of_queue = "radio"``, and the Qt-free Player
plays on its silent clock ``--speed`` times faster than real time (jobs on one background
thread, as the app's worker). Printed: songs played, repeats within ``--no-repeat`` picks,
late joins, the longest radio pick, queue rows and entries held at the end, exceptions, and
the memory slope over the second half.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_library import make_library  # noqa: E402
from soak import Worker, _rss_mb  # noqa: E402

from smootify_player.audio.synth import fallback_soundfont  # noqa: E402
from smootify_player.library import Library, LibraryRadio  # noqa: E402
from smootify_player.player import Player, PlayerSettings  # noqa: E402


class TimedRadio(LibraryRadio):
    """LibraryRadio that records how long each pick took."""

    ms: list[float] = []

    def next_after(self, path, recent=()):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return super().next_after(path, recent)
        finally:
            self.ms.append((time.perf_counter() - t) * 1000)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--songs", type=int, default=200)
    ap.add_argument("--hours", type=float, default=1.0, help="simulated hours (default: 1)")
    ap.add_argument("--speed", type=float, default=120.0, help="clock speed (default: 120x)")
    ap.add_argument("--no-repeat", type=int, default=50)
    ap.add_argument("--transition", default="crossfade", choices=("ai", "crossfade", "cut"))
    args = ap.parse_args()
    sf = fallback_soundfont()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "music"
        make_library(folder, args.songs)
        lib = Library(Path(tmp) / "lib.sqlite3")
        lib.scan([folder], workers=1)
        radio = TimedRadio(lib, seed=0, no_repeat=args.no_repeat)
        w = Worker()
        p = Player(w, PlayerSettings(transition=args.transition, soundfont=str(sf or ""),
                                     end_of_queue="radio"),
                   notice=lambda m: None, audio="silent", clock_speed=args.speed, radio=radio)
        p.add(sorted(folder.rglob("*.mid"))[:2])
        p.play()
        t0 = time.perf_counter()
        wall_cap = 3 * args.hours * 3600 / args.speed
        played: list[str] = []
        memory: list[tuple[float, float]] = []
        next_sample = 0.0
        while (p.position < args.hours * 3600 * p.sample_rate
               and time.perf_counter() - t0 < wall_cap):
            w.pump()
            try:
                p.poll()
            except Exception as exc:  # noqa: BLE001 - counted
                w.exceptions.append(f"{type(exc).__name__}: {exc}"[:160])
            hours = p.position / p.sample_rate / 3600
            if hours >= next_sample:
                memory.append((hours, _rss_mb()))
                next_sample += 0.05
            c = p.current
            if c is not None and (not played or played[-1] != str(c.path)):
                played.append(str(c.path))
            time.sleep(0.005)
        simulated_h = p.position / p.sample_rate / 3600
        repeats = sum(played[i] in played[max(0, i - args.no_repeat):i]
                      for i in range(1, len(played)))
        sch = p.scheduler
        rows, known, state = len(p.queue), len(p.play_queue._known), p.state
        p.close()
        lib.close()
    print(f"radio through the Player: {args.songs}-song library, 2 queued, {args.transition}, "
          f"clock {args.speed:g}x, no repeat within {args.no_repeat}")
    print(f"  simulated        {simulated_h:.2f} h ({time.perf_counter() - t0:.0f} s wall), "
          f"state at the end {state.value}")
    print(f"  songs played     {len(played)}; repeats within {args.no_repeat}: {repeats}")
    print(f"  joins made       {sch.joins_done}; late {sch.fallbacks}")
    if radio.ms:
        print(f"  radio pick       median {np.median(radio.ms):.1f} ms, max {max(radio.ms):.1f} ms"
              f" ({len(radio.ms)} picks)")
    print(f"  queue at the end {rows} rows, {known} entries held")
    late = [m for m in memory if m[0] >= simulated_h / 2]
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
