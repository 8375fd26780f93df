"""The live, Qt-free player: the :class:`Player` facade and the parts it is made of."""

from __future__ import annotations

from .facade import (
    TRANSITIONS,
    Composers,
    NowPlaying,
    PlannedJoin,
    Player,
    PlayerSettings,
    ProcessComposer,
    QueueEntry,
    RollNote,
    process_composer,
)
from .files import (
    MIDI_SUFFIXES,
    PLAYLIST_SUFFIXES,
    Expanded,
    Label,
    expand,
    expand_paths,
    read_m3u,
    read_playlist,
    write_m3u8,
)
from .queue import PlayQueue
from .schedule import TransitionScheduler

__all__ = [
    "TRANSITIONS",
    "MIDI_SUFFIXES",
    "PLAYLIST_SUFFIXES",
    "PlayerSettings",
    "QueueEntry",
    "NowPlaying",
    "RollNote",
    "PlannedJoin",
    "Composers",
    "PlayQueue",
    "TransitionScheduler",
    "Player",
    "ProcessComposer",
    "process_composer",
    "expand_paths",
    "read_m3u",
    "write_m3u8",
    "Expanded",
    "Label",
    "expand",
    "read_playlist",
]
