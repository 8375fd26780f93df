"""Fuzz the MIDI reader: N seeded mutations of varied songs; prints what happened to them.

Run: .venv/bin/python bench/fuzz_midi.py [--n 10000] [--seed 0]
Every input must either load as a Song or be refused with a one-line SongError; anything
else (another exception, a multi-line message) is counted as a failure and printed.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from midi_factory import make_song  # noqa: E402

from smootify_player.music.fuzz import mutations  # noqa: E402
from smootify_player.music.song import Song, SongError  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    seeds = [p.read_bytes() for p in sorted((ROOT / "resources" / "demo").glob("*.mid"))[:4]]
    for i, (num, den) in enumerate([(4, 4), (3, 4), (6, 8), (7, 8)]):
        path = Path(f"/tmp/fuzz_seed_{i}.mid")
        make_song(bars=8, numerator=num, denominator=den, seed=i).write(str(path))
        seeds.append(path.read_bytes())
    outcome: collections.Counter[str] = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    times: list[float] = []
    failures = []
    for k, data in enumerate(mutations(seeds, args.n, seed=args.seed)):
        t = time.perf_counter()
        try:
            Song.from_bytes(data, f"m{k}.mid")
            outcome["read"] += 1
        except SongError as exc:
            text = str(exc)
            if "\n" in text:
                failures.append((k, "multi-line message"))
            outcome["refused (one line)"] += 1
            reasons[text.split(": ", 1)[-1].split(" (")[0]] += 1
        except Exception as exc:  # noqa: BLE001 - what the fuzzer is looking for
            outcome["FAILED"] += 1
            failures.append((k, f"{type(exc).__name__}: {exc}"[:160]))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{args.n} mutated MIDI files from {len(seeds)} seeds (seed {args.seed})")
    for name, count in outcome.most_common():
        print(f"  {name:20s} {count:6d}")
    print("most common refusals:")
    for text, count in reasons.most_common(8):
        print(f"  {count:6d}  {text}")
    print(f"per file: median {statistics.median(times):.1f} ms, p99 "
          f"{times[int(0.99 * (len(times) - 1))]:.1f} ms, max {times[-1]:.0f} ms")
    for k, what in failures[:20]:
        print(f"  FAILURE #{k}: {what}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
