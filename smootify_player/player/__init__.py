"""The live, Qt-free player: the :class:`Player` facade and the parts it is made of.

- ``facade.py``: :class:`Player`, transport, ``poll``, settings, snapshot, wiring
- ``queue.py``: :class:`PlayQueue`, the queue and what plays next
- ``schedule.py``: :class:`TransitionScheduler`, when each join is planned, built, applied
- ``output.py``: :class:`AudioOutput`, the engine and the live sink
- ``view.py``: now-playing and piano-roll data
- ``files.py``: M3U/M3U8 playlists, path expansion, labels
- ``settings.py``: :class:`PlayerSettings`
"""

from __future__ import annotations

from .facade import Player
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
from .output import AudioOutput
from .queue import PlayQueue, QueueEntry
from .schedule import PlannedJoin, TransitionScheduler
from .settings import TRANSITIONS, PlayerSettings
from .view import NowPlaying, RollNote

__all__ = [
    "TRANSITIONS",
    "MIDI_SUFFIXES",
    "PLAYLIST_SUFFIXES",
    "PlayerSettings",
    "QueueEntry",
    "NowPlaying",
    "RollNote",
    "PlannedJoin",
    "Player",
    "PlayQueue",
    "TransitionScheduler",
    "AudioOutput",
    "expand_paths",
    "read_m3u",
    "write_m3u8",
    "Expanded",
    "Label",
    "expand",
    "read_playlist",
]
