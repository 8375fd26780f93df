"""Time plan_mix over consecutive pairs of a folder of MIDI songs, for every method."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from smootify_player.music.mixpoint import _FEATURES, METHODS, MixSettings, plan_mix
from smootify_player.music.song import Song, SongError

__all__ = ["bench", "main"]

DEFAULT_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "demo_songs" / "freedoom"


def bench(folder: Path, repeats: int = 20, full_songs: bool = False) -> dict:
    """Median and max milliseconds per :func:`plan_mix` call for each method.

    Parameters
    ----------
    folder : Path
        Folder of ``.mid`` files, played in name order (A = song i, B = song i + 1).
    repeats : int
        Timed calls per pair and method.
    full_songs : bool
        Use the full-songs window.

    Returns
    -------
    dict
        ``{"songs", "pairs", "methods": {name: {"median_ms", "p90_ms", "max_ms",
        "cold_median_ms"}}}``; cold calls include building the mix features of both songs.
    """
    songs = []
    for path in sorted(folder.glob("*.mid")):
        try:
            songs.append(Song.load(path))
        except SongError as exc:
            print(f"skip: {exc}", file=sys.stderr)
    pairs = list(zip(songs[:-1], songs[1:]))
    out: dict = {"songs": len(songs), "pairs": len(pairs),
                 "bars": [s.n_bars for s in songs], "methods": {}}
    for method in METHODS:
        settings = MixSettings(method=method, full_songs=full_songs)
        cold, warm = [], []
        for a, b in pairs:
            _FEATURES.pop(a, None)
            _FEATURES.pop(b, None)
            t = time.perf_counter()
            plan_mix(a, b, settings)
            cold.append((time.perf_counter() - t) * 1000)
            for _ in range(repeats):
                t = time.perf_counter()
                plan_mix(a, b, settings)
                warm.append((time.perf_counter() - t) * 1000)
        warm.sort()
        out["methods"][method] = {
            "median_ms": round(statistics.median(warm), 3),
            "p90_ms": round(warm[int(0.9 * (len(warm) - 1))], 3),
            "max_ms": round(warm[-1], 3),
            "cold_median_ms": round(statistics.median(cold), 3),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python bench/bench_mixpoint.py [FOLDER] [--repeats N] [--json OUT]``."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR.resolve())
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--full-songs", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    result = bench(args.folder, args.repeats, args.full_songs)
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
