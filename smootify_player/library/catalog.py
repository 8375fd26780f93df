"""The library's songs as numpy columns: what radio and ordering compare at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .db import OK, LibraryDB, path_from_key
from .features import ANALYSIS_VERSION, SongFeatures

__all__ = ["Catalog", "catalog_of", "load_catalog"]


@dataclass
class Catalog:
    """Every distinct analysed song of the library (one row per content), as arrays.

    Attributes
    ----------
    digests, paths, titles : list of str
        Content hash, one file with that content (the first indexed), its title.
    credits : list of str or None
        Copyright notices.
    credit_id : np.ndarray
        (n,) int: equal credits share a number; -1 for none.
    duration, tempo, tempo_head, tempo_tail : np.ndarray
        (n,) float: seconds; median, first-bar and last-bar BPM.
    bars : np.ndarray
        (n,) int.
    meter, meter_head, meter_tail : np.ndarray
        (n, 2) int: (numerator, denominator).
    key, key_head, key_tail : np.ndarray
        (n,) int: key indices (0-11 major C..B, 12-23 minor).
    conf_head, conf_tail : np.ndarray
        (n,) float: key-profile correlation of the head's and the tail's key.
    texture : np.ndarray
        (n, 12) float: family presence and onsets per bar, head then tail.
    """

    digests: list[str]
    paths: list[str]
    titles: list[str]
    credits: list[str | None]
    credit_id: np.ndarray
    duration: np.ndarray
    tempo: np.ndarray
    tempo_head: np.ndarray
    tempo_tail: np.ndarray
    bars: np.ndarray
    meter: np.ndarray
    meter_head: np.ndarray
    meter_tail: np.ndarray
    key: np.ndarray
    key_head: np.ndarray
    key_tail: np.ndarray
    conf_head: np.ndarray
    conf_tail: np.ndarray
    texture: np.ndarray
    _lookup: dict[str, int] | None = field(default=None, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.digests)

    def index_of(self, digest: str) -> int:
        """Row of a content hash.

        Raises
        ------
        KeyError
            The song is not in the catalog.
        """
        if self._lookup is None:
            self._lookup = {d: i for i, d in enumerate(self.digests)}
        return self._lookup[digest]

    def describe(self, i: int) -> dict:
        """JSON-ready summary of row ``i``."""
        from .features import key_name

        return {"path": self.paths[i], "title": self.titles[i], "credit": self.credits[i],
                "key": key_name(int(self.key[i])), "tempo_bpm": round(float(self.tempo[i]), 1),
                "meter": f"{self.meter[i, 0]}/{self.meter[i, 1]}",
                "duration_s": round(float(self.duration[i]), 1), "bars": int(self.bars[i])}


def catalog_of(features: Sequence[SongFeatures], paths: Sequence[str],
               titles: Sequence[str]) -> Catalog:
    """A catalog of songs analysed in memory (one row per entry, twins included): what the
    player's queue compares, with no database."""
    n = len(features)
    credits = [f.credit for f in features]
    ids: dict[str, int] = {}
    credit_id = np.array([-1 if c is None else ids.setdefault(c, len(ids)) for c in credits],
                         np.int64)

    def col(name: str, dtype: type = np.float64) -> np.ndarray:
        return np.array([getattr(f, name) for f in features], dtype=dtype).reshape(n)

    def pair(name: str) -> np.ndarray:
        return np.array([getattr(f, name) for f in features], np.int64).reshape(n, 2)

    return Catalog(
        digests=[f.digest for f in features], paths=list(paths), titles=list(titles),
        credits=credits, credit_id=credit_id, duration=col("duration"), tempo=col("tempo"),
        tempo_head=col("tempo_head"), tempo_tail=col("tempo_tail"), bars=col("bars", np.int64),
        meter=pair("meter"), meter_head=pair("meter_head"), meter_tail=pair("meter_tail"),
        key=col("key", np.int64), key_head=col("key_head", np.int64),
        key_tail=col("key_tail", np.int64), conf_head=col("conf_head"),
        conf_tail=col("conf_tail"),
        texture=np.array([f.texture for f in features], np.float64).reshape(n, 12))


def load_catalog(db: LibraryDB, folders: list[int] | None = None,
                 paths: list[bytes] | None = None) -> Catalog:
    """Read every analysed song that some present file holds (one query).

    With ``folders`` or ``paths``, only the files in those library folders (ids) or with
    those stored paths count.
    """
    where, params = f"g.digest = s.digest AND g.status = {OK}", []
    if folders is not None or paths is not None:
        folders, paths = folders or [], paths or []
        where += (f" AND (g.folder IN ({', '.join('?' * len(folders))}) "
                  f"OR g.path IN ({', '.join('?' * len(paths))}))")
        params = [*folders, *paths]
    rows = db.query(
        "SELECT s.digest, f.path, f.title, s.credit, s.duration, s.tempo, s.tempo_head, "
        "s.tempo_tail, s.bars, s.meter_num, s.meter_den, s.head_num, s.head_den, s.tail_num, "
        "s.tail_den, s.key, s.key_head, s.key_tail, s.conf_head, s.conf_tail, s.texture "
        f"FROM songs s JOIN files f ON f.id = (SELECT min(id) FROM files g WHERE {where}) "
        f"WHERE s.version = {ANALYSIS_VERSION} ORDER BY f.id", params)
    n = len(rows)
    cols = list(zip(*rows)) if rows else [()] * 21
    credits = list(cols[3])
    ids: dict[str, int] = {}
    credit_id = np.array([-1 if c is None else ids.setdefault(c, len(ids)) for c in credits],
                         np.int64)

    def num(i: int, dtype: type = np.float64) -> np.ndarray:
        return np.array(cols[i], dtype=dtype).reshape(n)

    def pair(i: int) -> np.ndarray:
        return np.stack([num(i, np.int64), num(i + 1, np.int64)], axis=1).reshape(n, 2)

    texture = (np.frombuffer(b"".join(cols[20]), "<f4").reshape(n, 12).astype(np.float64)
               if n else np.zeros((0, 12)))
    return Catalog(
        digests=list(cols[0]), paths=[path_from_key(k) for k in cols[1]], titles=list(cols[2]),
        credits=credits, credit_id=credit_id, duration=num(4), tempo=num(5),
        tempo_head=num(6), tempo_tail=num(7), bars=num(8, np.int64), meter=pair(9),
        meter_head=pair(11), meter_tail=pair(13), key=num(15, np.int64),
        key_head=num(16, np.int64), key_tail=num(17, np.int64), conf_head=num(18),
        conf_tail=num(19), texture=texture)
