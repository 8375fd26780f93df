"""``smootify train`` and ``smootify evaluate``: argument parsing with stdlib only at import."""

from __future__ import annotations

import argparse
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

__all__ = ["add_train_args", "run_train", "add_evaluate_args", "run_evaluate", "ARCHS",
           "data_error", "LPD5_ARRAYS"]

#: Named architectures: ``unet`` is the shipped design, ``seed_unet`` the seed's.
ARCHS: dict[str, dict[str, Any]] = {
    "unet": {"layout": "aligned", "channels": [24, 48, 96, 160], "loss": "bce", "ctx_bars": 1,
             "shortcut": True},
    "seed_unet": {"layout": "seed", "channels": [32, 64, 128, 192], "loss": "mse",
                  "ctx_bars": 1},
}


#: Training budget when neither --steps nor --minutes is given (fits ~2 h on 2 CPU cores).
DEFAULT_MINUTES = 90.0


#: The arrays of an ``lpd5_16th_*.npz`` (format in the data README).
LPD5_ARRAYS = ("active", "onset", "offsets", "md5", "genre", "tempo")


def data_error(path: str | Path, allow_dir: bool = True) -> str | None:
    """Why ``path`` cannot be read as LPD-5 data, in a few words; None when it looks right.

    Only the npz's table of contents is read: a file that passes can still be truncated.

    Parameters
    ----------
    path : str or Path
        An ``lpd5_16th_*.npz`` file or, with ``allow_dir``, an LPD-5 directory of npz files.
    allow_dir : bool
        Whether a directory of pypianoroll npz files is accepted.
    """
    p = Path(path).expanduser()
    if p.is_dir():
        if not allow_dir:
            return "is a folder; an lpd5_16th_*.npz file is needed"
        if not os.access(p, os.R_OK | os.X_OK):
            return "folder not readable (permission denied)"
        if next(p.rglob("*.npz"), None) is None:
            return "folder holds no .npz files (an LPD-5 directory is needed)"
        return None
    if not p.exists():
        return "no such file or folder" if allow_dir else "no such file"
    if not p.is_file():
        return "not a regular file"
    try:
        with zipfile.ZipFile(p) as z:
            names = {n[:-4] for n in z.namelist() if n.endswith(".npy")}
    except PermissionError:
        return "not readable (permission denied)"
    except (zipfile.BadZipFile, OSError, EOFError):
        return "not an npz file"
    missing = [k for k in LPD5_ARRAYS if k not in names]
    if missing:
        return f"not an LPD-5 npz (no {', '.join(missing)} arrays)"
    return None


def _channels(text: str) -> list[int]:
    try:
        ch = [int(c) for c in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not comma-separated integers: {text!r}") from None
    if not ch or min(ch) < 1:
        raise argparse.ArgumentTypeError(f"channels must be positive: {text!r}")
    return ch


def _sibling_valid(data: str) -> str | None:
    """``..._valid.npz`` next to a ``..._train.npz``, when it exists."""
    p = Path(data)
    if p.is_file() and "_train" in p.name:
        v = p.with_name(p.name.replace("_train", "_valid"))
        if v.is_file():
            return str(v)
    if p.is_dir():
        return data  # an LPD-5 directory holds every split; valid is taken by md5
    return None


def add_train_args(p: argparse.ArgumentParser, quiet: bool = True) -> None:
    """Add the ``train`` options to ``p``.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The sub-command parser.
    quiet : bool
        Add ``--quiet`` (no progress lines); ``smootify`` leaves it to its shared ``-q``.
    """
    p.add_argument("--data", required=True, help="train npz (lpd5_16th_train.npz) or LPD-5 dir")
    p.add_argument("--valid", help="valid npz or LPD-5 dir, to pick the best checkpoint and "
                   "tune thresholds (default: the _valid.npz beside --data, or the same dir)")
    p.add_argument("--out", required=True, help="output .safetensors")
    p.add_argument("--arch", choices=sorted(ARCHS), default="unet")
    p.add_argument("--ctx-bars", type=int, help="context bars each side (default: arch's)")
    p.add_argument("--channels", type=_channels,
                   help="comma-separated channels, e.g. 24,48,96,160")
    p.add_argument("--loss", choices=["bce", "focal", "mse"])
    p.add_argument("--no-shortcut", action="store_true", help="drop the input-to-logits 1x1")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--steps", type=int, default=0, help="stop after N steps")
    p.add_argument("--minutes", type=float, default=0.0,
                   help=f"stop after N minutes of training (default {DEFAULT_MINUTES:g} "
                   "when no --steps)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    p.add_argument("--max-shift", type=int, default=5, help="transposition range, semitones")
    p.add_argument("--run-dir", default="runs/train", help="checkpoints and logs")
    p.add_argument("--ckpt-seconds", type=float, default=120.0)
    p.add_argument("--val-seconds", type=float, default=300.0)
    p.add_argument("--val-windows", type=int, default=768)
    p.add_argument("--resume", action="store_true", help="continue from RUN_DIR/last.pt")
    p.add_argument("--cache-dir", help="memory-map the unpacked train arrays from here")
    p.add_argument("--no-tune", action="store_true", help="skip tuning thresholds on valid")
    if quiet:
        p.add_argument("--quiet", action="store_true", help="no progress lines")


def run_train(args: argparse.Namespace) -> int:
    """Run ``smootify train``; returns the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``train`` options.
    """
    quiet = bool(getattr(args, "quiet", False))
    if args.steps <= 0 and args.minutes <= 0:
        args.minutes = DEFAULT_MINUTES
        if not quiet:
            print(f"smootify train: no --steps/--minutes, training for {DEFAULT_MINUTES:g} "
                  "minutes", file=sys.stderr)
    if args.valid is None:
        args.valid = _sibling_valid(args.data)
        if args.valid and not quiet:
            print(f"smootify train: validating on {args.valid}", file=sys.stderr)
    from ..model.unet import ModelConfig
    from .train import TrainOptions, train

    spec = dict(ARCHS[args.arch])
    if args.ctx_bars:
        spec["ctx_bars"] = args.ctx_bars
    if args.channels:
        spec["channels"] = list(args.channels)
    if args.loss:
        spec["loss"] = args.loss
    if args.no_shortcut:
        spec["shortcut"] = False
    cfg = ModelConfig(**spec)
    opt = TrainOptions(data=args.data, out=args.out, valid=args.valid, cfg=cfg, batch=args.batch,
                       lr=args.lr, steps=args.steps, minutes=args.minutes, seed=args.seed,
                       threads=args.threads, max_shift=args.max_shift, run_dir=args.run_dir,
                       ckpt_seconds=args.ckpt_seconds, val_seconds=args.val_seconds,
                       val_windows=args.val_windows, resume=args.resume,
                       cache_dir=args.cache_dir, quiet=quiet)
    summary = train(opt)
    if int(os.environ.get("RANK", "0")) != 0:
        return 0
    if args.valid and not args.no_tune:
        from .evaluate import tune_file

        thr = tune_file(args.out, args.valid, seed=args.seed + 777)
        print(f"thresholds tuned on valid: {json.dumps(thr)}")
    print(json.dumps({k: v for k, v in summary.items() if k != "history"}))
    return 0


def add_evaluate_args(p: argparse.ArgumentParser) -> None:
    """Add the ``evaluate`` options to ``p``.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The sub-command parser.
    """
    p.add_argument("--data", required=True, help="npz (lpd5_16th_valid.npz) or LPD-5 dir")
    p.add_argument("--limit", type=int, default=2000, help="number of windows to sample")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", help="write the results here")
    p.add_argument("--weights", help="unet weights (default weights/bridge_unet.safetensors)")
    p.add_argument("--seed-weights",
                   help="seed_unet weights (default weights/seed_unet.safetensors)")
    p.add_argument("--pairs", type=int, default=300, help="cross-song bridges to score")
    p.add_argument("--threads", type=int, default=2, help="torch threads for the latency")
    p.add_argument("--split", help="for an LPD-5 dir: the split to use (default valid)")


def run_evaluate(args: argparse.Namespace) -> int:
    """Run ``smootify evaluate``; prints a table and writes ``--json``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``evaluate`` options.
    """
    from .evaluate import evaluate, format_table

    res = evaluate(args.data, limit=args.limit, seed=args.seed, weights=args.weights,
                   seed_weights=args.seed_weights, pairs=args.pairs, threads=args.threads,
                   split=args.split or "valid")
    print(format_table(res))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(res, indent=1, default=float))
    return 0


def _main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m smootify_player.training.commands train ...``.

    The same as ``smootify train ...`` / ``smootify evaluate ...`` (checks, one-line errors).
    """
    from ..cli import main

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in ("train", "evaluate", "-h", "--help", "--version"):
        print("smootify-training: the commands are train and evaluate", file=sys.stderr)
        return 2
    return main(argv)


if __name__ == "__main__":
    sys.exit(_main())
