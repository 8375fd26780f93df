"""The ``smootify`` command: the desktop app by default; mix, analyze, evaluate and train."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__

__all__ = ["main", "build_parser", "COMMANDS"]

COMMANDS = ("app", "mix", "analyze", "evaluate", "evaluate-mix", "train")


def _notice(msg: str) -> None:
    print(msg, file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(
        prog="smootify",
        description="Infinite MIDI playlist player with composed bridges. "
                    "Without a command, opens the desktop app on the given files.",
        epilog="desktop app: smootify [FILES|DIRS|M3U...] [--demo] [--play] [--silent] "
               "[--state-dir DIR] [--new-instance]; 'smootify app --help' for details",
    )
    p.add_argument("--version", action="version", version=f"smootify {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    m = sub.add_parser("mix", help="render songs into one gapless mix (WAV or MIDI)")
    m.add_argument("files", nargs="+", metavar="FILE", help="MIDI files, in order")
    m.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file: .wav (rendered with FluidSynth) or .mid")
    m.add_argument("--report", metavar="PLAN.json", help="write the mix plan as JSON")
    m.add_argument("--method", default="smart", choices=("smart", "jsd", "dtw", "random"),
                   help="how mix points are chosen (default: smart)")
    m.add_argument("--bridge", default="unet", choices=("unet", "rule", "none", "crossfade"),
                   help="how songs are joined: a composed bridge (unet, the default, or rule), "
                        "a straight cut (none) or a beat-matched crossfade")
    m.add_argument("--soundfont", metavar="PATH", help="SoundFont (.sf2/.sf3) for WAV output")
    m.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    m.add_argument("--full-songs", action="store_true",
                   help="play every song whole: exit at A's last bar, enter at B's first")
    m.add_argument("--exit-from", type=float, default=0.70, metavar="FRAC",
                   help="A exits at or after this fraction of its bars (default: 0.70)")
    m.add_argument("--entry-until", type=float, default=0.15, metavar="FRAC",
                   help="B enters at or before this fraction of its bars (default: 0.15)")
    m.add_argument("--weights", metavar="PATH", help="bridge model weights (.safetensors)")

    a = sub.add_parser("analyze", help="tempo, metre, bars, key and instruments of MIDI files")
    a.add_argument("files", nargs="+", metavar="FILE")
    a.add_argument("--json", action="store_true", help="print JSON instead of text")

    e = sub.add_parser("evaluate", help="evaluate bridge composers on LPD-5 windows")
    t = sub.add_parser("train", help="train the bridge U-Net on LPD-5")
    try:
        from .training import commands as training_commands
    except ImportError:  # a player-only install may leave training out
        training_commands = None
    if training_commands is not None:
        training_commands.add_evaluate_args(e)
        training_commands.add_train_args(t)

    x = sub.add_parser("evaluate-mix",
                       help="rank true continuations of LPD-5 songs with each mix-point method")
    x.add_argument("--data", required=True, metavar="NPZ", help="LPD-5 npz (e.g. the valid split)")
    x.add_argument("--limit", type=int, default=300, help="songs to sample (default: 300)")
    x.add_argument("--seed", type=int, default=0)
    x.add_argument("--json", metavar="OUT.json", help="write the results as JSON")
    return p


def _cmd_analyze(args: argparse.Namespace) -> int:
    from .music.song import Song, SongError

    failed = False
    results = []
    for f in args.files:
        try:
            results.append(Song.load(f).summary())
        except SongError as exc:
            failed = True
            results.append({"path": str(f), "error": str(exc)})
    if args.json:
        print(json.dumps(results if len(results) != 1 else results[0], indent=2))
    else:
        for r in results:
            if "error" in r:
                print(f"{r['path']}: error: {r['error']}")
                continue
            sigs = ", ".join(f"{s['numerator']}/{s['denominator']}" for s in r["time_signatures"])
            tempi = sorted({round(t["bpm"], 1) for t in r["tempi"]})
            print(f"{r['path']}\n  duration {r['duration_s']:.1f} s, {r['bars']} bars, "
                  f"tempo {r['tempo_bpm']:.1f} BPM (tempi {tempi}), metre {sigs}\n"
                  f"  key {r['key']['name']}, families {', '.join(r['families'])}")
    return 1 if failed else 0


def _cmd_mix(args: argparse.Namespace) -> int:
    from .audio.sinks import atomic_write_bytes, render_wav, write_midi
    from .audio.synth import SynthError
    from .music.bridge import make_composer
    from .music.mix import build_mix
    from .music.mixpoint import MixSettings
    from .music.song import SongError

    out = Path(args.output)
    if out.suffix.lower() not in (".wav", ".mid", ".midi"):
        _notice(f"smootify: output must end in .wav or .mid, not {out.name!r}")
        return 2
    composer = (None if args.bridge == "crossfade"
                else make_composer(args.bridge, args.weights, notice=_notice))
    settings = MixSettings(method=args.method, exit_from=args.exit_from,
                           entry_until=args.entry_until, full_songs=args.full_songs,
                           seed=args.seed)
    try:
        mix = build_mix(args.files, settings, composer, notice=_notice)
    except SongError as exc:
        _notice(f"smootify: {exc}")
        return 1
    try:
        if out.suffix.lower() == ".wav":
            stats = render_wav(mix.timeline, out, args.soundfont, notice=_notice)
            what = f"{stats['seconds']:.1f} s of audio, rendered {stats['speed']:.0f}x real time"
        else:
            write_midi(mix.timeline, out)
            what = f"{mix.timeline.length / mix.timeline.sample_rate:.1f} s of MIDI"
    except (SynthError, OSError) as exc:
        _notice(f"smootify: cannot write {out}: {exc}")
        return 1
    if args.report:
        report = mix.report()
        if out.suffix.lower() == ".wav":
            report["soundfont"] = stats["soundfont"]
        atomic_write_bytes(args.report, json.dumps(report, indent=2).encode())
    n = len(mix.songs)
    print(f"smootify: wrote {out} ({n} song{'s' * (n != 1)}, {len(mix.plans)} bridges, {what})")
    return 0


def _cmd_evaluate_mix(args: argparse.Namespace) -> int:
    from .music.mixeval import evaluate_mixpoints

    result = evaluate_mixpoints(args.data, limit=args.limit, seed=args.seed)
    text = json.dumps(result, indent=2)
    if args.json:
        from .audio.sinks import atomic_write_bytes

        atomic_write_bytes(args.json, text.encode())
    print(text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``smootify`` command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] == "app" or (
            argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        from .app.main import main as app_main

        return app_main(argv[1:] if argv and argv[0] == "app" else argv)
    args = build_parser().parse_args(argv)
    if args.command == "analyze":
        return _cmd_analyze(args)
    if args.command == "mix":
        return _cmd_mix(args)
    if args.command == "evaluate-mix":
        return _cmd_evaluate_mix(args)
    if args.command in ("evaluate", "train"):
        from .training import commands

        run = commands.run_evaluate if args.command == "evaluate" else commands.run_train
        return run(args)
    build_parser().print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
