"""Smootify: an infinite MIDI playlist player that composes a bridge between every two songs."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The main objects, imported on first use so ``import smootify_player`` stays cheap.
_LAZY = {
    "Song": "smootify_player.music.song",
    "SongError": "smootify_player.music.song",
    "MixPlan": "smootify_player.music.mixpoint",
    "MixSettings": "smootify_player.music.mixpoint",
    "plan_mix": "smootify_player.music.mixpoint",
    "Bridge": "smootify_player.music.bridge",
    "make_composer": "smootify_player.composers",
    "Timeline": "smootify_player.music.timeline",
    "Engine": "smootify_player.audio.engine",
    "Player": "smootify_player.player",
}

__all__ = ["Bridge", "Engine", "MixPlan", "MixSettings", "Player", "Song", "SongError",
           "Timeline", "__version__", "make_composer", "plan_mix"]

if TYPE_CHECKING:
    from .audio.engine import Engine
    from .composers import make_composer
    from .music.bridge import Bridge
    from .music.mixpoint import MixPlan, MixSettings, plan_mix
    from .music.song import Song, SongError
    from .music.timeline import Timeline
    from .player import Player


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'smootify_player' has no attribute {name!r}")
