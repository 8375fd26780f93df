"""Compact per-song features (key, tempo, meter, texture, a head/tail sketch) and their analysis."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import one_line
from ..music.families import N_FAMILIES
from ..music.key import NOTE_NAMES, Key, estimate_key
from ..music.song import MAX_FILE_BYTES, Song, SongError
from .sketch import encode_sketch

__all__ = ["ANALYSIS_VERSION", "EDGE_BARS", "SongFeatures", "Analysis", "content_hash",
           "extract_features", "analyse_file", "key_name", "key_index"]

#: Bumped when the features change: rows of an older version are analysed again.
ANALYSIS_VERSION = 1
#: Bars at each end of a song whose key, meter and texture a join sees.
EDGE_BARS = 8


def content_hash(data: bytes) -> str:
    """The library's key of a file's content: BLAKE2b, 128 bits, hex."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def key_index(key: Key) -> int:
    """0-23: major keys on C..B, then minor keys on C..B."""
    return int(key.tonic) + 12 * bool(key.minor)


def key_name(index: int) -> str:
    """``"Eb major"`` for a :func:`key_index`."""
    return f"{NOTE_NAMES[index % 12]} {'minor' if index >= 12 else 'major'}"


@dataclass
class SongFeatures:
    """What the library keeps of one song (a few hundred bytes, never the notes).

    Attributes
    ----------
    digest : str
        :func:`content_hash` of the file.
    credit : str or None
        The file's copyright notice.
    duration : float
        Seconds.
    bars : int
        Bars.
    tempo, tempo_head, tempo_tail : float
        Median BPM; BPM of the first and of the last bar.
    meter, meter_head, meter_tail : tuple of (int, int)
        The commonest (numerator, denominator) of all bars, of the first and of the last
        :data:`EDGE_BARS` bars.
    key, key_head, key_tail : int
        :func:`key_index` of the whole song, of its first and of its last :data:`EDGE_BARS`
        bars (the song's key where they hold no pitched note).
    key_conf, conf_head, conf_tail : float
        The key-profile correlation of each (0 when there is no pitched note).
    density : float
        Note onsets per bar.
    families : int
        Bit mask of the LPD-5 families that play.
    texture : np.ndarray
        (12,) float32: the fraction of bars each family sounds in and the onsets per bar,
        over the first and then the last :data:`EDGE_BARS` bars.
    sketch : bytes
        :func:`~smootify_player.library.sketch.encode_sketch` of the head and the tail.
    """

    digest: str
    credit: str | None
    duration: float
    bars: int
    tempo: float
    tempo_head: float
    tempo_tail: float
    meter: tuple[int, int]
    meter_head: tuple[int, int]
    meter_tail: tuple[int, int]
    key: int
    key_head: int
    key_tail: int
    key_conf: float
    conf_head: float
    conf_tail: float
    density: float
    families: int
    texture: np.ndarray
    sketch: bytes


@dataclass
class Analysis:
    """The outcome of analysing one file: features, or the one-line reason it failed.

    ``missing`` is true when the file could not be read at all (it vanished).
    """

    path: str
    size: int
    mtime_ns: int
    digest: str | None
    features: SongFeatures | None
    error: str | None = None
    missing: bool = False


def _commonest(meters: list[tuple[int, int]]) -> tuple[int, int]:
    return Counter(meters).most_common(1)[0][0] if meters else (4, 4)


def extract_features(song: Song, digest: str) -> SongFeatures:
    """The :class:`SongFeatures` of an analysed song."""
    f = song.features
    n = song.n_bars
    edge = min(EDGE_BARS, n)
    meters = [song.meter(b) for b in range(n)]
    texture = np.zeros(2 * (N_FAMILIES + 1), np.float32)
    keys: list[Key] = []
    for k, rows in enumerate((slice(0, edge), slice(n - edge, n))):
        texture[k * 6:k * 6 + N_FAMILIES] = np.asarray(f.presence[rows], np.float64).mean(0)
        texture[k * 6 + N_FAMILIES] = float(np.asarray(f.density[rows], np.float64).mean())
        h = f.pc[rows].sum(0)
        keys.append(estimate_key(h) if h.sum() > 0 else song.key)
    present = np.any(f.presence, axis=0)
    return SongFeatures(
        digest=digest,
        credit=song.credit,
        duration=song.duration,
        bars=n,
        tempo=song.tempo,
        tempo_head=float(song.bar_tempo[0]),
        tempo_tail=float(song.bar_tempo[-1]),
        meter=_commonest(meters),
        meter_head=_commonest(meters[:edge]),
        meter_tail=_commonest(meters[n - edge:]),
        key=key_index(song.key),
        key_head=key_index(keys[0]),
        key_tail=key_index(keys[1]),
        key_conf=float(song.key.confidence),
        conf_head=float(keys[0].confidence),
        conf_tail=float(keys[1].confidence),
        density=float(np.mean(f.density)),
        families=int(sum(1 << i for i, p in enumerate(present) if p)),
        texture=texture,
        sketch=encode_sketch(f, song.bar_tempo),
    )


def analyse_file(path: str) -> Analysis:
    """Read, hash and analyse one file; never raises for a bad or vanished file."""
    try:
        st = os.stat(path)
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return Analysis(path, 0, 0, None, None, f"cannot read ({exc.strerror or exc})",
                        missing=isinstance(exc, FileNotFoundError))
    digest = content_hash(data)
    try:
        if len(data) > MAX_FILE_BYTES:
            raise SongError(f"{Path(path).name}: file too large")
        song = Song.from_bytes(data, path, digest)
        feats = extract_features(song, digest)
    except SongError as exc:
        return Analysis(path, st.st_size, st.st_mtime_ns, digest, None, str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a scan
        return Analysis(path, st.st_size, st.st_mtime_ns, digest, None,
                        f"{Path(path).name}: {one_line(exc, limit=200)}")
    return Analysis(path, st.st_size, st.st_mtime_ns, digest, feats)
