"""``smootify radio``, ``order`` and ``ratings``: arguments and the commands, headless."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import UserFacingError

__all__ = ["LibraryUsageError", "add_radio_args", "run_radio", "add_order_args", "run_order",
           "add_ratings_args", "run_ratings"]

Notice = Callable[[str], None]


class LibraryUsageError(UserFacingError):
    """A usage or input error of ``radio`` or ``order`` (exit status 2)."""


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--db", metavar="PATH",
                   help="library database (default: library.sqlite3 in the user's cache "
                        "folder)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="analysis processes for new files (default: every core)")


def add_radio_args(p: argparse.ArgumentParser) -> None:
    """The ``radio`` subcommand's arguments."""
    p.add_argument("dirs", nargs="+", metavar="DIR", help="library folders (scanned first)")
    p.add_argument("--from", dest="start", required=True, metavar="SONG",
                   help="the song playing: a MIDI file, or a title in the folders")
    p.add_argument("--count", type=int, default=10, metavar="N",
                   help="songs to pick (default: 10)")
    p.add_argument("--seed", type=int, metavar="S", help="seed of the draw (default: random)")
    p.add_argument("--no-repeat", type=int, default=50, metavar="N",
                   help="no song again within N picks (default: 50)")
    _add_common(p)


def add_order_args(p: argparse.ArgumentParser) -> None:
    """The ``order`` subcommand's arguments."""
    p.add_argument("files", nargs="+", metavar="FILE", help="MIDI files, in playlist order")
    p.add_argument("--keep-first", action="store_true", help="keep the first song first")
    _add_common(p)


def _open(args: argparse.Namespace, notice: Notice):  # -> Library
    from .library import Library

    if args.db:
        parent = Path(args.db).expanduser().parent
        if not parent.is_dir():
            raise LibraryUsageError(f"smootify {args.command}: --db {args.db}: folder {parent} "
                                    "does not exist")
    return Library(Path(args.db).expanduser() if args.db else None, notice=notice)


def _fails(run: Callable[[argparse.Namespace, Notice], int]
           ) -> Callable[[argparse.Namespace, Notice], int]:
    """A command whose library cannot be opened says so in one line, exit status 1."""
    def wrapped(args: argparse.Namespace, notice: Notice) -> int:
        from .db import LibraryError

        try:
            return run(args, notice)
        except LibraryError as exc:
            print(f"smootify {args.command}: {exc}", file=sys.stderr)
            return 1

    wrapped.__doc__, wrapped.__name__ = run.__doc__, run.__name__
    return wrapped


def _progress(quiet: bool) -> Callable[[int, int], None] | None:
    if quiet:
        return None
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if total and (done == total or now - last[0] >= 1.0):
            last[0] = now
            print(f"smootify: analysing {done}/{total} new files", file=sys.stderr)

    return show


def _find_start(lib, cat, start: str, folders: list[str]) -> int:
    """Catalog row of ``--from``: a file (indexed when outside the folders) or a title."""
    if os.path.isfile(start):
        digest = lib.digest_of(start)
        if digest is None:
            raise LibraryUsageError(f"smootify radio: --from {start}: not a usable MIDI file")
        return int(cat.index_of(digest))
    low = start.casefold()
    titles = [t.casefold() for t in cat.titles]
    for match in (lambda t: t == low, lambda t: t.startswith(low), lambda t: low in t):
        hits = [i for i, t in enumerate(titles) if match(t)]
        if hits:
            return hits[0]
    raise LibraryUsageError(f"smootify radio: --from {start!r}: no such file, and no song of "
                            f"that title in {', '.join(folders)}")


@_fails
def run_radio(args: argparse.Namespace, notice: Notice) -> int:
    """Scan the folders, then print ``--count`` picks from ``--from`` in order."""
    from .radio import Radio

    for d in args.dirs:
        if not os.path.isdir(d):
            raise LibraryUsageError(f"smootify radio: {d}: not a folder")
    if args.count < 0:
        raise LibraryUsageError("smootify radio: --count must be 0 or more")
    folders = [os.path.abspath(d) for d in args.dirs]
    with _open(args, notice) as lib:
        report = lib.scan(folders, progress=_progress(args.quiet), workers=args.workers)
        for err in report.errors[:10]:
            notice(f"smootify: skipped {err}")
        extra = []
        if os.path.isfile(args.start):
            lib.add_files([args.start], workers=0)
            extra = [args.start]
        cat = lib.catalog(folders, extra)
        if len(cat) == 0:
            raise LibraryUsageError(f"smootify radio: no usable MIDI files in "
                                    f"{', '.join(args.dirs)}")
        start = _find_start(lib, cat, args.start, args.dirs)
        radio = Radio(cat, lib.sketches, seed=args.seed, no_repeat=args.no_repeat)
        radio.start(start)
        picks = [radio.next() for _ in range(args.count)]
    if args.json:
        print(json.dumps({"from": cat.describe(start), "songs": len(cat),
                          "scan": report.to_dict(),
                          "picks": [{"n": k + 1, **p.to_dict()} for k, p in enumerate(picks)]},
                         indent=2))
        return 0
    print(f"from: {cat.titles[start]} ({cat.paths[start]})")
    for k, p in enumerate(picks, 1):
        extra_rules = f" [relaxed: {', '.join(p.relaxed)}]" if p.relaxed else ""
        print(f"{k:3d}. {p.title}  score {p.score:.3f} (cost {p.cost:.3f}"
              + (f", mix {p.mix_score:.3f}" if p.mix_score is not None else "")
              + f")  {p.reason}{extra_rules}\n     {p.path}")
    return 0


@_fails
def run_order(args: argparse.Namespace, notice: Notice) -> int:
    """Reorder the files for the smoothest flow; print the order and the costs."""
    import numpy as np

    from .cost import cost_matrix, reason
    from .order import smooth_order

    files = [os.path.abspath(f) for f in args.files]
    for f in args.files:
        if not os.path.isfile(f):
            raise LibraryUsageError(f"smootify order: {f}: no such file")
    with _open(args, notice) as lib:
        report = lib.add_files(files, progress=_progress(args.quiet), workers=args.workers)
        cat = lib.catalog([], files)
        rows, kept, skipped = [], [], []
        for f in files:
            digest = lib.digest_of(f)
            if digest is None:
                skipped.append(f)
                status = lib.file_status(f)
                notice(f"smootify: skipped {f}: {(status and status[1]) or 'not analysed'}")
                continue
            rows.append(cat.index_of(digest))
            kept.append(f)
    if not rows:
        print("smootify order: no usable MIDI files", file=sys.stderr)
        return 1
    costs = cost_matrix(cat, np.array(rows))
    result = smooth_order(costs, keep_first=args.keep_first)
    ordered = [kept[i] for i in result.order]
    joins = [{"from": ordered[k], "to": ordered[k + 1],
              "cost": round(float(costs[result.order[k], result.order[k + 1]]), 4),
              "reason": reason(cat, rows[result.order[k]], rows[result.order[k + 1]])}
             for k in range(len(ordered) - 1)]
    if args.json:
        print(json.dumps({"files": ordered, "order": result.order,
                          "cost_before": round(result.cost_before, 4),
                          "cost_after": round(result.cost_after, 4),
                          "seconds": round(result.seconds, 3), "joins": joins,
                          "skipped": skipped, "scan": report.to_dict()}, indent=2))
    else:
        drop = (1 - result.cost_after / result.cost_before) * 100 if result.cost_before else 0.0
        print(f"total transition cost {result.cost_before:.3f} -> {result.cost_after:.3f} "
              f"({drop:.0f} % lower, {len(ordered)} songs, {result.seconds:.2f} s)")
        for k, f in enumerate(ordered):
            tail = f"   -> {joins[k]['cost']:.3f}  {joins[k]['reason']}" if k < len(joins) else ""
            print(f"{k + 1:3d}. {f}{tail}")
    return 1 if skipped else 0


def add_ratings_args(p: argparse.ArgumentParser) -> None:
    """The ``ratings`` subcommand's arguments: ``export OUT.csv``, ``results``, ``profiles``."""
    p.add_argument("action", choices=("export", "results", "profiles"),
                   help="export: write the ratings as CSV; results: mean opinion score per "
                        "method and join mode; profiles: list the listener profiles")
    p.add_argument("out", nargs="?", metavar="OUT.csv", help="the CSV file (export)")
    p.add_argument("--profile", metavar="NAME",
                   help="only this listener's ratings (default: every profile)")
    p.add_argument("--test", metavar="NAME",
                   help="only this listening test's ratings ('any': every listening test)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--db", metavar="PATH",
                   help="library database (default: library.sqlite3 in the user's cache "
                        "folder)")


@_fails
def run_ratings(args: argparse.Namespace, notice: Notice) -> int:
    """Export the ratings, print the listening-test results, or list the profiles."""
    test: str | bool | None = True if args.test == "any" else args.test
    if args.action == "export" and not args.out:
        raise LibraryUsageError("smootify ratings export: name the CSV file to write")
    if args.action == "export":
        parent = Path(args.out).expanduser().resolve().parent
        if not parent.is_dir():
            raise LibraryUsageError(f"smootify ratings export: folder {parent} does not exist")
    with _open(args, notice) as lib:
        store = lib.ratings
        if args.profile and store.profile(args.profile, create=False) is None:
            raise LibraryUsageError(f"smootify ratings: no profile {args.profile!r} (profiles: "
                                    f"{', '.join(p.name for p in store.profiles()) or 'none'})")
        if args.action == "profiles":
            profiles = store.profiles()
            counts = {p.name: len(store.ratings(p.name)) for p in profiles}
            if args.json:
                print(json.dumps([{"name": p.name, "colour": p.colour,
                                   "ratings": counts[p.name]} for p in profiles], indent=2))
            else:
                for p in profiles:
                    print(f"{p.name}  {p.colour}  {counts[p.name]} ratings")
            return 0
        if args.action == "export":
            n = store.export_csv(Path(args.out).expanduser(), args.profile, test)
            print(f"smootify ratings: {n} ratings written to {args.out}", file=sys.stderr)
            return 0
        res = store.results(args.profile, test)
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    if not res["all"]:
        print("no ratings yet")
        return 0
    for title, key in (("method and mode", "by_method_mode"), ("method", "by_method"),
                       ("mode", "by_mode"), ("all", "all")):
        print(f"MOS by {title}:" if key != "all" else "all joins:")
        for r in res[key]:
            name = " / ".join(x for x in (r["method"], r["mode"]) if x) or "all"
            print(f"  {name:<24} {r['mos']:.2f} ± {r['std']:.2f}  (n = {r['n']})")
    return 0
