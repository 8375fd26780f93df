"""Build the join benchmark's varied MIDI corpus: demo songs, generated songs, music21 pieces.

Run: .venv/bin/python bench/join_corpus.py [--out out/join_corpus] [--force]

Writes every song as a MIDI file plus ``corpus.json`` (name, source, genre, texture, meter,
tempo, bars, seconds) into the folder; files already there are kept (``--force`` rebuilds).
Three sources, mixed in genre, meter and texture:

- four of the demo songs (``resources/demo``: dense 4/4 game music, Freedoom, BSD-3-Clause);
- fourteen songs generated with pretty_midi (seeded, deterministic): meters 2/4, 3/4, 4/4,
  5/4, 6/8 and 7/8; a sparse solo melody, melody and chords, or a full band (drums, bass,
  chords, lead, a string pad, with CC 7 / CC 11 on some tracks and two instruments of one
  family); some with a pickup bar; 60 to 180 BPM;
- public-domain pieces from the music21 corpus (extra ``bench``: ``pip install music21``):
  jigs and a slip jig, 3/4 airs, a reel and a strathspey, two Bach chorales and a lead sheet
  whose chord symbols become piano and bass. They are converted here (never by the app),
  each measure placed on a whole-bar grid so the file's time signature gives the right bars
  (a pickup sits at the end of bar 0). A piece that fails is skipped with a one-line note.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smootify_player.music._midi import pretty_midi  # noqa: E402

DEFAULT_OUT = ROOT / "out" / "join_corpus"
MANIFEST = "corpus.json"
#: Bump when the generated content changes, so cached corpora are rebuilt.
VERSION = 1

DEMO_SONGS = ("d_e1m2", "d_e3m4", "d_map05", "d_e3m5")

_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)
_KICK, _SNARE, _HAT, _RIDE, _CRASH, _SIDE = 36, 38, 42, 51, 49, 37


# ---------------------------------------------------------------------- generated songs
@dataclass
class Spec:
    """One generated song.

    ``texture`` is ``solo`` (one instrument, rests), ``pop`` (melody and chords) or ``band``
    (drums, bass, chords, lead, pad). ``pickup`` is ``""``, ``"rest"`` (bar 0 is rests but
    for the pickup notes at its end) or ``"short"`` (a one-beat first bar by time signature).
    """

    name: str
    genre: str
    texture: str
    meter: tuple[int, int]
    tempo: float
    bars: int
    tonic: int
    minor: bool
    seed: int
    lead: int = 73
    chords: int = 0
    bass: tuple[int, ...] = (33,)
    pad: int | None = None
    drums: bool = False
    pickup: str = ""
    style: str = ""
    cc: dict[str, tuple[int, int]] = field(default_factory=dict)


SPECS: tuple[Spec, ...] = (
    Spec("gen_solo_flute_3-4", "folk air", "solo", (3, 4), 96, 32, 2, False, 11, lead=73),
    Spec("gen_solo_fiddle_6-8", "jig", "solo", (6, 8), 138, 32, 4, True, 12, lead=40,
         pickup="rest"),
    Spec("gen_solo_guitar_4-4", "classical guitar", "solo", (4, 4), 72, 24, 9, True, 13,
         lead=24),
    Spec("gen_pop_piano_4-4", "piano pop", "pop", (4, 4), 100, 32, 0, False, 21, lead=11,
         chords=0),
    Spec("gen_pop_waltz_3-4", "waltz", "pop", (3, 4), 150, 48, 5, False, 22, lead=71,
         chords=0, pickup="short", style="waltz"),
    Spec("gen_pop_ballad_6-8", "6/8 ballad", "pop", (6, 8), 108, 24, 10, False, 23, lead=53,
         chords=4, style="arpeggio"),
    Spec("gen_pop_polka_2-4", "polka", "pop", (2, 4), 120, 48, 7, False, 24, lead=21,
         chords=0, style="oompah"),
    Spec("gen_band_rock_4-4", "rock", "band", (4, 4), 128, 32, 4, True, 31, lead=80,
         chords=29, bass=(34,), pad=48, drums=True, style="rock",
         cc={"bass": (7, 110), "pad": (11, 80)}),
    Spec("gen_band_funk_4-4", "funk", "band", (4, 4), 176, 48, 10, False, 32, lead=61,
         chords=7, bass=(33, 38), pad=65, drums=True, style="funk",
         cc={"chords": (7, 90), "lead": (11, 100)}),
    Spec("gen_band_jazz_5-4", "jazz 5/4", "band", (5, 4), 140, 32, 3, True, 33, lead=11,
         chords=0, bass=(32,), pad=48, drums=True, style="jazz", cc={"pad": (7, 80)}),
    Spec("gen_band_balkan_7-8", "balkan 7/8", "band", (7, 8), 160, 40, 2, True, 34, lead=73,
         chords=16, bass=(33,), pad=None, drums=True, cc={"chords": (11, 90)}),
    Spec("gen_band_jigrock_6-8", "celtic rock 6/8", "band", (6, 8), 150, 32, 7, False, 35,
         lead=40, chords=25, bass=(33,), pad=49, drums=True, pickup="rest",
         cc={"pad": (11, 85)}),
    Spec("gen_band_waltzrock_3-4", "waltz rock", "band", (3, 4), 180, 48, 0, True, 36,
         lead=56, chords=27, bass=(34,), pad=48, drums=True),
    Spec("gen_band_soul_4-4", "soul ballad", "band", (4, 4), 60, 24, 8, False, 37, lead=66,
         chords=4, bass=(35,), pad=48, drums=True, style="ballad",
         cc={"pad": (11, 70), "lead": (7, 105)}),
)


def _beats(num: int, den: int) -> list[float]:
    """Beat groups of a bar in quarter notes: 6/8 → two dotted quarters, 7/8 → 2+2+3."""
    if den == 8 and num in (6, 9, 12):
        return [1.5] * (num // 3)
    if den == 8 and num == 7:
        return [1.0, 1.0, 1.5]
    if den == 8 and num == 5:
        return [1.0, 1.5]
    return [4.0 / den] * num


_SIMPLE_RHYTHMS = ([1.0], [0.5, 0.5], [0.75, 0.25], [0.5, 0.25, 0.25], [0.25, 0.25, 0.5],
                   [0.5, 0.5])
_COMPOUND_RHYTHMS = ([1.5], [1.0, 0.5], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [0.75, 0.25, 0.5])


def _melody(rng: np.random.Generator, spec: Spec, scale: list[int], chord_pcs: list[list[int]],
            beats: list[float], bar_q: float, offset_q: float, rest_p: float
            ) -> list[tuple[float, float, int]]:
    """A scale-wise melody: (start_q, length_q, pitch) with chord tones on strong beats."""
    center = 72 if spec.lead not in (24, 32, 33, 66, 71) else 64
    pitch = center
    out = []
    for bar in range(spec.bars):
        t = offset_q + bar * bar_q
        last = bar == spec.bars - 1
        for g, beat in enumerate(beats):
            if last and g > 0:
                break
            rhythms = _COMPOUND_RHYTHMS if abs(beat - 1.5) < 1e-6 else _SIMPLE_RHYTHMS
            lengths = [beat] if last else list(rhythms[int(rng.integers(len(rhythms)))])
            if abs(beat - 1.0) > 1e-6 and abs(beat - 1.5) > 1e-6:  # 2/2 or 2/8 style beats
                lengths = [beat]
            for k, ln in enumerate(lengths):
                if last:
                    ln = bar_q
                if rng.random() < rest_p and not (g == 0 and k == 0):
                    t += ln
                    continue
                pcs = chord_pcs[bar] if k == 0 else scale
                cands = [p for p in range(pitch - 7, pitch + 8) if p % 12 in pcs]
                cands = [p for p in cands if center - 9 <= p <= center + 12] or [pitch]
                w = np.array([1.0 / (1 + abs(p - pitch)) for p in cands])
                pitch = int(rng.choice(cands, p=w / w.sum()))
                if last:
                    pitch = min((p for p in range(center - 12, center + 13)
                                 if p % 12 == chord_pcs[bar][0]), key=lambda p: abs(p - pitch))
                out.append((t, ln * (0.9 if spec.texture != "solo" else 0.95), pitch))
                t += ln
    return out


def _progression(rng: np.random.Generator, bars: int, minor: bool) -> list[int]:
    """Scale degrees (0-6) of the chord of every bar, in 4-bar phrases ending on I."""
    phrases = ([0, 5, 3, 4], [0, 3, 4, 0], [0, 4, 5, 3], [0, 3, 0, 4]) if not minor else \
        ([0, 5, 2, 6], [0, 3, 4, 0], [0, 6, 5, 4], [0, 3, 6, 2])
    out: list[int] = []
    while len(out) < bars:
        out += list(phrases[int(rng.integers(len(phrases)))])
    out = out[:bars]
    out[-1] = 0
    if bars >= 2:
        out[-2] = 4
    return out


def make_generated(spec: Spec) -> pretty_midi.PrettyMIDI:
    """Render ``spec`` into a PrettyMIDI (deterministic for its seed)."""
    rng = np.random.default_rng(spec.seed)
    num, den = spec.meter
    beats = _beats(num, den)
    bar_q = sum(beats)
    spq = 60.0 / spec.tempo
    pm = pretty_midi.PrettyMIDI(initial_tempo=spec.tempo)
    steps = _MINOR if spec.minor else _MAJOR
    scale = [(spec.tonic + s) % 12 for s in steps]
    degrees = _progression(rng, spec.bars, spec.minor)

    def triad(d: int) -> list[int]:
        pcs = [scale[(d + i) % 7] for i in (0, 2, 4)]
        if spec.minor and d == 4:  # harmonic minor dominant
            pcs[1] = (pcs[1] + 1) % 12
        return pcs

    chord_pcs = [triad(d) for d in degrees]
    # Where bar 1 of the music starts, in quarters, and the file's time signatures.
    beat0 = beats[-1]
    if spec.pickup == "rest":
        offset_q = bar_q
        pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, 0.0))
    elif spec.pickup == "short":
        offset_q = beat0
        pnum = int(round(beat0 * den / 4))
        pm.time_signature_changes.append(pretty_midi.TimeSignature(pnum, den, 0.0))
        pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, offset_q * spq))
    else:
        offset_q = 0.0
        pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, 0.0))
    ks = pretty_midi.KeySignature(spec.tonic + (12 if spec.minor else 0), 0.0)
    pm.key_signature_changes.append(ks)

    def note(inst: pretty_midi.Instrument, start_q: float, len_q: float, pitch: int,
             vel: int) -> None:
        inst.notes.append(pretty_midi.Note(int(np.clip(vel, 1, 127)), int(pitch),
                                           start_q * spq, (start_q + len_q) * spq))

    def voiced(pcs: list[int], low: int) -> list[int]:
        return sorted(low + (pc - low) % 12 for pc in pcs)

    tracks: dict[str, pretty_midi.Instrument] = {}
    rest_p = {"solo": 0.22, "pop": 0.08, "band": 0.05}[spec.texture]
    lead = pretty_midi.Instrument(spec.lead, name="Lead")
    tracks["lead"] = lead
    if spec.pickup:
        # Two or three pickup notes leading into bar 1 (the dominant's fifth stepping up).
        sub = 0.5
        n_pick = int(round(beat0 / sub))
        start = offset_q - n_pick * sub
        p = 67 + (scale[4] - 67) % 12
        for i in range(n_pick):
            note(lead, start + i * sub, sub * 0.9, p + [0, 2, 4][i % 3] - 12 * (p > 76), 80)
    for t, ln, p in _melody(rng, spec, scale, chord_pcs, beats, bar_q, offset_q, rest_p):
        accent = 12 if abs((t - offset_q) % bar_q) < 1e-6 else 0
        note(lead, t, ln, p, 78 + accent + int(rng.integers(-6, 7)))

    if spec.texture in ("pop", "band"):
        chords = pretty_midi.Instrument(spec.chords, name="Chords")
        tracks["chords"] = chords
        bass_tracks = [pretty_midi.Instrument(b, name=f"Bass {i + 1}")
                       for i, b in enumerate(spec.bass)]
        for i, bt in enumerate(bass_tracks):
            tracks[f"bass{'' if i == 0 else i + 1}"] = bt
        for bar, pcs in enumerate(chord_pcs):
            t0 = offset_q + bar * bar_q
            last = bar == spec.bars - 1
            tones = voiced(pcs, 55 if spec.chords not in (16, 19) else 60)
            root = 36 + (pcs[0] - 36) % 12
            vel = 64 + int(rng.integers(-4, 5))
            # Chords.
            if last:
                for p in tones:
                    note(chords, t0, bar_q, p, vel)
            elif spec.style == "waltz" or (spec.meter == (3, 4) and spec.texture == "band"):
                for g in range(1, len(beats)):
                    for p in tones:
                        note(chords, t0 + g, 0.8, p, vel - 4)
            elif spec.style == "oompah":
                for g in (0.5, 1.5):
                    for p in tones:
                        note(chords, t0 + g, 0.4, p, vel - 6)
            elif spec.style == "arpeggio" or (beats[0] == 1.5 and spec.texture == "pop"):
                seq = [tones[0], tones[1], tones[2], tones[1] + 12, tones[2], tones[1]]
                for k in range(int(round(bar_q / 0.5))):
                    note(chords, t0 + 0.5 * k, 0.5 * 1.6, seq[k % len(seq)], vel - 2)
            elif spec.style == "funk":
                for k in range(int(bar_q * 4)):
                    if rng.random() < 0.45 or k % 4 == 0:
                        for p in tones:
                            note(chords, t0 + 0.25 * k, 0.2, p, vel + (8 if k % 4 == 2 else 0))
            elif spec.style == "jazz":
                for g, s in ((0, 0.0), (2, 0.5), (3, 0.0)):
                    for p in tones + [tones[0] + 10]:
                        note(chords, t0 + sum(beats[:g]) + s, 0.6, p, vel - 4)
            else:
                acc = 0.0
                for beat in beats:
                    strum = [beat] if beat != 1.5 else [1.0, 0.5]
                    for ln in strum:
                        for p in tones:
                            note(chords, t0 + acc, ln * 0.85, p, vel)
                        acc += ln
            # Bass (every bass track doubles the line, the second an octave up).
            acc = 0.0
            line: list[tuple[float, float, int]] = []
            for g, beat in enumerate(beats):
                if last and g > 0:
                    break
                p = root if g % 2 == 0 else root + (7 if (pcs[2] - pcs[0]) % 12 == 7 else 12)
                ln = bar_q if last else beat
                if spec.style == "rock" and not last:
                    line += [(t0 + acc, 0.45, p), (t0 + acc + 0.5, 0.45, p)]
                elif spec.style == "funk" and not last:
                    line += [(t0 + acc, 0.2, p), (t0 + acc + 0.75, 0.2, p + 12)]
                elif spec.style in ("waltz", "oompah") and g > 0:
                    pass
                else:
                    line.append((t0 + acc, ln * 0.9, p))
                acc += beat
            for i, bt in enumerate(bass_tracks):
                for t, ln, p in line:
                    note(bt, t, ln, p + 12 * i, 92 - 10 * i)
    if spec.pad is not None:
        pad = pretty_midi.Instrument(spec.pad, name="Pad")
        tracks["pad"] = pad
        for bar, pcs in enumerate(chord_pcs):
            for p in voiced(pcs, 60):
                note(pad, offset_q + bar * bar_q, bar_q, p, 58)
        # Expression swells over every 4 bars.
        for bar in range(0, spec.bars, 4):
            for k in range(8):
                tq = offset_q + (bar + k / 2) * bar_q
                pad.control_changes.append(
                    pretty_midi.ControlChange(11, int(70 + 40 * np.sin(np.pi * k / 8)), tq * spq))
    if spec.drums:
        dr = pretty_midi.Instrument(0, is_drum=True, name="Drums")
        tracks["drums"] = dr
        for bar in range(spec.bars):
            t0 = offset_q + bar * bar_q
            if bar == spec.bars - 1:
                note(dr, t0, 0.5, _CRASH, 100)
                note(dr, t0, 0.25, _KICK, 110)
                continue
            hat = _RIDE if spec.style == "jazz" else _HAT
            for k in range(int(round(bar_q / 0.5))):
                note(dr, t0 + 0.5 * k, 0.1, hat, 70 + (20 if k == 0 else 0))
            acc = 0.0
            for g, beat in enumerate(beats):
                if beat == 1.5:
                    note(dr, t0 + acc, 0.1, _KICK if g % 2 == 0 else _SNARE, 105)
                elif len(beats) in (3, 5) and spec.meter != (7, 8):
                    inst = _KICK if g in (0, 3) else (_SNARE if g in (1, 2, 4) else _SIDE)
                    note(dr, t0 + acc, 0.1, inst, 100 if inst == _KICK else 80)
                else:
                    note(dr, t0 + acc, 0.1, _KICK if g % 2 == 0 else _SNARE, 100)
                acc += beat
            if spec.style in ("funk", "rock") and bar % 4 == 3:
                for k in range(4):
                    note(dr, t0 + bar_q - 1 + 0.25 * k, 0.1, _SNARE, 70 + 8 * k)
            if bar % 8 == 0:
                note(dr, t0, 0.5, _CRASH, 90)
    for name, (num_cc, val) in spec.cc.items():
        if name in tracks:
            tracks[name].control_changes.insert(0, pretty_midi.ControlChange(num_cc, val, 0.0))
    pm.instruments.extend(t for t in tracks.values() if t.notes)
    return pm


# ---------------------------------------------------------------------- music21 pieces
@dataclass
class Piece:
    """A music21 corpus piece: programs per part (the last repeats), tempo (quarter BPM)."""

    name: str
    source: str
    genre: str
    programs: tuple[int, ...]
    tempo: float
    number: int | None = None
    max_bars: int = 48
    chords: bool = False
    velocity: int = 80


PIECES: tuple[Piece, ...] = (
    Piece("m21_jig_blooming_meadows", "ryansMammoth/BloomingMeadowsJig", "jig", (40,), 165),
    Piece("m21_jig_banish_misfortune", "ryansMammoth/BanishMisfortune", "jig", (73,), 160),
    Piece("m21_slipjig_andrew_carey", "ryansMammoth/AndrewCareysSlipjig", "slip jig", (21,),
          165),
    Piece("m21_air_dark_woman_3-4", "oneills1850/0001-0050.abc", "slow air", (46,), 84,
          number=6),
    Piece("m21_air_friars_hill_3-4", "oneills1850/0001-0050.abc", "air", (40,), 120,
          number=10),
    Piece("m21_reel_flowers_of_michigan", "ryansMammoth/FlowersOfMichiganReel", "reel", (22,),
          180),
    Piece("m21_strathspey_42d_highland", "ryansMammoth/42dHighlandRegimentStrathspey",
          "strathspey", (109,), 110),
    Piece("m21_bach_bwv66.6_strings", "bach/bwv66.6", "chorale", (40, 41, 42, 43), 76,
          velocity=72),
    Piece("m21_bach_bwv269_choir_3-4", "bach/bwv269", "chorale", (52,), 84, velocity=76),
    Piece("m21_leadsheet_foster_brown_hair", "leadSheet/fosterBrownHair", "lead sheet",
          (73, 0, 32), 92, chords=True, max_bars=40),
)


def _measure_lists(score) -> list[list]:
    """Per part, its measures in playing order (repeats expanded when music21 can)."""
    from music21 import stream

    parts = list(score.parts) if score.parts else [score]
    out = []
    for part in parts:
        try:
            expanded = part.expandRepeats()
        except Exception:  # noqa: BLE001 - odd repeat marks: play as written
            expanded = part
        try:
            expanded = expanded.stripTies(matchByPitch=True)
        except Exception:  # noqa: BLE001
            pass
        out.append(list(expanded.getElementsByClass(stream.Measure)))
    return out


def _measure_starts(measures: list, bar_q: float, max_bars: int) -> list[float | None]:
    """Where each measure starts, in quarters, on a grid of whole ``bar_q`` bars.

    A short first measure (a pickup) is right-aligned in bar 0; a measure completing a
    short one (the end of a repeated section before its pickup) shares its bar; a measure
    shorter than half a quarter after a full one (a transcription's overflow) follows it;
    a bar short or long by up to a 16th is snapped to the bar line. None: past ``max_bars``.
    """
    out: list[float | None] = []
    first = float(measures[0].duration.quarterLength) if measures else bar_q
    bar, pos = 0, (bar_q - first if first < bar_q - 1e-6 else 0.0)
    prev_end = 0.0
    for k, m in enumerate(measures):
        length = float(m.duration.quarterLength)
        if bar >= max_bars:
            out.append(None)
            continue
        if k > 0 and length < 0.5 and pos == 0.0:
            out.append(prev_end)
            continue
        out.append(bar * bar_q + pos)
        pos += length
        prev_end = bar * bar_q + pos
        if pos >= bar_q - 0.26:
            bar += 1
            pos = pos - bar_q if pos - bar_q > 0.26 else 0.0
    return out


def convert_piece(piece: Piece) -> pretty_midi.PrettyMIDI:
    """Convert a music21 corpus piece onto a whole-bar grid of its first time signature.

    See :func:`_measure_starts` for where measures go (so the file's time signature gives
    the bars a listener hears). Grace notes are dropped. Chord symbols (``chords``) become
    a piano chord restruck every half note and a bass root on the next two programs.
    """
    from music21 import corpus, harmony, meter, note, stream

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kwargs = {"number": piece.number} if piece.number is not None else {}
        score = corpus.parse(piece.source, **kwargs)
    if isinstance(score, stream.Opus):
        score = score.scores[0]
    spq = 60.0 / piece.tempo
    pm = pretty_midi.PrettyMIDI(initial_tempo=piece.tempo)
    measures = _measure_lists(score)
    sigs = score.recurse().getElementsByClass(meter.TimeSignature)
    ts = sigs[0] if len(sigs) else meter.TimeSignature("4/4")
    bar_q = float(ts.barDuration.quarterLength)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(ts.numerator, ts.denominator, 0))
    programs = list(piece.programs)
    total_q = 0.0
    for i, part_measures in enumerate(measures):
        prog = programs[min(i, len(programs) - 1)]
        inst = pretty_midi.Instrument(prog, name=f"Part {i + 1}")
        symbols: list[tuple[float, list[int]]] = []
        starts = _measure_starts(part_measures, bar_q, piece.max_bars)
        limit = piece.max_bars * bar_q
        for m, start in zip(part_measures, starts):
            if start is None:
                continue
            for el in m.recurse().notes:
                q = start + float(el.getOffsetInHierarchy(m))
                if isinstance(el, harmony.ChordSymbol):
                    if piece.chords:
                        symbols.append((q, [p.midi for p in el.pitches]))
                    continue
                ql = float(el.quarterLength)
                if ql <= 0 or q >= limit:
                    continue
                pitches = [el.pitch.midi] if isinstance(el, note.Note) else \
                    [p.midi for p in el.pitches]
                end = min(q + ql * 0.95, limit)
                total_q = max(total_q, end)
                vel = piece.velocity + (6 if abs(q % bar_q) < 1e-6 else 0)
                for p in pitches:
                    inst.notes.append(pretty_midi.Note(int(vel), int(p), q * spq,
                                                       max(end * spq, q * spq + 0.05)))
        pm.instruments.append(inst)
        if piece.chords and symbols:
            chord_inst = pretty_midi.Instrument(programs[1], name="Piano")
            bass_inst = pretty_midi.Instrument(programs[2], name="Bass")
            symbols.sort()
            for j, (q, pitches) in enumerate(symbols):
                end = symbols[j + 1][0] if j + 1 < len(symbols) else total_q
                end = min(end, q + 8.0, limit)
                tones = sorted(55 + (pc - 55) % 12 for pc in {p % 12 for p in pitches})
                root = 36 + (pitches[0] - 36) % 12
                k = q
                while k < end - 1e-6:  # restrike every half note
                    ln = min(2.0, end - k)
                    for p in tones:
                        chord_inst.notes.append(pretty_midi.Note(62, p, k * spq,
                                                                 (k + ln * 0.95) * spq))
                    bass_inst.notes.append(pretty_midi.Note(80, root, k * spq,
                                                            (k + ln * 0.9) * spq))
                    k += ln
            pm.instruments.extend([chord_inst, bass_inst])
    if not any(i.notes for i in pm.instruments):
        raise ValueError("no notes")
    return pm


# ---------------------------------------------------------------------- the corpus
def _describe(path: Path, entry: dict) -> dict:
    """Add what Song reads of the file: meter, bars, seconds, tempo, key, families."""
    from smootify_player.music.song import Song

    song = Song.load(path)
    entry.update(meters=sorted({f"{n}/{d}" for _, n, d in song.time_signatures}),
                 bars=song.n_bars, seconds=round(song.duration, 1),
                 tempo=round(song.tempo, 1), key=song.key.name, families=list(song.families))
    return entry


def build_corpus(out: Path = DEFAULT_OUT, force: bool = False, notice=print) -> list[dict]:
    """Write every corpus song into ``out`` (kept when already there) and the manifest.

    Returns
    -------
    list of dict
        The manifest: ``name``, ``path`` (relative to ``out``), ``source``, ``genre``,
        ``texture``, ``meters``, ``bars``, ``seconds``, ``tempo``, ``key``, ``families``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    man_path = out / MANIFEST
    if not force and man_path.is_file():
        try:
            manifest = json.loads(man_path.read_text())
            if manifest.get("version") == VERSION and all(
                    (out / e["path"]).is_file() for e in manifest["songs"]):
                return manifest["songs"]
        except (ValueError, KeyError, TypeError):
            pass
    songs: list[dict] = []
    for name in DEMO_SONGS:
        src = ROOT / "resources" / "demo" / f"{name}.mid"
        dst = out / f"demo_{name}.mid"
        if force or not dst.is_file():
            shutil.copyfile(src, dst)
        songs.append(_describe(dst, {"name": dst.stem, "path": dst.name, "source": "demo",
                                     "genre": "game music", "texture": "band"}))
    for spec in SPECS:
        dst = out / f"{spec.name}.mid"
        if force or not dst.is_file():
            make_generated(spec).write(str(dst))
        songs.append(_describe(dst, {"name": spec.name, "path": dst.name,
                                     "source": "generated", "genre": spec.genre,
                                     "texture": spec.texture}))
    try:
        import music21  # noqa: F401
    except ImportError:
        notice("join_corpus: music21 is not installed (pip install music21); "
               "skipping the folk tunes and chorales")
    else:
        for piece in PIECES:
            dst = out / f"{piece.name}.mid"
            try:
                if force or not dst.is_file():
                    convert_piece(piece).write(str(dst))
                texture = "melody and chords" if piece.chords else (
                    "choir/ensemble" if len(piece.programs) > 1 or piece.genre == "chorale"
                    else "solo")
                songs.append(_describe(dst, {"name": piece.name, "path": dst.name,
                                             "source": f"music21:{piece.source}"
                                                       + (f"#{piece.number}"
                                                          if piece.number else ""),
                                             "genre": piece.genre, "texture": texture}))
            except Exception as exc:  # noqa: BLE001 - one bad piece must not stop the corpus
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                notice(f"join_corpus: skipping {piece.name} ({type(exc).__name__}: {first})")
                dst.unlink(missing_ok=True)
    man_path.write_text(json.dumps({"version": VERSION, "songs": songs}, indent=1))
    return songs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--force", action="store_true", help="rebuild every file")
    args = ap.parse_args()
    t = time.perf_counter()
    songs = build_corpus(args.out, args.force)
    for s in songs:
        print(f"{s['name']:34s} {s['genre']:16s} {s['texture']:17s} {','.join(s['meters']):8s}"
              f" {s['tempo']:6.1f} BPM {s['bars']:4d} bars {s['seconds']:6.1f} s  {s['key']}")
    print(f"{len(songs)} songs in {args.out} ({time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()
