"""Survey mix points over every ordered pair of a varied song set: key clashes and silences.

Run: .venv/bin/python bench/bench_pairs.py [--lpd N] [--json OUT]

Songs: the demo songs (``resources/demo/*.mid``), dense songs from ``tests/midi_factory.py``
in several keys, metres and tempi, and sparse songs written here with pretty_midi (silent
intros, pickup bars, folk melodies with rests, sparse outros, songs that modulate). Every
ordered pair of different songs is planned with ``smart``, ``jsd`` and ``dtw`` (default
settings) and every plan is measured:

- ``key_clash``: the key of A's ``[e - 8, e)`` and of B's ``[j, j + 8)`` (Krumhansl,
  :func:`~smootify_player.music.key.estimate_key`; the song's key where a window is empty)
  lie more than 2 steps apart on the circle of fifths (minor keys mapped to their relative
  major). ``key_clash_avoidable`` counts only the pairs where some candidate pair the
  method could have chosen (sound rules below met where possible) is within 2 steps.
- ``exit_silent``: nothing sounds in bar ``e - 1``; ``exit_unpitched``: no pitched note does.
- ``entry_silent``: no note starts in bar ``j`` (the timeline plays only notes that start
  after the entry); ``entry_first_beat``: none starts in its first 4 of 16 steps;
  ``entry_pickup``: notes start only in its last 4 steps; ``entry_next_silent``: nothing
  sounds in bar ``j + 1``.
- ``plan_ms``: :attr:`MixPlan.timings_ms` (features cached, as in the player).

``--lpd N`` adds N songs of the LPD-5 valid split as a second set (pairs scored on their
features with the same selection as :func:`plan_mix`; no plan time). The measures are
written here, independently of the rules in :mod:`smootify_player.music.mixpoint`, so the
same script judges the code before and after a change.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
import pretty_midi

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from midi_factory import make_song  # noqa: E402

from smootify_player.music import mixpoint  # noqa: E402
from smootify_player.music.key import Key, estimate_key  # noqa: E402
from smootify_player.music.mixpoint import (  # noqa: E402
    MixFeatures,
    MixSettings,
    candidate_entries,
    candidate_exits,
    mix_features,
    plan_mix,
)
from smootify_player.music.song import Song  # noqa: E402

__all__ = ["survey", "sparse_song", "song_set", "main"]

METHODS = ("smart", "jsd", "dtw")
LPD_VALID = ROOT.parent / "shared" / "data" / "lpd5" / "lpd5_16th_valid.npz"
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)
#: Rhythms of one bar as (start, length) in fractions of the bar.
_RHYTHMS = (
    ((0, .25), (.25, .25), (.5, .5)),
    ((0, .5), (.5, .5)),
    ((0, 1.0),),
    ((0, .375), (.375, .125), (.5, .25), (.75, .25)),
    ((0, .25), (.25, .25), (.5, .25), (.75, .25)),
    ((0, .75),),
)


# ----------------------------------------------------------------------- songs
def sparse_song(kind: str, tonic: int = 0, minor: bool = False, bars: int = 32,
                tempo: float = 100.0, numerator: int = 4, seed: int = 0,
                sections: tuple[tuple[int, int, bool], ...] = ()) -> pretty_midi.PrettyMIDI:
    """A sparse or odd song: a melody (flute, strings family) over optional chords and bass.

    Kinds: ``intro`` (4 silent bars, then the song), ``pickup`` (bar 0 holds only a
    last-beat pickup), ``folk`` (3 bars of melody, then a bar of rest; a lone melody),
    ``held`` (whole notes tied over the bar line, every fourth bar silent), ``outro`` (the
    last third plays one bar in two), ``modulate`` (``sections`` of (bars, tonic, minor),
    full texture).
    """
    rng = np.random.default_rng(seed)
    pm = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(numerator, 4, 0.0))
    bar_len = 60.0 / tempo * numerator
    melody = pretty_midi.Instrument(73, name="Flute")
    chords = pretty_midi.Instrument(0, name="Piano")
    bass = pretty_midi.Instrument(33, name="Bass")
    drums = pretty_midi.Instrument(0, is_drum=True, name="Drums")
    if not sections:
        sections = ((bars, tonic, minor),)
    plan: list[tuple[int, bool]] = [(t, m) for n, t, m in sections for _ in range(n)]
    offset = 4 if kind == "intro" else 1 if kind == "pickup" else 0
    texture = kind in ("intro", "pickup", "outro", "modulate")
    n = len(plan)
    for i, (ton, mnr) in enumerate(plan):
        bar = i + offset
        t0 = bar * bar_len
        scale = [(ton + s) % 12 for s in (_MINOR if mnr else _MAJOR)]
        if kind == "folk" and i % 4 == 3:
            continue
        if kind == "held" and i % 4 == 3:
            continue
        if kind == "outro" and i >= 2 * n // 3 and i % 2 == 1:
            continue
        degree = (0, 3, 4, 0)[i % 4] if i % 8 < 4 else (5, 3, 4, 0)[i % 4]
        root = scale[degree]
        if kind == "held":
            p = 72 + scale[int(rng.integers(0, 7))] - ton % 12
            end = t0 + (2.0 if i % 4 < 2 else 1.0) * bar_len
            melody.notes.append(pretty_midi.Note(80, p, t0 + 0.5 * bar_len, end))
            continue
        rhythm = _RHYTHMS[int(rng.integers(0, len(_RHYTHMS)))]
        if kind == "folk" and i % 4 == 2:
            rhythm = ((0, .75),)
        for start, length in rhythm:
            deg = int(rng.integers(0, 7))
            p = 67 + (scale[deg] - 67) % 12
            melody.notes.append(pretty_midi.Note(85, p, t0 + start * bar_len,
                                                 t0 + (start + length) * bar_len * 0.98))
        if texture:
            for k in (0, 2, 4):
                p = 60 + (scale[(degree + k) % 7] - 60) % 12
                chords.notes.append(pretty_midi.Note(70, p, t0, t0 + 0.9 * bar_len))
            bass.notes.append(pretty_midi.Note(80, 36 + root, t0, t0 + 0.45 * bar_len))
            bass.notes.append(pretty_midi.Note(80, 36 + root, t0 + 0.5 * bar_len,
                                               t0 + 0.95 * bar_len))
            for b in range(numerator):
                tb = t0 + b * bar_len / numerator
                drums.notes.append(pretty_midi.Note(100, 36 if b % 2 == 0 else 38, tb, tb + .05))
    if kind == "pickup":
        scale = [(plan[0][0] + s) % 12 for s in (_MINOR if plan[0][1] else _MAJOR)]
        t = 0.75 * bar_len
        melody.notes.append(pretty_midi.Note(85, 67 + (scale[4] - 67) % 12, t, t + bar_len / 8))
        melody.notes.append(pretty_midi.Note(85, 67 + (scale[6] - 67) % 12, t + bar_len / 8,
                                             bar_len * 0.98))
    pm.instruments.append(melody)
    if texture:
        pm.instruments.extend([chords, bass, drums])
    return pm


def song_set(folder: Path) -> list[Song]:
    """The demo songs, then the generated ones (written to ``folder``)."""
    songs = [Song.load(p) for p in sorted((ROOT / "resources" / "demo").glob("*.mid"))]
    made: list[tuple[str, pretty_midi.PrettyMIDI]] = []
    dense = [  # tonic, numerator, denominator, tempo, bars, pickup
        (0, 4, 4, 120, 32, 0), (7, 4, 4, 96, 40, 0), (2, 3, 4, 140, 48, 0),
        (5, 6, 8, 110, 32, 0), (9, 4, 4, 128, 24, 3), (10, 5, 4, 90, 32, 0),
        (3, 4, 4, 150, 64, 0), (6, 3, 4, 80, 36, 2),
    ]
    for i, (tonic, num, den, tempo, bars, pick) in enumerate(dense):
        made.append((f"dense{i}", make_song(bars=bars, tempo=tempo, tonic=tonic, numerator=num,
                                            denominator=den, seed=i, pickup_beats=pick)))
    sparse = [  # kind, tonic, minor, bars, tempo, numerator, sections
        ("intro", 0, False, 28, 100, 4, ()), ("intro", 9, True, 32, 84, 3, ()),
        ("pickup", 7, False, 32, 110, 4, ()), ("pickup", 2, True, 24, 90, 3, ()),
        ("folk", 2, False, 32, 96, 3, ()), ("folk", 4, True, 40, 72, 4, ()),
        ("folk", 5, False, 24, 120, 4, ()), ("held", 0, True, 32, 70, 4, ()),
        ("held", 10, False, 24, 60, 3, ()), ("outro", 8, False, 36, 120, 4, ()),
        ("modulate", 0, False, 40, 112, 4, ((24, 0, False), (8, 2, False), (8, 9, False))),
        ("modulate", 7, False, 48, 124, 4, ((28, 7, False), (12, 1, False), (8, 4, True))),
        ("modulate", 4, True, 40, 100, 4, ((24, 4, True), (8, 7, False), (8, 11, False))),
        ("modulate", 5, False, 32, 132, 4, ((20, 5, False), (12, 11, False))),
    ]
    for i, (kind, tonic, minor, bars, tempo, num, sec) in enumerate(sparse):
        made.append((f"{kind}{i}", sparse_song(kind, tonic, minor, bars, tempo, num, seed=i,
                                               sections=sec)))
    for name, pm in made:
        path = folder / f"{name}.mid"
        pm.write(str(path))
        songs.append(Song.load(path))
    return songs


# -------------------------------------------------------------------- measures
def _fifths(f: MixFeatures, lo: int, hi: int, song_key: Key) -> int:
    h = f.pc[max(lo, 0):max(hi, 0)].sum(0)
    return (estimate_key(h) if h.sum() > 0 else song_key).fifths


def _dist(x: int, y: int) -> int:
    d = abs(x - y) % 12
    return min(d, 12 - d)


def _sides(f: MixFeatures) -> dict[str, np.ndarray]:
    """Per-bar sound flags of one song, as the survey judges them."""
    ons = f.onsets > 0
    return {
        "sound": f.presence.any(-1) > 0,
        "pitched": f.pc.sum(-1) > 0,
        "starts": ons.any((1, 2)),
        "first_beat": ons[:, :, :4].any((1, 2)),
        "pickup": ons.any((1, 2)) & ~ons[:, :, :12].any((1, 2)),
    }


def _measure(fa: MixFeatures, fb: MixFeatures, e: int, j: int, ka: Key, kb: Key,
             sa: dict, sb: dict) -> dict[str, bool]:
    d = _dist(_fifths(fa, e - mixpoint.KEY_BARS, e, ka),
              _fifths(fb, j, j + mixpoint.KEY_BARS, kb))
    nb = fb.n_bars
    return {
        "key_clash": d > 2,
        "exit_silent": not sa["sound"][e - 1],
        "exit_unpitched": not sa["pitched"][e - 1],
        "entry_silent": not sb["starts"][j],
        "entry_first_beat": not sb["first_beat"][j],
        "entry_pickup": bool(sb["pickup"][j]),
        "entry_next_silent": j + 1 >= nb or not sb["sound"][j + 1],
    }


def _compatible_exists(fa: MixFeatures, fb: MixFeatures, exits: np.ndarray,
                       entries: np.ndarray, ka: Key, kb: Key, sa: dict, sb: dict) -> bool:
    """Whether a candidate pair meeting the sound rules (where any does) is key-compatible."""
    ok_e = exits[sa["sound"][exits - 1]]
    ok_j = entries[sb["first_beat"][entries]]
    exits = ok_e if ok_e.size else exits
    entries = ok_j if ok_j.size else entries
    fa_set = {_fifths(fa, e - mixpoint.KEY_BARS, e, ka) for e in exits}
    fb_set = {_fifths(fb, j, j + mixpoint.KEY_BARS, kb) for j in entries}
    return any(_dist(x, y) <= 2 for x in fa_set for y in fb_set)


def _choose(fa: MixFeatures, fb: MixFeatures, method: str) -> tuple[int, int]:
    """The pair :func:`plan_mix` would choose, from features alone (for LPD songs)."""
    s = MixSettings(method=method)
    exits = candidate_exits(fa.n_bars, s)
    choose = getattr(mixpoint, "choose_pair", None)
    # As plan_mix does: with the features, a silent intro longer than the window is passed.
    entries = (candidate_entries(fb.n_bars, s, fb) if choose is not None
               else candidate_entries(fb.n_bars, s))
    if choose is not None:
        e, j = choose(fa, fb, exits, entries, method)[:2]
        return int(e), int(j)
    score, _ = mixpoint.score_pairs(fa, fb, exits, entries, method)
    i, k = divmod(int(np.argmax(np.nan_to_num(score, nan=-np.inf).ravel())), entries.size)
    return int(exits[i]), int(entries[k])


def survey(items: list[tuple[str, MixFeatures, Key, Song | None]]) -> dict:
    """Plan every ordered pair of different items with each method and tally the measures."""
    sides = [_sides(f) for _, f, _, _ in items]
    default = MixSettings()
    compat: dict[tuple[int, int], bool] = {}
    for ia, (_, fa, ka, _) in enumerate(items):
        for ib, (_, fb, kb, _) in enumerate(items):
            if ia != ib:
                compat[ia, ib] = _compatible_exists(
                    fa, fb, candidate_exits(fa.n_bars, default),
                    candidate_entries(fb.n_bars, default), ka, kb, sides[ia], sides[ib])
    out: dict = {"songs": len(items), "pairs": len(compat),
                 "pairs_with_compatible_candidate": int(sum(compat.values())), "methods": {}}
    for method in METHODS:
        counts: dict[str, int] = {}
        avoidable = 0
        times: list[float] = []
        for ia, (_, fa, ka, sa_song) in enumerate(items):
            for ib, (_, fb, kb, sb_song) in enumerate(items):
                if ia == ib:
                    continue
                if sa_song is not None and sb_song is not None:
                    plan = plan_mix(sa_song, sb_song, MixSettings(method=method))
                    e, j = plan.exit_bar, plan.entry_bar
                    times.append(plan.timings_ms)
                else:
                    e, j = _choose(fa, fb, method)
                m = _measure(fa, fb, e, j, ka, kb, sides[ia], sides[ib])
                for name, v in m.items():
                    counts[name] = counts.get(name, 0) + int(v)
                avoidable += int(m["key_clash"] and compat[ia, ib])
        n = max(len(compat), 1)
        res = {name: round(100.0 * v / n, 2) for name, v in counts.items()}
        res["key_clash_avoidable"] = round(100.0 * avoidable / n, 2)
        if times:
            res["plan_ms_median"] = round(statistics.median(times), 3)
            res["plan_ms_max"] = round(max(times), 3)
        out["methods"][method] = res
    return out


def _print(title: str, res: dict) -> None:
    print(f"{title}: {res['songs']} songs, {res['pairs']} ordered pairs, "
          f"{res['pairs_with_compatible_candidate']} with a key-compatible candidate")
    cols = ["key_clash", "key_clash_avoidable", "exit_silent", "exit_unpitched",
            "entry_silent", "entry_first_beat", "entry_pickup", "entry_next_silent",
            "plan_ms_median"]
    print("  method " + " ".join(f"{c:>10.10}" for c in cols) + "   (% of pairs; ms)")
    for method, r in res["methods"].items():
        print(f"  {method:6} " + " ".join(f"{r.get(c, float('nan')):10.2f}" for c in cols))


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python bench/bench_pairs.py [--lpd N] [--json OUT]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lpd", type=int, default=0, help="also survey N LPD-5 valid songs")
    ap.add_argument("--lpd-data", type=Path, default=LPD_VALID)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        songs = song_set(Path(tmp))
        items = [(s.path.stem, mix_features(s), s.key, s) for s in songs]
        result["midi"] = survey(items)
        _print("MIDI songs", result["midi"])
    if args.lpd > 0:
        from smootify_player.music.mixeval import load_lpd_songs

        lpd = load_lpd_songs(args.lpd_data, args.lpd, seed=0)
        items = [(s.md5, s.features, estimate_key(s.features.pc), None) for s in lpd]
        result["lpd"] = survey(items)
        _print("LPD-5 valid songs", result["lpd"])
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
