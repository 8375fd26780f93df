"""Benchmark joins by ear: render A → join → B on varied music and measure what is heard.

Run: .venv/bin/python bench/bench_joins.py [--modes unet,rule,crossfade,none] [--limit N]
     [--seed S] [--corpus DIR] [--wav-dir DIR] [--json OUT]

Songs come from ``bench/join_corpus.py`` (built into ``--corpus`` on first use: demo songs,
generated songs in 2/4 … 7/8, music21 folk tunes and chorales). The joins are a chain
through a seeded shuffle of the corpus plus fixed pairs that cross meters and textures.
For each join the mix point is planned once (``plan_mix``, ``smart``) and every mode builds
it through the package (``add_join``): A from a few bars before its exit, the join, B's
first bars after it; FluidSynth renders that short timeline offline and
``smootify_player.music.joineval`` measures dead air, level dip, meter fit, key landing and
texture. Modes are compared paired, on the same joins.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from join_corpus import DEFAULT_OUT, build_corpus  # noqa: E402

from smootify_player.audio.engine import Engine  # noqa: E402
from smootify_player.audio.sinks import render_array  # noqa: E402
from smootify_player.audio.synth import Synth, find_soundfont  # noqa: E402
from smootify_player.composers import make_composer  # noqa: E402
from smootify_player.music import joineval  # noqa: E402
from smootify_player.music.join import add_join  # noqa: E402
from smootify_player.music.mixpoint import MixSettings, plan_mix  # noqa: E402
from smootify_player.music.song import Song, SongError  # noqa: E402
from smootify_player.music.timeline import Timeline  # noqa: E402

SR = 44100
MODES = ("unet", "rule", "crossfade", "none", "copy")


class CopyComposer:
    """A baseline, not a product mode: A's last bar, then B's first bar, as they are.

    Arranged like every bridge, it shows what the arrangement alone achieves, and so what
    the model adds (or not) on this benchmark's measures.
    """

    name = "copy"

    def compose(self, ctx):
        from smootify_player.music.bridge import STEPS_PER_BAR, Bridge, BridgeNote
        from smootify_player.music.families import DRUMS

        notes = []
        for bar, (act, on, real) in enumerate(
                ((ctx.before_active[-STEPS_PER_BAR:], ctx.before_onset[-STEPS_PER_BAR:],
                  ctx.before_bars), (ctx.after_active[:STEPS_PER_BAR],
                                     ctx.after_onset[:STEPS_PER_BAR], ctx.after_bars))):
            if not real:
                continue
            for t, f, p in zip(*np.nonzero(on)):
                end = t + 1
                while f != DRUMS and end < STEPS_PER_BAR and act[end, f, p] and not on[end, f, p]:
                    end += 1
                s = bar * STEPS_PER_BAR
                notes.append(BridgeNote(int(f), int(p), s + int(t), s + int(end),
                                        ctx.velocity(int(f), bar / 2)))
        return Bridge(notes=notes, programs=ctx.bridge_programs(), composer=self.name)
#: Bars of A played before its exit, and of B after the join.
A_BARS, B_BARS = 4, 4

#: Pairs that cross meters and textures, added to the shuffled chain (skipped if missing).
CROSS_PAIRS: tuple[tuple[str, str], ...] = (
    ("gen_band_jigrock_6-8", "demo_d_e3m4"),  # 6/8 band → dense 4/4
    ("m21_jig_blooming_meadows", "gen_pop_piano_4-4"),  # 6/8 jig → 4/4 pop
    ("gen_pop_waltz_3-4", "gen_solo_fiddle_6-8"),  # 3/4 → 6/8
    ("m21_bach_bwv269_choir_3-4", "m21_jig_banish_misfortune"),  # 3/4 chorale → 6/8 jig
    ("demo_d_e1m2", "gen_band_waltzrock_3-4"),  # 4/4 → 3/4
    ("gen_band_soul_4-4", "m21_air_friars_hill_3-4"),  # dense 4/4 → sparse 3/4
    ("gen_solo_flute_3-4", "gen_band_funk_4-4"),  # sparse → dense
    ("m21_reel_flowers_of_michigan", "demo_d_map05"),  # sparse 4/4 → dense 4/4
    ("demo_d_e3m5", "m21_air_dark_woman_3-4"),  # dense 4/4 → sparse 3/4
    ("gen_band_jazz_5-4", "gen_band_balkan_7-8"),  # 5/4 → 7/8
    ("m21_slipjig_andrew_carey", "gen_pop_polka_2-4"),  # 9/8 → 2/4
    ("gen_pop_ballad_6-8", "m21_leadsheet_foster_brown_hair"),  # 6/8 → 4/4
    ("m21_jig_blooming_meadows", "gen_band_jigrock_6-8"),  # 6/8 → 6/8, solo → band
    ("gen_solo_fiddle_6-8", "m21_jig_banish_misfortune"),  # 6/8 → 6/8, solo → solo
    ("gen_solo_flute_3-4", "m21_bach_bwv269_choir_3-4"),  # 3/4 → 3/4
    ("gen_pop_waltz_3-4", "gen_band_waltzrock_3-4"),  # 3/4 → 3/4, pop → band
)


def _meter(m: str) -> tuple[int, int]:
    num, den = m.split("/")
    return int(num), int(den)


def _same_meter(ma: str, mb: str) -> bool:
    """Same bar length in quarters and the same beat (2/2 = 4/4, 6/8 ≠ 3/4)."""
    (na, da), (nb, db) = _meter(ma), _meter(mb)
    return (abs(4 * na / da - 4 * nb / db) < 1e-6
            and joineval.is_compound(na, da) == joineval.is_compound(nb, db))


def _category(ma: str, mb: str) -> str:
    """``cross-meter``, ``same 4/4`` (or 2/2) or ``same, not 4/4``."""
    if not _same_meter(ma, mb):
        return "cross-meter"
    return "same 4/4" if _same_meter(ma, "4/4") else "same, not 4/4"


def _pairs(names: list[str], seed: int, chains: int = 2) -> list[tuple[str, str, str]]:
    """(a, b, origin): chains through seeded shuffles, then the fixed cross pairs."""
    rng = np.random.default_rng(seed)
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for _ in range(chains):
        order = [names[i] for i in rng.permutation(len(names))]
        for a, b in zip(order, order[1:]):
            if (a, b) not in seen:
                out.append((a, b, "chain"))
                seen.add((a, b))
    for a, b in CROSS_PAIRS:
        if a in names and b in names and (a, b) not in seen:
            out.append((a, b, "cross"))
            seen.add((a, b))
    return out


def _write_wav(path: Path, audio: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm)


def _median(xs: list[float]) -> float:
    xs = [x for x in xs if x is not None and np.isfinite(x)]
    return float(statistics.median(xs)) if xs else float("nan")


def run(args: argparse.Namespace) -> dict:
    t_all = time.perf_counter()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for m in modes:
        if m not in MODES:
            raise SystemExit(f"bench_joins: unknown mode {m!r}; choose from {', '.join(MODES)}")
    manifest = build_corpus(args.corpus)
    songs: dict[str, Song] = {}
    info: dict[str, dict] = {}
    for entry in manifest:
        try:
            songs[entry["name"]] = Song.load(Path(args.corpus) / entry["path"])
            info[entry["name"]] = entry
        except SongError as exc:
            print(f"bench_joins: skipping {exc}")
    pairs = _pairs(sorted(songs), args.seed, args.chains)
    if args.limit:
        pairs = pairs[:args.limit]
    composers = {m: (None if m == "crossfade" else CopyComposer() if m == "copy"
                     else make_composer(m)) for m in modes}
    synth = Synth(find_soundfont(None), SR, Timeline(SR).n_channels, offline=True)
    t_setup = time.perf_counter() - t_all
    render_s = 0.0
    joins: list[dict] = []
    try:
        for i, (na, nb, origin) in enumerate(pairs):
            a, b = songs[na], songs[nb]
            t = time.perf_counter()
            plan = plan_mix(a, b, MixSettings())
            plan_ms = (time.perf_counter() - t) * 1000.0
            row = {"index": i, "a": na, "b": nb, "origin": origin,
                   "texture_a": info[na]["texture"], "texture_b": info[nb]["texture"],
                   "exit_bar": plan.exit_bar, "entry_bar": plan.entry_bar,
                   "tempo_from": round(plan.tempo_from, 2), "tempo_to": round(plan.tempo_to, 2),
                   "mix_point_ms": round(plan_ms, 3), "modes": {}}
            for mode in modes:
                tl = Timeline(SR)
                from_bar = max(plan.exit_bar - A_BARS, 0)
                t = time.perf_counter()
                join = add_join(tl, a, b, plan, composers[mode], from_bar, seed=args.seed + i)
                join_ms = (time.perf_counter() - t) * 1000.0
                last = tl.segments[-1]
                tl.cut_last_song(last.from_bar + B_BARS)
                synth.silence()
                t = time.perf_counter()
                audio = render_array(Engine(tl, synth=synth, offline=True))
                render_s += time.perf_counter() - t
                m = joineval.evaluate_join(audio, SR, tl.segments)
                d = m.to_dict()
                d.pop("rule", None)
                d.update(n_notes=int(join.n_notes), join_ms=round(join_ms, 3),
                         plan_ms=round(plan_ms + join_ms, 3),
                         composer=getattr(join, "mode", mode))
                row["modes"][mode] = d
                row["meter_a"], row["meter_b"] = m.meter_a, m.meter_b
                if args.wav_dir:
                    _write_wav(Path(args.wav_dir) / f"{i:02d}_{mode}_{na}__{nb}.wav", audio)
            row["category"] = _category(row["meter_a"], row["meter_b"])
            joins.append(row)
    finally:
        synth.close()
    return {"rule": joineval.BROKEN_RULE, "modes": modes, "seed": args.seed,
            "corpus": [dict(e) for e in manifest if e["name"] in songs],
            "joins": joins, "seconds": {"total": time.perf_counter() - t_all,
                                        "setup": t_setup, "render": render_s}}


def _report_echo(modes: list[str], joins: list[dict]) -> None:
    """Bridges that repeat the bars beside them (joineval.echo): a loop, not a transition."""
    print(f"echo (bridges only): similarity of a bridge bar to the song bar beside it, "
          f"pitched notes by onset; loop = {joineval.ECHO_LOOP:.0%} or more, a bar heard twice")
    own = [v for j in joins for m in modes for k in ("self_a", "self_b")
           if (v := j["modes"][m].get("echo", {}).get(k)) is not None]
    for mode in modes:
        rows = [j["modes"][mode].get("echo") or {} for j in joins]
        rows = [r for r in rows if r.get("echo") is not None]
        if not rows:
            continue
        print(f"  {mode:10s} echo median {_median([r['echo'] for r in rows]):.2f}   "
              f"A side {_median([r['echo_a'] for r in rows if r['echo_a'] is not None]):.2f}   "
              f"B side {_median([r['echo_b'] for r in rows if r['echo_b'] is not None]):.2f}"
              f"   loops {sum(r['loop'] for r in rows)}/{len(rows)}")
    if own:
        print(f"  the songs themselves, bar to next bar at the join: median {_median(own):.2f}")


def report(res: dict) -> None:
    modes, joins = res["modes"], res["joins"]
    n = len(joins)
    cats = sorted({j["category"] for j in joins})
    print(f"{n} joins, {len(res['corpus'])} songs, built by music.join.add_join")
    print(f"rule: {res['rule']}")
    print(f"      {joineval.CLEAN_RULE}")
    print()
    head = (f"{'mode':10s} {'joins':>5s} {'broken':>6s} {'rate':>5s} {'air>300':>7s} "
            f"{'dip med':>7s} {'dip min':>7s} {'meter':>5s} {'m/same':>6s} {'tex med':>7s} "
            f"{'inst med':>8s} {'key med':>7s} {'plan ms':>7s} {'clean':>6s}")
    print(head)
    print("-" * len(head))
    for mode in modes:
        rows = [j["modes"][mode] for j in joins]
        same = [j["modes"][mode] for j in joins if j["category"] != "cross-meter"]
        broken = sum(r["broken"] for r in rows)
        air = sum(r["dead_air_ms"] > joineval.DEAD_AIR_MS for r in rows)
        dips = [r["level_dip_db"] for r in rows]
        meter = sum(r["meter"]["meter_break"] for r in rows)
        meter_same = sum(r["meter"]["meter_break"] for r in same)
        print(f"{mode:10s} {n:5d} {broken:6d} {broken / max(n, 1):5.0%} {air:7d} "
              f"{_median(dips):7.1f} {min(dips):7.1f} {meter:5d} {meter_same:3d}/{len(same):<2d} "
              f"{_median([r['texture']['density_ratio'] for r in rows]):7.2f} "
              f"{_median([r['texture']['instrument_ratio'] for r in rows]):8.2f} "
              f"{_median([r['key_landing'] for r in rows]):7.2f} "
              f"{_median([r['plan_ms'] for r in rows]):7.1f} "
              f"{sum(r['clean'] for r in rows) / max(n, 1):6.0%}")
    print("(air>300: joins with dead air > 300 ms; dip: dB, join minus the music around it; "
          "meter: meter breaks, all and among joins of one meter; tex: notes per quarter, "
          "join / around; inst: share of A's last-bar instruments in the join; key: share "
          "of the last beat in B's scale; plan ms: mix point + join, median)")
    print()
    _report_echo(modes, joins)
    print()
    print("broken rate by meter pair: " + ", ".join(
        f"{c} ({sum(j['category'] == c for j in joins)})" for c in cats))
    for mode in modes:
        parts = []
        for c in cats:
            rows = [j["modes"][mode] for j in joins if j["category"] == c]
            parts.append(f"{c}: {sum(r['broken'] for r in rows)}/{len(rows)}")
        print(f"  {mode:10s} " + "   ".join(parts))
    print()
    for key, label in (("broken", "broken"), ("clean", "not clean")):
        print(f"paired, on the same joins ({label}: both / only first / only second / "
              "neither):")
        for x, y in itertools.combinations(modes, 2):
            bx = [j["modes"][x][key] == (key == "broken") for j in joins]
            by = [j["modes"][y][key] == (key == "broken") for j in joins]
            both = sum(p and q for p, q in zip(bx, by))
            only_x = sum(p and not q for p, q in zip(bx, by))
            only_y = sum(q and not p for p, q in zip(bx, by))
            print(f"  {x:>9s} vs {y:9s}  both {both:2d}   only {x} {only_x:2d}   "
                  f"only {y} {only_y:2d}   neither {n - both - only_x - only_y:2d}")
        print()
    print()
    print("broken joins:")
    for j in joins:
        bad = [(m, j["modes"][m]) for m in modes if j["modes"][m]["broken"]]
        if not bad:
            continue
        print(f"  #{j['index']:02d} {j['a']} ({j['meter_a']}) → {j['b']} ({j['meter_b']}), "
              f"exit {j['exit_bar']} entry {j['entry_bar']}, "
              f"{j['tempo_from']:.0f}→{j['tempo_to']:.0f} BPM")
        for m, r in bad:
            print(f"      {m:10s} " + "; ".join(r["reasons"]))
    s = res["seconds"]
    print()
    print(f"time: {s['total']:.1f} s total ({s['setup']:.1f} s corpus, songs and synth; "
          f"{s['render']:.1f} s rendering)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", default=",".join(MODES[:4]),
                    help=f"of {', '.join(MODES)} (copy: a baseline, A's last bar then B's first)")
    ap.add_argument("--limit", type=int, default=0, help="first N joins only")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--chains", type=int, default=2,
                    help="chains through seeded shuffles of the corpus (default: 2)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--wav-dir", type=Path, default=None,
                    help="write every rendered excerpt as WAV here")
    ap.add_argument("--json", type=Path, default=None, help="write every per-join number here")
    ap.add_argument("--torch-threads", type=int, default=0,
                    help="torch intra-op threads (0: leave as is); 1 keeps unet timings steady "
                         "when other processes load the CPU")
    args = ap.parse_args()
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    res = run(args)
    report(res)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1))
        print(f"per-join numbers: {args.json}")


if __name__ == "__main__":
    main()
