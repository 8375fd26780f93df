"""The live, Qt-free player: the :class:`Player` facade and the parts it is made of."""

from __future__ import annotations

from .facade import (
    MIDI_SUFFIXES,
    PLAYLIST_SUFFIXES,
    TRANSITIONS,
    NowPlaying,
    Player,
    PlayerSettings,
    ProcessComposer,
    QueueEntry,
    RollNote,
    Transition,
    expand_paths,
    label_of,
    process_composer,
    read_m3u,
    set_label,
    write_m3u8,
)

__all__ = [
    "TRANSITIONS",
    "MIDI_SUFFIXES",
    "PLAYLIST_SUFFIXES",
    "PlayerSettings",
    "QueueEntry",
    "NowPlaying",
    "RollNote",
    "Transition",
    "Player",
    "ProcessComposer",
    "process_composer",
    "expand_paths",
    "read_m3u",
    "write_m3u8",
    "set_label",
    "label_of",
]
