"""Memory per queued song: the headless Player's RSS growth per dense song added to its queue.

A Player (silent clock, crossfade joins) plays while ``--songs`` distinct dense songs are
queued (the ten demo songs, each transposed by up to 11 semitones, so every file is
different content), 25 at a time, each batch analysed before the RSS is read; the figure
is the least-squares slope of RSS over the queue's length from 10 songs (played for 3 s
first, so the synth has loaded what it plays) to the end. The new code (this working tree)
and an old ref run the same script in separate processes, paired in one run:

    .venv/bin/python bench/bench_queue_memory.py [--songs 110] [--old REF]

Prints one line per code and the ratio; ``--json OUT`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

#: The code before songs let their notes go (the last commit without keep_details).
OLD_REF = "92b9b2b"

# Runs inside the code under test: queue the songs on a playing Player, report RSS.
MEASURE = r"""
import gc, json, sys, time
from concurrent.futures import ThreadPoolExecutor
import queue as q
from pathlib import Path
from smootify_player.player import Player, PlayerSettings

def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

files = [Path(f) for f in json.loads(sys.argv[1])]
pool, done = ThreadPoolExecutor(2), q.Queue()

def run_background(fn, on_done, priority=0):
    def job():
        try:
            r, e = fn(), None
        except BaseException as exc:
            r, e = None, exc
        done.put((on_done, r, e))
    pool.submit(job)

p = Player(run_background, PlayerSettings(transition="crossfade"), notice=lambda m: None,
           audio="silent", clock_speed=1.0)

def pump():
    while not done.empty():
        cb, r, e = done.get()
        cb(r, e)
    p.poll()

def wait(n, settle):
    end, ok = time.time() + 600, None
    while time.time() < end:
        pump()
        if sum(e.song is not None for e in p.queue) >= n:
            ok = ok or time.time()
            if time.time() - ok >= settle:
                return
        time.sleep(0.005)
    raise SystemExit("timed out")

# The first songs play (the synth loads its programs) before anything is measured.
first = 10
p.add(files[:first])
p.play()
wait(first, 3.0)
steps = sorted({first, *range(first, len(files) + 1, 25), len(files)})
xs, ys = [], []
for n in steps:
    p.add(files[len(p.queue):n])
    wait(n, 1.0)
    gc.collect()
    xs.append(n)
    ys.append(rss_kb())
slope = sum((x - sum(xs) / len(xs)) * (y - sum(ys) / len(ys)) for x, y in zip(xs, ys)) / \
    sum((x - sum(xs) / len(xs)) ** 2 for x in xs)
print(json.dumps({"songs": len(files), "rss_mb": ys[-1] / 1024, "kb_per_song": slope,
                  "rss_kb_at": dict(zip(xs, ys))}))
p.close()
"""


def dense_songs(count: int, folder: Path) -> list[Path]:
    """``count`` distinct dense songs: the demo songs transposed (written once, reused)."""
    import warnings

    import pretty_midi

    demo = sorted((ROOT / "resources" / "demo").glob("*.mid"))
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        src, shift = demo[i % len(demo)], i // len(demo) - 6
        f = folder / f"{src.stem}_{shift:+d}.mid"
        if not f.exists():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = pretty_midi.PrettyMIDI(str(src))
            for inst in m.instruments:
                if not inst.is_drum:
                    for n in inst.notes:
                        n.pitch = min(127, max(0, n.pitch + shift))
            m.write(str(f))
        out.append(f)
    return out


def measure(code: Path, files: list[Path]) -> dict:
    """Run :data:`MEASURE` with ``code`` first on the path, in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(code), SMOOTIFY_SOUNDFONT_CACHE="0")
    r = subprocess.run([sys.executable, "-c", MEASURE, json.dumps([str(f) for f in files])],
                       cwd=code, env=env, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise SystemExit(f"bench_queue_memory: {code} failed: {r.stderr.strip()[-500:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    from bench_install import _remove_worktree, _worktree

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--songs", type=int, default=110)
    ap.add_argument("--old", default=OLD_REF, help=f"git ref of the old code ({OLD_REF})")
    ap.add_argument("--json", metavar="OUT.json")
    args = ap.parse_args(argv)
    files = dense_songs(args.songs, Path(tempfile.gettempdir()) / "smootify_dense_songs")
    old_dir = Path(tempfile.gettempdir()) / "smootify_bench_old_queue"
    rev = _worktree(args.old, old_dir)
    try:
        res = {"new": measure(ROOT, files), f"old ({rev})": measure(old_dir, files)}
    finally:
        _remove_worktree(old_dir)
    for name, r in res.items():
        print(f"{name:<14} {r['songs']} dense songs queued: {r['kb_per_song']:.0f} KB per song, "
              f"RSS {r['rss_mb']:.0f} MB")
    new, old = res["new"]["kb_per_song"], res[f"old ({rev})"]["kb_per_song"]
    print(f"per queued song: {new / old:.2f}x the old code's")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
