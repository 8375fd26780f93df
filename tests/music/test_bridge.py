"""Bridge helpers: filling silent stretches of a composed bridge."""

from __future__ import annotations

import numpy as np

from smootify_player.music.bridge import Bridge, BridgeNote, fill_silences


def _silent_steps(b: Bridge) -> int:
    act, _ = b.pianoroll()
    return int((~act.any(axis=(1, 2))).sum())


def test_fill_silences_holds_the_last_pitched_notes():
    notes = [BridgeNote(4, 60, 0, 4, 80), BridgeNote(4, 64, 0, 4, 80),
             BridgeNote(0, 36, 6, 7, 100), BridgeNote(1, 67, 12, 20, 80)]
    b = Bridge(notes=notes, programs=(0, 0, None, None, 48), composer="t")
    assert _silent_steps(b) > 0
    filled = fill_silences(b)
    assert _silent_steps(filled) <= 1  # at most one step of breath remains
    held = [n for n in filled.notes if n.family == 4]
    assert all(n.end == 12 for n in held)  # held across steps 4-11, to the next note
    assert [n for n in filled.notes if n.family == 0] == [notes[2]]  # drums untouched
    late = [n for n in filled.notes if n.pitch == 67][0]
    assert late.end == 32  # the last note holds to the end of the bridge


def test_fill_silences_fills_a_silent_opening_and_leaves_full_bridges():
    rest = Bridge(notes=[BridgeNote(1, 60, 8, 32, 80), BridgeNote(0, 36, 0, 1, 90)],
                  programs=(0, 0, None, None, None), composer="t")
    filled = fill_silences(rest)
    assert _silent_steps(filled) == 0
    assert [n.start for n in filled.notes if n.family == 1] == [0]
    short = Bridge(notes=[BridgeNote(1, 60, 1, 32, 80), BridgeNote(0, 36, 0, 1, 90)],
                   programs=(0, 0, None, None, None), composer="t")
    assert fill_silences(short).notes == short.notes  # a drum hit then the note: no gap
    full = Bridge(notes=[BridgeNote(1, 60, 0, 32, 80)], programs=(None, 0, None, None, None),
                  composer="t")
    assert fill_silences(full).notes == full.notes
    assert np.array_equal(fill_silences(full).pianoroll()[0], full.pianoroll()[0])
