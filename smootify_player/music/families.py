"""The five LPD-5 instrument families and how General MIDI programs map onto them."""

from __future__ import annotations

__all__ = [
    "FAMILIES",
    "N_FAMILIES",
    "DRUMS",
    "PIANO",
    "GUITAR",
    "BASS",
    "STRINGS",
    "DEFAULT_PROGRAMS",
    "family_of",
]

FAMILIES: tuple[str, ...] = ("Drums", "Piano", "Guitar", "Bass", "Strings")
N_FAMILIES = len(FAMILIES)
DRUMS, PIANO, GUITAR, BASS, STRINGS = range(N_FAMILIES)

#: A representative GM program per family (drums use program 0 on the percussion channel).
DEFAULT_PROGRAMS: tuple[int, ...] = (0, 0, 25, 33, 48)


def family_of(program: int, is_drum: bool) -> int | None:
    """Return the LPD-5 family index of a GM program, or None when LPD-5 drops it.

    Parameters
    ----------
    program : int
        General MIDI program number, 0-127.
    is_drum : bool
        Whether the instrument plays on the percussion channel.
    """
    if is_drum:
        return DRUMS
    if 0 <= program <= 7:
        return PIANO
    if 24 <= program <= 31:
        return GUITAR
    if 32 <= program <= 39:
        return BASS
    if program < 96 or 104 <= program <= 111:
        return STRINGS
    return None
