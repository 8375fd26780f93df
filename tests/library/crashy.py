"""Analysis workers that crash, for the pool's recovery tests (imported in spawned workers)."""

from __future__ import annotations

import os


def analyse_or_crash(paths: list[str]) -> list:
    """Analyse like the library, but kill the worker on a file named ``crash*``."""
    from smootify_player.library.features import analyse_file

    if any(os.path.basename(p).startswith("crash") for p in paths):
        os._exit(3)
    return [analyse_file(p) for p in paths]


def always_crash(paths: list[str]) -> list:
    """A worker that never gets anything done."""
    os._exit(3)
