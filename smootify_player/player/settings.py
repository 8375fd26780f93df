"""PlayerSettings: what the Settings dialog edits, stored across runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..music.join import JoinMode
from ..music.mixpoint import METHODS

__all__ = ["TRANSITIONS", "END_OF_QUEUE", "PlayerSettings", "join_mode", "late_join_mode"]

#: The transition settings (what Settings offers) and the join mode each one plays.
TRANSITIONS: dict[str, JoinMode] = {
    "ai": JoinMode.MODEL,
    "crossfade": JoinMode.CROSSFADE,
    "cut": JoinMode.CUT,
}

#: What happens when the queue runs out: ``repeat`` continues from the top (or stops when
#: :attr:`PlayerSettings.repeat` is off, as before this setting existed); ``radio`` plays on
#: with songs the library's radio picks to join the one ending.
END_OF_QUEUE = ("repeat", "radio")


def join_mode(transition: str) -> JoinMode:
    """The join mode the setting ``transition`` plays (the rule bridge if it is unknown)."""
    return TRANSITIONS.get(transition, JoinMode.RULE)


def late_join_mode(transition: str) -> JoinMode:
    """The join mode built on the spot when the planned join is late: no model, no wait."""
    mode = join_mode(transition)
    return JoinMode.RULE if mode is JoinMode.MODEL else mode


@dataclass
class PlayerSettings:
    """What the Settings dialog edits; stored across runs."""

    soundfont: str = ""  # empty: the shipped soundfont
    transition: str = "ai"  # one of TRANSITIONS
    method: str = "smart"  # a mix-point method (music.mixpoint.METHODS)
    full_songs: bool = False  # play each song to its end instead of mixing at good bars
    repeat: bool = True  # at the end of the queue continue from the top
    end_of_queue: str = "repeat"  # one of END_OF_QUEUE; "radio" overrides repeat
    notify: bool = False  # the app: a desktop notification when the song changes

    @property
    def radio(self) -> bool:
        """The queue's end is followed by radio picks."""
        return self.end_of_queue == "radio"

    @property
    def wraps(self) -> bool:
        """The queue's end goes back to the top (repeat on and radio off)."""
        return self.repeat and not self.radio

    def to_dict(self) -> dict[str, Any]:
        return {"soundfont": self.soundfont, "transition": self.transition,
                "method": self.method, "full_songs": self.full_songs, "repeat": self.repeat,
                "end_of_queue": self.end_of_queue, "notify": self.notify}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PlayerSettings:
        s = cls()
        s.soundfont = str(d.get("soundfont", s.soundfont) or "")
        if d.get("transition") in TRANSITIONS:
            s.transition = d["transition"]
        if d.get("method") in METHODS:
            s.method = d["method"]
        s.full_songs = bool(d.get("full_songs", s.full_songs))
        s.repeat = bool(d.get("repeat", s.repeat))
        s.notify = bool(d.get("notify", s.notify))
        if d.get("end_of_queue") in END_OF_QUEUE:  # absent in settings saved before it
            s.end_of_queue = d["end_of_queue"]
        return s
