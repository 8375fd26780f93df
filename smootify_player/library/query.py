"""Searching the library: filter by title, credit, key, tempo and meter; sort by column."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..music.key import NOTE_NAMES
from .db import MISSING, OK, STATUS_NAMES, LibraryDB, path_from_key
from .features import key_name

__all__ = ["SORT_COLUMNS", "SongRecord", "parse_key", "parse_meter", "search"]

#: Columns a search sorts by, and the SQL each stands for.
SORT_COLUMNS = {
    "title": "f.title COLLATE NOCASE",
    "credit": "s.credit COLLATE NOCASE",
    "duration": "s.duration",
    "tempo": "s.tempo",
    "key": "s.key",
    "meter": "s.meter_num * 1.0 / s.meter_den",
    "bars": "s.bars",
    "density": "s.density",
    "path": "f.path",
    "status": "f.status",
}

_FLATS = {"Db": 1, "Eb": 3, "Gb": 6, "Ab": 8, "Bb": 10, "Cb": 11, "Fb": 4, "E#": 5, "B#": 0}


@dataclass
class SongRecord:
    """One file of the library, as a table row shows it.

    Attributes
    ----------
    id : int
        The file's row id.
    path, title : str
        The file and its title.
    status : str
        ``ok``, ``broken`` or ``missing``.
    error : str or None
        Why it is broken or missing.
    digest : str or None
        Content hash.
    credit : str or None
        Copyright notice (analysed files only, as the fields below).
    duration, tempo : float or None
        Seconds and BPM.
    key, meter : str or None
        ``"Eb major"``, ``"6/8"``.
    bars : int or None
        Bars.
    """

    id: int
    path: str
    title: str
    status: str
    error: str | None
    digest: str | None
    credit: str | None = None
    duration: float | None = None
    tempo: float | None = None
    key: str | None = None
    meter: str | None = None
    bars: int | None = None

    def to_dict(self) -> dict:
        """JSON-ready fields."""
        return dict(vars(self))


def parse_key(text: str | int) -> int:
    """A key index (0-11 major, 12-23 minor) from ``"Eb major"``, ``"Ebm"``, ``"c# minor"``,
    ``"Bb"`` (major) or an index.

    Raises
    ------
    ValueError
        Not a key.
    """
    if isinstance(text, int):
        if 0 <= text < 24:
            return text
        raise ValueError(f"not a key index: {text}")
    m = re.fullmatch(r"\s*([A-Ga-g])([#b♯♭]?)\s*(major|maj|minor|min|m)?\s*", text)
    if not m:
        raise ValueError(f"not a key: {text!r} (e.g. 'Eb major', 'C# minor', 'Am')")
    name = m.group(1).upper() + m.group(2).replace("♯", "#").replace("♭", "b")
    tonic = NOTE_NAMES.index(name) if name in NOTE_NAMES else _FLATS.get(name)
    if tonic is None:
        sharp = {"C#": 1, "D#": 3, "F#": 6, "G#": 8, "A#": 10}
        tonic = sharp[name]
    mode = (m.group(3) or "major").lower()
    return tonic + (12 if mode in ("minor", "min", "m") else 0)


def parse_meter(text: str | tuple[int, int]) -> tuple[int, int]:
    """``(6, 8)`` from ``"6/8"`` (or the tuple itself).

    Raises
    ------
    ValueError
        Not a meter.
    """
    if isinstance(text, tuple):
        return int(text[0]), int(text[1])
    m = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s*", text)
    if not m or int(m.group(1)) == 0 or int(m.group(2)) == 0:
        raise ValueError(f"not a meter: {text!r} (e.g. '3/4')")
    return int(m.group(1)), int(m.group(2))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(text: str | None, credit: str | None, key: str | int | None,
           tempo: tuple[float, float] | None, meter: str | tuple[int, int] | None,
           include: str) -> tuple[list[str], list[object]]:
    """The SQL conditions (joined by AND) and their parameters of :func:`search`'s filters."""
    where: list[str] = []
    params: list[object] = []
    statuses = {"present": f"f.status != {MISSING}", "ok": f"f.status = {OK}", "all": "1"}
    if include not in statuses:
        raise ValueError(f"include must be one of {', '.join(statuses)}")
    where.append(statuses[include])
    if text:
        where.append("(f.title LIKE ? ESCAPE '\\' OR s.credit LIKE ? ESCAPE '\\')")
        params += [_like(text)] * 2
    if credit:
        where.append("s.credit LIKE ? ESCAPE '\\'")
        params.append(_like(credit))
    if key is not None:
        where.append("s.key = ?")
        params.append(parse_key(key))
    if tempo is not None:
        where.append("s.tempo BETWEEN ? AND ?")
        params += [float(min(tempo)), float(max(tempo))]
    if meter is not None:
        num, den = parse_meter(meter)
        where.append("s.meter_num = ? AND s.meter_den = ?")
        params += [num, den]
    return where, params


def search(db: LibraryDB, text: str | None = None, *, credit: str | None = None,
           key: str | int | None = None, tempo: tuple[float, float] | None = None,
           meter: str | tuple[int, int] | None = None, include: str = "present",
           sort: str = "title", descending: bool = False, limit: int | None = None,
           offset: int = 0) -> list[SongRecord]:
    """The library's files that match every filter given, sorted.

    Parameters
    ----------
    db : LibraryDB
        The database.
    text : str, optional
        Found in the title or the credit (any case).
    credit : str, optional
        Found in the credit (any case).
    key : str or int, optional
        The song's key (:func:`parse_key`).
    tempo : (float, float), optional
        Median BPM in this range, ends included.
    meter : str or (int, int), optional
        The commonest meter (:func:`parse_meter`).
    include : str
        ``present`` (analysed and broken files still on disk), ``ok`` (analysed only) or
        ``all`` (missing files too). Broken and missing files never match the feature
        filters.
    sort : str
        One of :data:`SORT_COLUMNS`; ties by title.
    descending : bool
        Reverse the order.
    limit, offset : int, optional
        A page of the result.

    Raises
    ------
    ValueError
        An unknown sort column or ``include``, a bad key or meter.
    """
    if sort not in SORT_COLUMNS:
        raise ValueError(f"unknown sort column {sort!r}; expected one of "
                         f"{', '.join(SORT_COLUMNS)}")
    where, params = _where(text, credit, key, tempo, meter, include)
    direction = "DESC" if descending else "ASC"
    sql = ("SELECT f.id, f.path, f.title, f.status, f.error, f.digest, s.credit, s.duration, "
           "s.tempo, s.key, s.meter_num, s.meter_den, s.bars FROM files f LEFT JOIN songs s "
           f"ON s.digest = f.digest AND f.status = {OK} WHERE {' AND '.join(where)} "
           f"ORDER BY {SORT_COLUMNS[sort]} {direction}, f.title COLLATE NOCASE, f.id")
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    out = []
    for r in db.query(sql, params):
        analysed = r[7] is not None
        out.append(SongRecord(
            id=r[0], path=path_from_key(r[1]), title=r[2], status=STATUS_NAMES.get(r[3], "?"),
            error=r[4], digest=r[5], credit=r[6],
            duration=r[7], tempo=r[8], key=key_name(r[9]) if analysed else None,
            meter=f"{r[10]}/{r[11]}" if analysed else None, bars=r[12]))
    return out
