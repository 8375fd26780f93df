"""The player's named states and events: str enums, so today's strings keep working."""

from __future__ import annotations

from enum import Enum

__all__ = ["PlayState", "EntryStatus", "PlayerEvent"]


class _StrEnum(str, Enum):
    def __str__(self) -> str:
        return str(self.value)


class PlayState(_StrEnum):
    """What the transport is doing."""

    STOPPED = "stopped"
    LOADING = "loading"  # asked to play; waiting for the audio device or the song's analysis
    PLAYING = "playing"
    PAUSED = "paused"


class EntryStatus(_StrEnum):
    """Where a queue entry's analysis stands."""

    WAITING = "waiting"
    ANALYSING = "analysing"
    READY = "ready"
    FAILED = "failed"


class PlayerEvent(_StrEnum):
    """What ``Player.listeners`` are told, with the payload each event carries."""

    NOTICE = "notice"  # a Notice (a str with a level) for the user
    STATE = "state"  # the new PlayState
    QUEUE = "queue"  # None: rows were added, removed, moved or reordered
    ENTRY = "entry"  # the QueueEntry whose status or analysis changed
    CURRENT = "current"  # the QueueEntry now playing
    AUDIO = "audio"  # the sink's name, once audio runs
    TIMELINE = "timeline"  # None: segments were added, cut or undone
    PLANNED = "planned"  # the PlannedJoin just spliced in
    MIXING = "mixing"  # the QueueEntry a "mix now" goes to
    SEEK = "seek"  # the timeline sample sought to
    ENDED = "ended"  # None: the queue ran out (repeat off)
