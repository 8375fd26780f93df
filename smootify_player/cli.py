"""The ``smootify`` command: the desktop app by default; mix, analyze, evaluate and train."""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import os
import sys
import textwrap
import traceback
import zipfile
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import OneLineParser

__all__ = ["main", "gui_main", "build_parser", "COMMANDS", "ENV_VARS", "log_level"]

COMMANDS = ("app", "mix", "analyze", "evaluate", "evaluate-mix", "train", "radio", "order",
            "ratings", "export", "desktop")

#: The environment variables Smootify reads (README, *Environment*).
ENV_VARS = {
    "SMOOTIFY_LOG": "log level: DEBUG, INFO, WARNING (default), ERROR or CRITICAL; "
                    "-v/-q override it",
    "SMOOTIFY_SOUNDFONT": "SoundFont (.sf2/.sf3) used when none is chosen (default: the shipped "
                          "MuseScore_General_Lite.sf3)",
    "SMOOTIFY_AUDIO": "app audio output: auto (default), pulse, silent, or a FluidSynth "
                      "driver name (pulseaudio, alsa, coreaudio, wasapi, ...)",
    "SMOOTIFY_AUDIO_PROCESS": "0 plays live audio from the app's own process instead of a "
                              "process of its own (default 1)",
    "SMOOTIFY_AUDIO_BUFFER_MS": "audio buffered ahead of the speaker, in ms (default 100 for "
                                "the PulseAudio stream, 40 for FluidSynth's drivers)",
    "SMOOTIFY_SOUNDFONT_CACHE": "0 neither makes nor uses the decoded copy of a compressed "
                                "(.sf3) soundfont in the user's cache (default 1)",
    "SMOOTIFY_CLOCK_SPEED": "speed of the silent clock (default 1.0)",
    "SMOOTIFY_ANALYSIS_PROCESS": "0 analyses the songs being added on the app's threads "
                                 "instead of a child process (default 1)",
}

#: Suffixes that make a first argument a file to play rather than a mistyped command.
PLAYABLE_SUFFIXES = (".mid", ".midi", ".kar", ".rmi", ".smf", ".m3u", ".m3u8")

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_LOG_FLAGS = {"-v": 1, "--verbose": 1, "-vv": 2, "-vvv": 3,
              "-q": -1, "--quiet": -1, "-qq": -2, "-qqq": -3}

log = logging.getLogger("smootify.cli")


class CliError(Exception):
    """A usage or input error: printed as one line, exit status 2."""


_Parser = OneLineParser


def _error(msg: str) -> None:
    """An error line: always printed, whatever the log level."""
    print(msg, file=sys.stderr)


def _notice(msg: str) -> None:
    """A warning line (a skipped file, a fallback): silenced by ``-q``."""
    if logging.getLogger("smootify").isEnabledFor(logging.WARNING):
        print(msg, file=sys.stderr)


def log_level(verbose: int = 0, quiet: int = 0, env: str | None = None) -> int:
    """The log level from ``-v``/``-q`` counts, else the ``SMOOTIFY_LOG`` value ``env``.

    Raises
    ------
    CliError
        ``env`` is not a level name (any case) or number.
    """
    if verbose or quiet:
        return min(max(logging.WARNING + 10 * (quiet - verbose), logging.DEBUG),
                   logging.CRITICAL)
    if env is None or not env.strip():
        return logging.WARNING
    name = env.strip().upper()
    if name in LEVELS:
        return logging.getLevelName(name)
    if name.isdigit():
        return int(name)
    raise CliError(f"smootify: SMOOTIFY_LOG={env!r} is not a log level "
                   f"({', '.join(LEVELS)})")


def _setup_logging(level: int) -> None:
    logging.basicConfig(level=level, format="smootify: %(message)s")
    logging.getLogger().setLevel(level)
    logging.getLogger("smootify").setLevel(level)


def _add_log_args(p: argparse.ArgumentParser, top: bool = False) -> None:
    """``-v``/``-q``; on subcommands their default is left out so the top level's counts stay."""
    default = 0 if top else argparse.SUPPRESS
    p.add_argument("-v", "--verbose", action="count", default=default,
                   help="more log output (-vv: debug and tracebacks); overrides SMOOTIFY_LOG")
    p.add_argument("-q", "--quiet", action="count", default=default,
                   help="errors only: no notices or progress")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    env = "\n".join(textwrap.fill(v, 78, initial_indent=f"  {k:<21} ", subsequent_indent=" " * 24)
                    for k, v in ENV_VARS.items())
    p = _Parser(
        prog="smootify",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Infinite MIDI playlist player with composed bridges. "
                    "Without a command, opens the desktop app on the given files.",
        epilog="desktop app:\n  smootify [FILES|DIRS|M3U...] [--demo] [--play] [--silent] "
               "[--state-dir DIR]\n           [--new-instance]   ('smootify app --help' for "
               f"details)\n\nenvironment:\n{env}",
    )
    p.add_argument("--version", action="version", version=f"smootify {__version__}")
    _add_log_args(p, top=True)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    _add_mix_parser(sub)
    a = sub.add_parser("analyze", help="tempo, metre, bars, key and instruments of MIDI files")
    a.add_argument("files", nargs="+", metavar="FILE")
    a.add_argument("--json", action="store_true", help="print JSON instead of text")
    _add_log_args(a)

    from .training import commands as training_commands  # stdlib only at import

    e = sub.add_parser("evaluate", help="evaluate bridge composers on LPD-5 windows "
                                        "(needs the train extra)")
    training_commands.add_evaluate_args(e)
    _add_log_args(e)
    t = sub.add_parser("train", help="train the bridge U-Net on LPD-5 (needs the train extra)")
    training_commands.add_train_args(t, quiet=False)
    _add_log_args(t)  # train's -q/--quiet also turns its progress lines off

    x = sub.add_parser("evaluate-mix",
                       help="rank true continuations of LPD-5 songs with each mix-point method")
    x.add_argument("--data", required=True, metavar="NPZ", help="LPD-5 npz (e.g. the valid split)")
    x.add_argument("--limit", type=int, default=300, help="songs to sample (default: 300)")
    x.add_argument("--seed", type=int, default=0)
    x.add_argument("--json", metavar="OUT.json", help="write the results as JSON")
    _add_log_args(x)
    _add_library_parsers(sub)
    _add_desktop_parser(sub)
    return p


def _add_desktop_parser(sub: argparse._SubParsersAction) -> None:
    """``desktop install [--default]`` and ``desktop uninstall`` (app.desktop_install)."""
    from .app import desktop_install  # no Qt at import

    d = sub.add_parser("desktop", help="add Smootify to the desktop's menus and 'Open with' "
                       "(install [--default]), or remove it (uninstall)")
    desktop_install.add_arguments(d)
    _add_log_args(d)


def _add_library_parsers(sub: argparse._SubParsersAction) -> None:
    """``radio``, ``order`` and ``ratings`` (smootify_player.library)."""
    from .library import commands as library_commands  # stdlib only at import

    r = sub.add_parser("radio", help="pick songs from folders that join well, one after another")
    library_commands.add_radio_args(r)
    _add_log_args(r)
    o = sub.add_parser("order", help="reorder a playlist for the smoothest transitions")
    library_commands.add_order_args(o)
    _add_log_args(o)
    g = sub.add_parser("ratings", help="listeners' ratings of the joins: export to CSV, "
                                       "listening-test results, profiles")
    library_commands.add_ratings_args(g)
    _add_log_args(g)
    _add_export_parser(sub)


def _add_export_parser(sub: argparse._SubParsersAction) -> None:
    """``export``: the queue as the player plays it (smootify_player.player.commands)."""
    x = sub.add_parser("export", help="the queue as the player plays it, to WAV, FLAC or MIDI")
    x.add_argument("files", nargs="+", metavar="FILE", help="MIDI files: the queue, in order")
    x.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file: .wav, .flac (16-bit, FluidSynth) or .mid")
    x.add_argument("--transition", default="ai", choices=("ai", "rule", "crossfade", "cut"),
                   help="how songs are joined, as the player's setting (default: ai)")
    x.add_argument("--method", default="smart", choices=("smart", "jsd", "dtw", "random"),
                   help="how mix points are chosen (default: smart)")
    x.add_argument("--full-songs", action="store_true", help="play every song whole")
    x.add_argument("--soundfont", metavar="PATH", help="SoundFont for WAV/FLAC output")
    x.add_argument("--json", action="store_true", help="print what was written as JSON")
    _add_log_args(x)


def _add_mix_parser(sub: argparse._SubParsersAction) -> None:
    """The ``mix`` subcommand's arguments."""
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
    m.add_argument("--soundfont", metavar="PATH",
                   help="SoundFont (.sf2/.sf3) for WAV output (default: SMOOTIFY_SOUNDFONT, "
                        "else the shipped one)")
    m.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    m.add_argument("--full-songs", action="store_true",
                   help="play every song whole: exit at A's last bar, enter at B's first")
    m.add_argument("--exit-from", type=float, default=0.70, metavar="FRAC",
                   help="A exits at or after this fraction of its bars (default: 0.70)")
    m.add_argument("--entry-until", type=float, default=0.15, metavar="FRAC",
                   help="B enters at or before this fraction of its bars (default: 0.15)")
    m.add_argument("--weights", metavar="PATH", help="bridge model weights (.safetensors)")
    _add_log_args(m)


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


def _writable_parent(path: str | Path, what: str) -> None:
    """Fail before the work when ``path`` cannot be written: its folder is missing."""
    parent = Path(path).expanduser().parent
    if not parent.is_dir():
        raise CliError(f"smootify: cannot write {what} {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise CliError(f"smootify: cannot write {what} {path}: folder {parent} is not writable")


def _cmd_mix(args: argparse.Namespace) -> int:
    from .audio.sinks import atomic_write_bytes, render_wav, write_midi
    from .audio.synth import SynthError
    from .composers import make_composer
    from .music.mix import build_mix
    from .music.mixpoint import MixSettings
    from .music.song import SongError

    out = Path(args.output)
    if out.suffix.lower() not in (".wav", ".mid", ".midi"):
        _error(f"smootify: output must end in .wav or .mid, not {out.name!r}")
        return 2
    _writable_parent(out, "the output")
    if args.report:
        _writable_parent(args.report, "the report")
    composer = (None if args.bridge == "crossfade"
                else make_composer(args.bridge, args.weights, notice=_notice))
    settings = MixSettings(method=args.method, exit_from=args.exit_from,
                           entry_until=args.entry_until, full_songs=args.full_songs,
                           seed=args.seed)
    try:
        mix = build_mix(args.files, settings, composer, notice=_notice)
    except SongError as exc:
        _error(f"smootify: {exc}")
        return 1
    for t in mix.transitions:
        log.info("%s -> %s: exit bar %s, entry bar %s, %s bridge (%s)",
                 Path(str(t["from"])).name, Path(str(t["to"])).name, t["exit_bar"],
                 t["entry_bar"], t.get("bridge"),
                 ", ".join(f"{k} {v:.1f} ms" for k, v in t.get("timings_ms", {}).items()))
    try:
        if out.suffix.lower() == ".wav":
            stats = render_wav(mix.timeline, out, args.soundfont, notice=_notice)
            what = f"{stats['seconds']:.1f} s of audio, rendered {stats['speed']:.0f}x real time"
            log.info("soundfont %s", stats["soundfont"])
        else:
            write_midi(mix.timeline, out)
            what = f"{mix.timeline.length / mix.timeline.sample_rate:.1f} s of MIDI"
    except (SynthError, OSError) as exc:
        _error(f"smootify: cannot write {out}: {_one_line(exc)}")
        return 1
    if args.report:
        report = mix.report()
        if out.suffix.lower() == ".wav":
            report["soundfont"] = stats["soundfont"]
        try:
            atomic_write_bytes(args.report, json.dumps(report, indent=2).encode())
        except OSError as exc:
            _error(f"smootify: cannot write {args.report}: {_one_line(exc)}")
            return 1
    n = len(mix.songs)
    if not args.quiet:
        print(f"smootify: wrote {out} ({n} song{'s' * (n != 1)}, {len(mix.plans)} bridges, "
              f"{what})")
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


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _check_inputs(args: argparse.Namespace) -> None:
    """Before any heavy import: the data files exist and are LPD-5 npz; outputs can be written.

    Raises
    ------
    CliError
        With a one-line message naming the option.
    """
    from .training.commands import data_error

    cmd = args.command
    if cmd in ("evaluate", "evaluate-mix", "train"):
        err = data_error(args.data, allow_dir=cmd != "evaluate-mix")
        if err:
            raise CliError(f"smootify {cmd}: --data {args.data}: {err}")
    if cmd == "train" and args.valid:
        err = data_error(args.valid, allow_dir=True)
        if err:
            raise CliError(f"smootify train: --valid {args.valid}: {err}")
    if cmd == "evaluate":
        for opt, path in (("--weights", args.weights), ("--seed-weights", args.seed_weights)):
            if path and not Path(path).is_file():
                raise CliError(f"smootify evaluate: {opt} {path}: no such file")
    outs = {"evaluate": [("--json", args.json)] if cmd == "evaluate" else [],
            "evaluate-mix": [("--json", args.json)] if cmd == "evaluate-mix" else [],
            "train": [("--out", args.out)] if cmd == "train" else []}.get(cmd, [])
    for opt, path in outs:
        if path:
            parent = Path(path).expanduser().parent
            if cmd != "evaluate-mix":  # evaluate and train make the folder
                try:
                    parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise CliError(f"smootify {cmd}: {opt} {path}: {_one_line(exc)}") from None
            if not parent.is_dir() or not os.access(parent, os.W_OK):
                raise CliError(f"smootify {cmd}: {opt} {path}: folder {parent} "
                               f"{'is not writable' if parent.is_dir() else 'does not exist'}")


def _run_command(args: argparse.Namespace) -> int:
    if args.command == "desktop":
        from .app import desktop_install

        return desktop_install.run(args)
    if args.command == "analyze":
        return _cmd_analyze(args)
    if args.command == "mix":
        return _cmd_mix(args)
    if args.command == "export":
        from .errors import UserFacingError
        from .player import commands as player_commands

        try:
            return player_commands.run_export(args, _notice)
        except UserFacingError as exc:
            _error(str(exc))
            return 1
    if args.command in ("radio", "order", "ratings"):
        from .library import commands as library_commands

        run = {"radio": library_commands.run_radio, "order": library_commands.run_order,
               "ratings": library_commands.run_ratings}[args.command]
        try:
            return run(args, _notice)
        except library_commands.LibraryUsageError as exc:
            raise CliError(str(exc)) from None
    _check_inputs(args)
    if args.command in ("evaluate", "train"):
        import importlib.util

        if importlib.util.find_spec("torch") is None:
            raise CliError(_needs("torch", args.command))
    try:
        if args.command == "evaluate-mix":
            return _cmd_evaluate_mix(args)
        from .training import commands

        run_torch = commands.run_evaluate if args.command == "evaluate" else commands.run_train
        return run_torch(args)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("torch", "tqdm", "pypianoroll"):
            raise CliError(_needs(exc.name.split(".")[0], args.command)) from None
        raise


def _needs(module: str, command: str) -> str:
    return (f"smootify {command}: needs {module}, from the train extra: install torch's "
            "CPU-only build, then pip install 'smootify-player[train]' (see the README)")


def _suggest(word: str) -> str:
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return (f"smootify: '{word}' is neither a command nor a file{hint} "
            f"(commands: {', '.join(COMMANDS)}; a file: ./{word})")


def looks_like_path(arg: str) -> bool:
    """Whether the first argument names something to play rather than a command."""
    return (os.sep in arg or (os.altsep is not None and os.altsep in arg)
            or Path(arg).suffix.lower() in PLAYABLE_SUFFIXES or Path(arg).exists())


def _pop_log_flags(argv: list[str]) -> tuple[list[str], int, int]:
    """Remove ``-v``/``-q`` flags (before a ``--``); returns the rest and the counts."""
    rest, verbose, quiet, end = [], 0, 0, False
    for a in argv:
        if not end and a in _LOG_FLAGS:
            n = _LOG_FLAGS[a]
            verbose, quiet = verbose + max(n, 0), quiet + max(-n, 0)
            continue
        end = end or a == "--"
        rest.append(a)
    return rest, verbose, quiet


def _run_app(argv: list[str]) -> int:
    argv, verbose, quiet = _pop_log_flags(argv)
    level = log_level(verbose, quiet, os.environ.get("SMOOTIFY_LOG"))
    os.environ["SMOOTIFY_LOG"] = logging.getLevelName(level)  # the app configures logging
    speed = os.environ.get("SMOOTIFY_CLOCK_SPEED")
    if speed is not None:
        try:
            float(speed)
        except ValueError:
            raise CliError(f"smootify: SMOOTIFY_CLOCK_SPEED={speed!r} is not a number") from None
    from .app.main import main as app_main

    return app_main(argv)


def _main(argv: list[str]) -> int:
    lead: list[str] = []
    while argv and argv[0] in _LOG_FLAGS:
        lead.append(argv.pop(0))
    first = argv[0] if argv else None
    if first is None or first == "app":
        return _run_app(lead + argv[1:])
    if first not in COMMANDS and first not in ("-h", "--help", "--version"):
        if first.startswith("-") or looks_like_path(first):
            return _run_app(lead + argv)
        raise CliError(_suggest(first))
    args = build_parser().parse_args(lead + argv)
    level = log_level(args.verbose, args.quiet, os.environ.get("SMOOTIFY_LOG"))
    _setup_logging(level)
    args.quiet = level > logging.WARNING  # train and mix: no progress lines
    return _run_command(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``smootify`` command line; returns the exit status.

    Errors are one line on stderr: exit status 2 for a usage or input error, 1 when the work
    failed; ``-vv`` adds the traceback of an unexpected error.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except CliError as exc:
        _error(str(exc))
        return 2
    except KeyboardInterrupt:
        _error("smootify: interrupted")
        return 130
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        # Data the checks could not see through (a truncated npz, a disk that filled up).
        if logging.getLogger("smootify").isEnabledFor(logging.DEBUG):
            traceback.print_exc()
        _error(f"smootify: error: {type(exc).__name__}: {_one_line(exc)} (-vv for the traceback)")
        return 1


def gui_main(argv: Sequence[str] | None = None) -> int:
    """``smootify-gui``: the desktop app, with ``-v``/``-q`` and ``--version``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return main(["app", *argv])


if __name__ == "__main__":
    sys.exit(main())
