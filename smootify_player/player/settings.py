"""PlayerSettings: what the Settings dialog edits, stored across runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..music.mixpoint import METHODS

__all__ = ["TRANSITIONS", "PlayerSettings"]

#: Transition modes shown in Settings: the composer each one uses.
TRANSITIONS: dict[str, str] = {"ai": "unet", "crossfade": "crossfade", "cut": "none"}


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
