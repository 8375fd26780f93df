"""``smootify export`` (its arguments are in cli.py): the queue as the player plays it."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import UserFacingError

__all__ = ["run_export"]


def _progress(quiet: bool) -> Callable[[int, int, str], None] | None:
    if quiet:
        return None
    last = [0.0]

    def show(done: int, total: int, phase: str) -> None:
        now = time.monotonic()
        if phase != "done" and total and (done == total or now - last[0] >= 1.0):
            last[0] = now
            what = "joins planned" if phase == "plan" else "rendered"
            print(f"smootify: {what} {100 * done // total} %", file=sys.stderr)

    return show


def run_export(args: argparse.Namespace, notice: Callable[[str], None]) -> int:
    """Load the files, plan them as the player does and write the mix."""
    from ..music.mix import load_songs
    from .export import FORMATS, export_mix
    from .settings import PlayerSettings

    out = Path(args.output)
    if out.suffix.lower() not in FORMATS:
        raise UserFacingError(f"smootify export: output must end in .wav, .flac or .mid, "
                              f"not {out.name!r}")
    songs, _, skipped = load_songs(args.files, notice)
    settings = PlayerSettings(soundfont=args.soundfont or "", transition=args.transition,
                              method=args.method, full_songs=args.full_songs, repeat=False)
    res = export_mix(songs, out, settings, progress=_progress(args.quiet), notice=notice)
    if args.json:
        print(json.dumps({**res.to_dict(), "skipped": skipped}, indent=2))
    elif not args.quiet:
        print(f"smootify: wrote {out} ({len(songs)} songs, {len(res.joins)} joins, "
              f"{res.seconds:.1f} s)")
    return 1 if skipped else 0
