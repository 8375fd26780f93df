"""Time a bridge per compose call: the player's numpy runtime against torch, paired.

Run: .venv/bin/python bench/bench_bridge_model.py [--weights W] [--n 200] [--hogs N | --hog]
Uses windows of ../shared/data/lpd5/lpd5_16th_valid.npz when present, else random rolls.
The time covers the whole product path: input canvas, U-Net forward and note decoding.
Backends run interleaved, window by window, so load hits them alike; ``--hogs N`` runs N
busy loops beside them (``--hogs 1``: one CPU hog, as the launch bench and issue #9's target
have it; ``--hog``: one on every core, harsher). Target: median <= 10 ms, p90 <= 15 ms with
the hog.
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


def _hog(stop) -> None:  # pragma: no cover - runs in a child process
    x = 0
    while not stop.is_set():
        x += 1


def bench(weights: str | None = None, n: int = 200, seed: int = 0, hog: bool = False,
          backends: tuple[str, ...] = ("numpy", "torch1", "torch2"), hogs: int = 0) -> dict:
    """Median, p90 and max milliseconds per ``compose`` call for each backend.

    Parameters
    ----------
    weights : str, optional
        Weights file (default: the shipped ``weights/bridge_unet.safetensors``).
    n : int
        Bridges to compose.
    seed : int
        Window sampling seed.
    hog : bool
        Keep every core busy with another process while timing.
    hogs : int
        Busy processes beside the timing (when ``hog`` is false).
    backends : tuple of str
        ``numpy`` (the player's runtime), ``torch1`` / ``torch2`` (the torch model on 1 or
        2 intra-op threads, as before).
    """
    import multiprocessing as mp
    import os

    from smootify_player.model.composer import UNetComposer

    comps = {}
    for name in backends:
        comp = UNetComposer(weights)
        if name.startswith("torch"):
            from smootify_player.model.unet import load_model

            comp.model, _ = load_model(comp.path)
        comps[name] = comp
    ctxs = _contexts(n, seed)
    stop = mp.Event()
    n_hogs = (os.cpu_count() or 1) if hog else max(int(hogs), 0)
    procs = [mp.Process(target=_hog, args=(stop,), daemon=True) for _ in range(n_hogs)]
    for h in procs:
        h.start()
    times: dict[str, list[float]] = {b: [] for b in backends}
    notes: dict[str, list[int]] = {b: [] for b in backends}
    try:
        import torch

        for k, c in enumerate(ctxs[:5] + ctxs):
            for name, comp in comps.items():
                if name.startswith("torch"):
                    torch.set_num_threads(int(name[5:]))
                t0 = time.perf_counter()
                br = comp.compose(c)
                if k >= 5:
                    times[name].append((time.perf_counter() - t0) * 1000)
                    notes[name].append(len(br.notes))
    finally:
        stop.set()
        for h in procs:
            h.join()
    out = {"weights": str(next(iter(comps.values())).path.name), "bridges": n,
           "hogs": n_hogs, "cores": os.cpu_count(), "target_ms": TARGET_MS}
    for name, ts in times.items():
        ts.sort()
        out[name] = {"median_ms": round(statistics.median(ts), 2),
                     "p90_ms": round(ts[int(0.9 * (len(ts) - 1))], 2),
                     "max_ms": round(ts[-1], 2),
                     "mean_notes": round(float(np.mean(notes[name])), 1)}
    return out


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hog", action="store_true", help="keep every core busy meanwhile")
    ap.add_argument("--hogs", type=int, default=0, help="busy processes beside the timing")
    ap.add_argument("--backends", default="numpy,torch1,torch2")
    args = ap.parse_args()
    print(json.dumps(bench(args.weights, args.n, args.seed, args.hog,
                           tuple(args.backends.split(",")), args.hogs), indent=1))


if __name__ == "__main__":
    main()
