"""Time UNetComposer.compose per bridge on real valid windows (target: <= 10 ms, 2 threads).

Run: .venv/bin/python bench/bench_bridge_model.py [--weights W] [--threads 2] [--n 200]
Uses windows of ../shared/data/lpd5/lpd5_16th_valid.npz when present, else random rolls.
The time covers the whole product path: input canvas, U-Net forward and note decoding.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

__all__ = ["bench", "main"]

VALID = ROOT.parent / "shared" / "data" / "lpd5" / "lpd5_16th_valid.npz"
TARGET_MS = 10.0


def _contexts(n: int, seed: int) -> list:
    from smootify_player.training.batches import split_window, window_rolls
    from smootify_player.training.data import gap_windows, load_lpd5
    from smootify_player.training.evaluate import make_context

    rng = np.random.default_rng(seed)
    if VALID.exists():
        data = load_lpd5(VALID)
        win = gap_windows(data)
        act, on = window_rolls(data, win.start[rng.choice(len(win), n, replace=False)])
    else:
        on = rng.random((n, 160, 5, 128)) < 0.01
        act = on | np.roll(on, 1, axis=1)
    ba, _, aa = split_window(act)
    bo, _, ao = split_window(on)
    return [make_context(ba[i], bo[i], aa[i], ao[i]) for i in range(n)]


def bench(weights: str | None = None, threads: int = 2, n: int = 200, seed: int = 0) -> dict:
    """Median, p90 and max milliseconds per ``compose`` call.

    Parameters
    ----------
    weights : str, optional
        Weights file (default: the shipped ``weights/bridge_unet.safetensors``).
    threads : int
        Torch intra-op threads during ``compose``.
    n : int
        Bridges to compose.
    seed : int
        Window sampling seed.
    """
    import torch

    from smootify_player.model.composer import UNetComposer

    torch.set_num_threads(threads)
    comp = UNetComposer(weights)
    ctxs = _contexts(n, seed)
    for c in ctxs[:5]:
        comp.compose(c)  # warm-up
    times, notes = [], []
    for c in ctxs:
        t0 = time.perf_counter()
        br = comp.compose(c)
        times.append((time.perf_counter() - t0) * 1000)
        notes.append(len(br.notes))
    times.sort()
    return {"weights": str(comp.path.name), "threads": threads, "bridges": n,
            "median_ms": round(statistics.median(times), 2),
            "p90_ms": round(times[int(0.9 * (len(times) - 1))], 2),
            "max_ms": round(times[-1], 2), "mean_notes": round(float(np.mean(notes)), 1),
            "target_ms": TARGET_MS, "ok": statistics.median(times) <= TARGET_MS}


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(json.dumps(bench(args.weights, args.threads, args.n, args.seed), indent=1))


if __name__ == "__main__":
    main()
