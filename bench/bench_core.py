"""Benchmark the core on the demo playlist: analysis, mix point, plan, offline render speed.

Run: .venv/bin/python bench/bench_core.py [--render-songs N]
Prints medians over the demo songs (analysis), their consecutive pairs (mix point, plan)
and one offline render, with the targets of issue 2 beside them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smootify_player.audio.engine import Engine  # noqa: E402
from smootify_player.audio.sinks import render_array  # noqa: E402
from smootify_player.composers import make_composer  # noqa: E402
from smootify_player.music.mixpoint import MixSettings, plan_mix  # noqa: E402
from smootify_player.music.song import Song, clear_cache  # noqa: E402
from smootify_player.music.timeline import Timeline  # noqa: E402
from smootify_player.music.transition import compose_bridge  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--bridge", default="rule")
    args = ap.parse_args()
    paths = sorted((ROOT / "resources" / "demo").glob("*.mid"))

    analysis, per_3min = [], []
    for p in paths:
        runs = []
        for _ in range(args.repeat):
            clear_cache()
            t = time.perf_counter()
            s = Song.load(p)
            runs.append(time.perf_counter() - t)
        ms = statistics.median(runs) * 1000
        analysis.append(ms)
        per_3min.append(ms * 180.0 / s.duration)
    songs = [Song.load(p) for p in paths]

    composer = make_composer(args.bridge)
    settings = MixSettings()
    mix_ms, plan_ms, bridge_ms = [], [], []
    for a, b in zip(songs, songs[1:]):
        mp, pl, br = [], [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            plan = plan_mix(a, b, settings)
            t1 = time.perf_counter()
            bridge = compose_bridge(a, b, plan, composer)
            tl = Timeline()
            tl.add_song(a, 0, plan.exit_bar)
            tl.add_bridge(bridge, a, b, plan.tempo_from, plan.tempo_to)
            tl.add_song(b, plan.entry_bar)
            t2 = time.perf_counter()
            mp.append(t1 - t0)
            br.append(bridge.timings_ms / 1000)
            pl.append(t2 - t0)
        mix_ms.append(statistics.median(mp) * 1000)
        bridge_ms.append(statistics.median(br) * 1000)
        plan_ms.append(statistics.median(pl) * 1000)

    # Offline render of three songs joined by bridges (the demo mix's first two joins).
    tl = Timeline()
    entry = 0
    for i, (a, b) in enumerate(zip(songs[:3], songs[1:3])):
        plan = plan_mix(a, b, settings, min_exit_bar=entry + 8)
        tl.add_song(a, entry, plan.exit_bar)
        tl.add_bridge(compose_bridge(a, b, plan, composer), a, b, plan.tempo_from, plan.tempo_to)
        entry = plan.entry_bar
        if i == 1:
            tl.add_song(b, entry)
    t = time.perf_counter()
    eng = Engine(tl, notice=lambda m: None, offline=True)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    audio = render_array(eng, tail_s=0.0)
    render_s = time.perf_counter() - t
    seconds = len(audio) / tl.sample_rate

    med = statistics.median
    print(f"songs: {len(songs)} demo songs, {len(plan_ms)} transitions, bridge={composer.name}, "
          f"median of {args.repeat} runs each")
    print(f"analysis per song        median {med(analysis):7.1f} ms   "
          f"(per 3-minute song {med(per_3min):6.1f} ms; target <= 100 ms)")
    print(f"mix point per transition median {med(mix_ms):7.1f} ms   max {max(mix_ms):.1f} ms")
    print(f"bridge per transition    median {med(bridge_ms):7.1f} ms")
    print(f"plan per transition      median {med(plan_ms):7.1f} ms   max {max(plan_ms):.1f} ms  "
          f"(mix point + bridge + timeline; target <= 50 ms)")
    print(f"offline render           {seconds:.1f} s of audio in {render_s:.2f} s = "
          f"{seconds / render_s:.0f}x real time (target >= 100x); soundfont load {load_s:.2f} s")


if __name__ == "__main__":
    main()
