"""LPD-5 loading (the 16th-note npz and official pypianoroll directories) and gap windows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..constants import STEPS_PER_BAR

__all__ = [
    "STEPS_PER_BAR",
    "MAX_CTX_BARS",
    "GAP_BARS",
    "LPD5",
    "load_lpd5",
    "split_of_md5",
    "gap_windows",
    "Window",
    "extract",
    "transpose_pitched",
]

GAP_BARS = 2
#: Every window has this much context on each side, whatever the model uses, so that all
#: context lengths and baselines are scored on the very same windows.
MAX_CTX_BARS = 4
_TRACKS = ("Drums", "Piano", "Guitar", "Bass", "Strings")


@dataclass
class LPD5:
    """Songs concatenated along time; ``active``/``onset`` are packed (steps, 5, 16) uint8."""

    active: np.ndarray
    onset: np.ndarray
    offsets: np.ndarray
    md5: np.ndarray
    genre: np.ndarray
    tempo: np.ndarray

    @property
    def n_songs(self) -> int:
        """Number of songs."""
        return len(self.offsets) - 1


def split_of_md5(md5: str) -> str:
    """The README's split rule: ``int(md5[:8], 16) % 20`` is 1 valid, 0 test, else train."""
    r = int(md5[:8], 16) % 20
    return "valid" if r == 1 else "test" if r == 0 else "train"


def load_lpd5(path: str | Path, cache_dir: str | Path | None = None,
              split: str | None = None, limit_songs: int | None = None) -> LPD5:
    """Load LPD-5 from the 16th-note npz or from an official LPD-5 directory of npz files.

    Parameters
    ----------
    path : str or Path
        ``lpd5_16th_*.npz`` or a directory tree of pypianoroll ``.npz`` files (LPD-5
        cleansed; each file named by the md5 of its MIDI).
    cache_dir : str or Path, optional
        For the 16th-note npz: unpack the arrays once to ``.npy`` files here and memory-map
        them, so several training processes share one copy.
    split : str, optional
        For a directory: keep only songs of this split (``train``, ``valid``, ``test``) by the
        md5 rule; ``None`` keeps all.
    limit_songs : int, optional
        Keep only the first N songs of a directory (quick experiments).

    Returns
    -------
    LPD5
    """
    path = Path(path)
    if path.is_dir():
        return _load_dir(path, split, limit_songs)
    if cache_dir is not None:
        tag = hashlib.md5(str(path.resolve()).encode()).hexdigest()[:8]
        cdir = Path(cache_dir) / f"{path.stem}-{tag}"
        if not (cdir / "done").exists():
            cdir.mkdir(parents=True, exist_ok=True)
            with np.load(path) as z:
                for k in ("active", "onset", "offsets", "md5", "genre", "tempo"):
                    np.save(cdir / f"{k}.npy", z[k])
            (cdir / "done").touch()
        arr = {k: np.load(cdir / f"{k}.npy", mmap_mode="r" if k in ("active", "onset") else None)
               for k in ("active", "onset", "offsets", "md5", "genre", "tempo")}
    else:
        with np.load(path) as z:
            arr = {k: z[k] for k in ("active", "onset", "offsets", "md5", "genre", "tempo")}
    return LPD5(**arr)


def _load_dir(root: Path, split: str | None, limit_songs: int | None) -> LPD5:
    """Convert official LPD-5 pypianoroll files (any resolution) to packed 16th-note rolls."""
    import pypianoroll

    files = sorted(root.rglob("*.npz"))
    acts, ons, md5s, genres, tempos = [], [], [], [], []
    for f in files:
        md5 = f.stem
        if split is not None and len(md5) == 32 and split_of_md5(md5) != split:
            continue
        mt = pypianoroll.load(f)
        res = mt.resolution
        first = 0  # start at the first downbeat so that bars line up with the grid
        if mt.downbeat is not None and np.any(mt.downbeat):
            first = int(np.argmax(np.asarray(mt.downbeat) > 0))
        n = max((t.pianoroll.shape[0] - first for t in mt.tracks), default=0) // res * 4
        if n < STEPS_PER_BAR:
            continue
        active = np.zeros((n, 5, 128), bool)
        onset = np.zeros((n, 5, 128), bool)
        for t in mt.tracks:
            fam = _family_of_track(t)
            if fam is None:
                continue
            roll = t.pianoroll[first:first + n * res // 4] > 0
            prev = np.concatenate([np.zeros((1, 128), bool), roll[:-1]])
            starts = roll & ~prev
            # 16th-note step s spans ticks [s*res/4, (s+1)*res/4)
            idx = (np.arange(roll.shape[0]) * 4) // res
            np.logical_or.at(active[:, fam], idx, roll)
            np.logical_or.at(onset[:, fam], idx, starts)
        acts.append(np.packbits(active, axis=-1))
        ons.append(np.packbits(onset, axis=-1))
        md5s.append(md5)
        genres.append("")
        tempo = float(np.median(mt.tempo)) if mt.tempo is not None and len(mt.tempo) else 120.0
        tempos.append(tempo)
        if limit_songs and len(md5s) >= limit_songs:
            break
    if not acts:
        raise ValueError(f"no LPD-5 npz files found under {root}")
    lengths = [a.shape[0] for a in acts]
    return LPD5(np.concatenate(acts), np.concatenate(ons),
                np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
                np.array(md5s), np.array(genres), np.array(tempos, np.float32))


def _family_of_track(track) -> int | None:
    """Family of a pypianoroll track: by LPD-5 name when it has one, else by GM program."""
    name = (track.name or "").strip().lower()
    for i, n in enumerate(_TRACKS):
        if name == n.lower():
            return i
    if track.is_drum:
        return 0
    p = track.program
    if p <= 7:
        return 1
    if 24 <= p <= 31:
        return 2
    if 32 <= p <= 39:
        return 3
    if p < 96 or 104 <= p <= 111:
        return 4
    return None


@dataclass
class Window:
    """Index of gap windows: ``start[i]`` is the first step of window i in the concatenation."""

    start: np.ndarray
    song: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


def gap_windows(data: LPD5, ctx_bars: int = MAX_CTX_BARS, stride_bars: int = 1) -> Window:
    """All bar-aligned windows ``ctx | gap(2) | ctx`` inside one song with music around the gap.

    A window is kept when its gap has at least one onset and both bars next to the gap (A's
    last context bar and B's first) have at least one onset, so every example has something
    to bridge from, to and through.

    Parameters
    ----------
    data : LPD5
        The songs.
    ctx_bars : int
        Context bars on each side.
    stride_bars : int
        Bars between consecutive window starts.

    Returns
    -------
    Window
    """
    span = 2 * ctx_bars + GAP_BARS
    starts, songs = [], []
    for i in range(data.n_songs):
        a, b = int(data.offsets[i]), int(data.offsets[i + 1])
        bars = (b - a) // STEPS_PER_BAR
        if bars < span:
            continue
        on = np.asarray(data.onset[a:a + bars * STEPS_PER_BAR])
        bar_has = np.asarray(on.reshape(bars, -1).any(1))
        first = np.arange(0, bars - span + 1, stride_bars)
        g0 = first + ctx_bars
        ok = bar_has[g0 - 1] & bar_has[g0 + GAP_BARS] & (bar_has[g0] | bar_has[g0 + 1])
        starts.append(a + first[ok] * STEPS_PER_BAR)
        songs.append(np.full(int(ok.sum()), i))
    return Window(np.concatenate(starts).astype(np.int64), np.concatenate(songs).astype(np.int64))


def extract(data: LPD5, start: int, ctx_bars: int = MAX_CTX_BARS) -> tuple[np.ndarray, np.ndarray]:
    """Unpack one window to bool (active, onset), each (steps, 5, 128)."""
    n = (2 * ctx_bars + GAP_BARS) * STEPS_PER_BAR
    act = np.unpackbits(np.asarray(data.active[start:start + n]), axis=-1).astype(bool)
    on = np.unpackbits(np.asarray(data.onset[start:start + n]), axis=-1).astype(bool)
    return act, on


def transpose_pitched(roll: np.ndarray, shift: int) -> np.ndarray:
    """Shift the pitched tracks (1-4) of a (..., 5, 128) roll by ``shift`` semitones."""
    if shift == 0:
        return roll
    out = roll.copy()
    out[..., 1:, :] = False
    if shift > 0:
        out[..., 1:, shift:] = roll[..., 1:, :-shift]
    else:
        out[..., 1:, :shift] = roll[..., 1:, -shift:]
    return out
