"""The library at scale: index, reopen, radio picks, 8 simulated hours of radio, ordering.

Generates a library of short songs with pretty_midi (24 keys, 70-170 BPM, 4/4, 3/4 and
6/8, a few hundred credits; written in a process pool, once, and reused), then prints one
JSON object:

- ``index``: seconds to index it from nothing (all cores, workers at lower priority), and
  the longest gap of a 5 ms timer on the main thread while the scan ran in a thread
- ``reopen``: seconds to open the database and read the catalog and every row of the table
  (target <= 2 s), and to rescan the unchanged folder
- ``db_bytes_per_song`` (target <= 2 KB) and the RSS with the library loaded
- ``radio_pick_ms``: median and p90 of a pick (target <= 200 ms)
- ``radio_8h``: picks until 8 hours of music are planned (each song played from its entry
  to its exit bar): repeats within N, credits twice in a row, errors, the memory slope
- ``order``: total transition cost before/after and time, for the demo playlist and a
  200-song playlist drawn from the library (target <= 2 s)

    .venv/bin/python bench/bench_library.py                 # 10,000 songs
    .venv/bin/python bench/bench_library.py --songs 500     # a quick look
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

__all__ = ["main", "make_library", "write_song"]

_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)
METERS = ((4, 4), (3, 4), (6, 8))


def write_song(path: Path, i: int) -> None:
    """Song ``i`` of the library: its key, tempo, meter, instruments and credit follow from i."""
    import mido
    import pretty_midi

    rng = np.random.default_rng(i)
    tonic, minor = i % 12, (i // 12) % 2 == 1
    num, den = METERS[(i // 24) % 3]
    tempo = float(70 + rng.integers(0, 101))
    bars = int(rng.integers(8, 25))
    pm = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, 0.0))
    beat = 60.0 / tempo * 4 / den
    beats = num if den == 4 else num // 3 * 3
    step = beat if den == 4 else beat  # 6/8: six eighth-note pulses
    scale = [(tonic + s) % 12 for s in (_MINOR if minor else _MAJOR)]
    bass = pretty_midi.Instrument(int(rng.choice([32, 33, 34, 38])), name="Bass")
    keys = pretty_midi.Instrument(int(rng.choice([0, 4, 16, 24, 48])), name="Chords")
    lead = pretty_midi.Instrument(int(rng.choice([56, 65, 73, 80, 11])), name="Lead")
    drums = pretty_midi.Instrument(0, is_drum=True, name="Drums")
    busy = int(rng.integers(1, 4))
    for bar in range(bars):
        t0 = bar * beats * step
        degree = (0, 5, 3, 4)[bar % 4]
        root = scale[degree]
        bass.notes.append(pretty_midi.Note(90, 36 + root, t0, t0 + beats * step * 0.9))
        chord = [48 + (scale[(degree + k) % 7]) for k in (0, 2, 4)]
        for p in chord:
            keys.notes.append(pretty_midi.Note(70, p + 12, t0, t0 + beats * step * 0.95))
        for k in range(beats * busy):
            t = t0 + k * step / busy
            lead.notes.append(pretty_midi.Note(80, 72 + scale[int(rng.integers(0, 7))], t,
                                               t + step / busy * 0.9))
            if i % 5:
                drums.notes.append(pretty_midi.Note(90, 42 if k % 2 else 36, t, t + 0.05))
    pm.instruments.extend([bass, keys, lead] + ([drums] if i % 5 else []))
    buf = io.BytesIO()
    pm.write(buf)
    buf.seek(0)
    mf = mido.MidiFile(file=buf)
    mf.tracks[0].insert(0, mido.MetaMessage("copyright", text=f"Composer {i % 397}", time=0))
    mf.save(str(path))


def _write_chunk(args: tuple[str, list[int]]) -> int:
    folder, ids = args
    for i in ids:
        p = Path(folder) / f"{i // 1000:02d}" / f"song_{i:05d}.mid"
        if not p.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
            write_song(p, i)
    return len(ids)


def make_library(folder: Path, n: int) -> float:
    """Write songs 0..n-1 under ``folder`` (skipping those there); returns the seconds taken."""
    t = time.perf_counter()
    ids = list(range(n))
    chunks = [(str(folder), ids[k:k + 200]) for k in range(0, n, 200)]
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(_write_chunk, chunks))
    return time.perf_counter() - t


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _index(db: Path, folder: Path, workers: int | None) -> dict:
    """Index in a thread while a 5 ms timer on this thread measures its longest gap."""
    from smootify_player.library import Library

    lib = Library(db)
    out: dict = {}
    last_print = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last_print[0] > 10 or done == total:
            last_print[0] = now
            print(f"  indexed {done}/{total}", file=sys.stderr, flush=True)

    def run() -> None:
        t = time.perf_counter()
        out["report"] = lib.scan([folder], progress=progress, workers=workers)
        out["seconds"] = time.perf_counter() - t

    th = threading.Thread(target=run)
    th.start()
    gap, last = 0.0, time.perf_counter()
    while th.is_alive():
        time.sleep(0.005)
        now = time.perf_counter()
        gap, last = max(gap, now - last - 0.005), now
    th.join()
    lib.close()
    rep = out["report"]
    return {"seconds": round(out["seconds"], 1), "files": rep.seen, "analysed": rep.analysed,
            "broken": rep.broken, "songs_per_s": round(rep.analysed / out["seconds"], 1),
            "workers": workers or os.cpu_count(), "main_thread_max_gap_ms": round(gap * 1000, 1)}


def _radio_8h(lib, cat, hours: float, no_repeat: int, seed: int) -> dict:
    from smootify_player.library import Radio

    radio = Radio(cat, lib.sketches, seed=seed, no_repeat=no_repeat)
    radio.start(0)
    played, picks, errors = 0.0, 0, 0
    rows = [0]
    rss: list[tuple[float, float]] = []
    t = time.perf_counter()
    while played < hours * 3600:
        try:
            p = radio.next()
        except Exception as exc:  # noqa: BLE001 - counted, the soak goes on
            errors += 1
            print(f"  radio error: {exc!r}", file=sys.stderr)
            continue
        picks += 1
        rows.append(p.index)
        bars = max(int(cat.bars[p.index]), 1)
        entry = p.entry_bar or 0
        played += float(cat.duration[p.index]) * max(bars - entry, 1) / bars  # fraction heard
        if picks % 100 == 0:
            rss.append((played / 3600, _rss_mb()))
    repeats = sum(1 for k in range(1, len(rows)) if rows[k] in rows[max(0, k - no_repeat):k])
    same_credit = sum(1 for k in range(1, len(rows))
                      if cat.credit_id[rows[k]] >= 0
                      and cat.credit_id[rows[k]] == cat.credit_id[rows[k - 1]])
    half = rss[len(rss) // 4:] if len(rss) >= 8 else rss
    slope = float(np.polyfit([h for h, _ in half], [m for _, m in half], 1)[0]) \
        if len(half) >= 2 else 0.0
    return {"simulated_hours": round(played / 3600, 2), "picks": picks, "no_repeat": no_repeat,
            "repeats_within_n": repeats, "credit_twice_in_a_row": same_credit,
            "errors": errors, "wall_s": round(time.perf_counter() - t, 1),
            "rss_mb_start_end": [round(rss[0][1], 1), round(rss[-1][1], 1)] if rss else None,
            "memory_slope_mb_per_hour": round(slope, 3)}


def _order(lib, files: list[str]) -> dict:
    from smootify_player.library import smooth_order
    from smootify_player.library.cost import cost_matrix

    lib.add_files(files)
    cat = lib.catalog([], files)
    rows = np.array([cat.index_of(lib.digest_of(f)) for f in files])
    t = time.perf_counter()
    costs = cost_matrix(cat, rows)
    res = smooth_order(costs)
    dt = time.perf_counter() - t
    return {"songs": len(files), "cost_before": round(res.cost_before, 3),
            "cost_after": round(res.cost_after, 3),
            "lower_by": f"{(1 - res.cost_after / max(res.cost_before, 1e-9)) * 100:.0f} %",
            "seconds": round(dt, 3)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--songs", type=int, default=10_000)
    ap.add_argument("--folder", type=Path, default=None,
                    help="where the songs are written (default /tmp/smootify_bench_library/N)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--picks", type=int, default=200, help="timed radio picks")
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--no-repeat", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from smootify_player.data import data_path
    from smootify_player.library import Library, Radio
    from smootify_player.player.files import read_m3u

    folder = args.folder or Path("/tmp/smootify_bench_library") / str(args.songs)
    print(f"writing {args.songs} songs to {folder} ...", file=sys.stderr, flush=True)
    made = make_library(folder, args.songs)
    out: dict = {"songs": args.songs, "generate_s": round(made, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "library.sqlite3"
        out["index"] = _index(db, folder, args.workers)

        t = time.perf_counter()
        lib = Library(db)
        cat = lib.catalog()
        rows = lib.search(sort="title")
        out["reopen"] = {"seconds": round(time.perf_counter() - t, 3), "songs": len(cat),
                         "table_rows": len(rows)}
        t = time.perf_counter()
        rep = lib.scan()
        out["reopen"]["rescan_unchanged_s"] = round(time.perf_counter() - t, 3)
        out["reopen"]["rescan_analysed"] = rep.analysed
        out["rss_mb_with_library"] = round(_rss_mb(), 1)

        radio = Radio(cat, lib.sketches, seed=args.seed, no_repeat=args.no_repeat)
        radio.start(0)
        ms = np.array([radio.next().ms for _ in range(args.picks)])
        out["radio_pick_ms"] = {"picks": args.picks, "median": round(float(np.median(ms)), 1),
                                "p90": round(float(np.percentile(ms, 90)), 1),
                                "max": round(float(ms.max()), 1)}
        out["radio_8h"] = _radio_8h(lib, cat, args.hours, args.no_repeat, args.seed)

        demo = [str(p) for p in read_m3u(data_path("resources", "demo", "demo.m3u8"))]
        out["order_demo"] = _order(lib, demo)
        pick = np.random.default_rng(args.seed).choice(len(cat), min(200, len(cat)),
                                                       replace=False)
        out["order_200"] = _order(lib, [cat.paths[i] for i in pick])
        lib.close()
        out["db_bytes_per_song"] = round(sum(
            f.stat().st_size for f in Path(tmp).glob("library.sqlite3*")) / max(len(cat), 1))
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
