"""Build test MIDI songs in code with pretty_midi: dense multi-family songs of a chosen shape."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pretty_midi

__all__ = ["make_song", "write_song"]

_MAJOR = [0, 2, 4, 5, 7, 9, 11]


def make_song(bars: int = 16, tempo: float = 120.0, tonic: int = 0, numerator: int = 4,
              denominator: int = 4, time_signature: bool = True, drums: bool = True,
              pitched: bool = True, seed: int = 0, pickup_beats: float = 0.0,
              bass_program: int = 33, piano_program: int = 0, string_program: int = 48,
              ) -> pretty_midi.PrettyMIDI:
    """A dense song: drums on every 8th, bass on beats, piano chords, held strings.

    ``pickup_beats`` shifts every note later, so the first note is off the downbeat.
    """
    rng = np.random.default_rng(seed)
    pm = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    if time_signature:
        pm.time_signature_changes.append(pretty_midi.TimeSignature(numerator, denominator, 0.0))
    beat = 60.0 / tempo * 4 / denominator
    bar_len = beat * numerator
    shift = pickup_beats * beat
    drum = pretty_midi.Instrument(0, is_drum=True, name="Drums")
    bass = pretty_midi.Instrument(bass_program, name="Bass")
    piano = pretty_midi.Instrument(piano_program, name="Piano")
    strings = pretty_midi.Instrument(string_program, name="Strings")
    scale = [(tonic + s) % 12 for s in _MAJOR]
    for bar in range(bars):
        t0 = shift + bar * bar_len
        degree = [0, 3, 4, 0][bar % 4]
        root = scale[degree]
        chord = [60 + (root - 60) % 12, 60 + (scale[(degree + 2) % 7] - 60) % 12,
                 60 + (scale[(degree + 4) % 7] - 60) % 12]
        for k in range(numerator * 2):
            t = t0 + k * beat / 2
            drum.notes.append(pretty_midi.Note(100, 42, t, t + 0.05))
            if k % 4 == 0:
                drum.notes.append(pretty_midi.Note(110, 36, t, t + 0.05))
            if k % 4 == 2:
                drum.notes.append(pretty_midi.Note(105, 38, t, t + 0.05))
        for k in range(numerator):
            t = t0 + k * beat
            bass.notes.append(pretty_midi.Note(90, 36 + root, t, t + beat * 0.9))
            for p in chord:
                piano.notes.append(pretty_midi.Note(int(rng.integers(70, 90)), p, t,
                                                    t + beat * 0.8))
        for p in chord:
            strings.notes.append(pretty_midi.Note(70, p + 12, t0, t0 + bar_len))
    if drums:
        pm.instruments.append(drum)
    if pitched:
        pm.instruments.extend([bass, piano, strings])
    return pm


def write_song(path: str | Path, **kwargs) -> Path:
    """Write :func:`make_song` to ``path`` and return it."""
    path = Path(path)
    make_song(**kwargs).write(str(path))
    return path
