"""PlayerSettings: what the Settings dialog edits, stored across runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..music.join import JoinMode
from ..music.mixpoint import METHODS

__all__ = ["TRANSITIONS", "PlayerSettings", "join_mode", "late_join_mode"]

#: The transition settings (what Settings offers) and the join mode each one plays.
TRANSITIONS: dict[str, JoinMode] = {
    "ai": JoinMode.MODEL,
    "crossfade": JoinMode.CROSSFADE,
    "cut": JoinMode.CUT,
}


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

    def to_dict(self) -> dict[str, Any]:
        return {"soundfont": self.soundfont, "transition": self.transition,
                "method": self.method, "full_songs": self.full_songs, "repeat": self.repeat}

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
        return s
