"""Listener profiles and join ratings, in the library's database (not a cache: kept).

- a **profile** is local: a name and a colour, no password; every rating belongs to one
  (``Default`` when none is named);
- a **rating** (1-5) is stored with the plan of the join it rates (the songs' paths and
  content hashes, exit and entry bars, method, join mode, model file and checksum, the
  listening test it belongs to) and its time; :meth:`Ratings.export_csv` writes them out;
- :meth:`Ratings.results` is the mean opinion score ± standard deviation with the count,
  per method and join mode (and each alone), as the original study reported it.

The tables live beside the feature cache; rebuilding the cache (a new analysis layout)
drops only ``folders``, ``files`` and ``songs``, never these.
"""

from __future__ import annotations

import csv
import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..brand import ACCENT
from ..errors import UserFacingError
from .db import LibraryDB

__all__ = ["DEFAULT_PROFILE", "Profile", "Rating", "Ratings", "RatingsError", "CSV_COLUMNS"]

DEFAULT_PROFILE = "Default"
DEFAULT_COLOUR = ACCENT.lower()

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS profiles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        colour TEXT NOT NULL,
        created REAL NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS ratings (
        id INTEGER PRIMARY KEY,
        profile INTEGER NOT NULL REFERENCES profiles(id),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
        time REAL NOT NULL,
        test TEXT,
        a_path TEXT NOT NULL,
        a_digest TEXT NOT NULL,
        b_path TEXT NOT NULL,
        b_digest TEXT NOT NULL,
        exit_bar INTEGER NOT NULL,
        entry_bar INTEGER NOT NULL,
        method TEXT NOT NULL,
        mode TEXT NOT NULL,
        model_file TEXT NOT NULL,
        model_version TEXT NOT NULL,
        plan TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS ratings_profile ON ratings(profile)",
)

#: Columns of the CSV export, in order.
CSV_COLUMNS = ("id", "time", "profile", "colour", "rating", "test", "a_path", "a_digest",
               "b_path", "b_digest", "exit_bar", "entry_bar", "method", "mode", "model_file",
               "model_version", "plan")
_PLAN_FIELDS = ("a_path", "a_digest", "b_path", "b_digest", "exit_bar", "entry_bar", "method",
                "mode")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class RatingsError(UserFacingError):
    """A bad rating, profile or plan; one line."""


@dataclass(frozen=True)
class Profile:
    """A listener: a name and a colour."""

    id: int
    name: str
    colour: str


@dataclass(frozen=True)
class Rating:
    """One stored rating and the plan of the join it rates."""

    id: int
    profile: str
    colour: str
    rating: int
    time: float
    test: str | None
    plan: dict[str, Any]

    def row(self) -> dict[str, Any]:
        """The CSV row (time in ISO 8601 UTC, the plan as JSON)."""
        p = self.plan
        return {"id": self.id,
                "time": datetime.fromtimestamp(self.time, timezone.utc).isoformat(
                    timespec="seconds"),
                "profile": self.profile, "colour": self.colour, "rating": self.rating,
                "test": self.test or "", **{k: p.get(k, "") for k in _PLAN_FIELDS},
                "model_file": p.get("model_file", ""),
                "model_version": p.get("model_version", ""),
                "plan": json.dumps(p, sort_keys=True, ensure_ascii=False)}


class Ratings:
    """Profiles and ratings in a :class:`~.db.LibraryDB` (``Library.ratings``)."""

    def __init__(self, db: LibraryDB):
        self.db = db
        with db.write() as conn:
            for sql in _SCHEMA:
                conn.execute(sql)

    # ----------------------------------------------------------------- profiles
    def profiles(self) -> list[Profile]:
        """Every profile, oldest first."""
        return [Profile(int(i), n, c) for i, n, c in
                self.db.query("SELECT id, name, colour FROM profiles ORDER BY id")]

    def add_profile(self, name: str, colour: str = DEFAULT_COLOUR) -> Profile:
        """A new profile (or the one of that name, its colour updated)."""
        name = " ".join(str(name).split())
        if not name or len(name) > 64:
            raise RatingsError(f"profile name {name!r}: 1 to 64 characters")
        if not _COLOUR.match(colour):
            raise RatingsError(f"profile colour {colour!r}: #rrggbb expected")
        with self.db.write() as conn:
            conn.execute("INSERT INTO profiles (name, colour, created) VALUES (?, ?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET colour = excluded.colour",
                         (name, colour, time.time()))
            i, n, c = conn.execute("SELECT id, name, colour FROM profiles WHERE name = ?",
                                   (name,)).fetchone()
        return Profile(int(i), n, c)

    def profile(self, name: str | None = None, create: bool = True) -> Profile | None:
        """The profile called ``name`` (any case; ``Default`` when None), made if new."""
        name = name or DEFAULT_PROFILE
        rows = self.db.query("SELECT id, name, colour FROM profiles WHERE name = ?",
                             (" ".join(name.split()),))
        if rows:
            return Profile(int(rows[0][0]), rows[0][1], rows[0][2])
        return self.add_profile(name) if create else None

    def rename_profile(self, name: str, new: str) -> Profile:
        """Call the profile ``name`` ``new`` (its ratings go with it); another profile of
        that name, or the default one, raise :class:`RatingsError`."""
        new = " ".join(str(new).split())
        if not new or len(new) > 64:
            raise RatingsError(f"profile name {new!r}: 1 to 64 characters")
        p = self.profile(name, create=False)
        if p is None:
            raise RatingsError(f"no listener called {name!r}")
        if DEFAULT_PROFILE.casefold() in (p.name.casefold(), new.casefold()):
            raise RatingsError(f"the {DEFAULT_PROFILE} listener keeps its name")
        other = self.profile(new, create=False)
        if other is not None and other.id != p.id:
            raise RatingsError(f"a listener called {other.name!r} already exists")
        with self.db.write() as conn:
            conn.execute("UPDATE profiles SET name = ? WHERE id = ?", (new, p.id))
        return Profile(p.id, new, p.colour)

    def remove_profile(self, name: str) -> int:
        """Delete a profile and its ratings; returns the ratings deleted."""
        p = self.profile(name, create=False)
        if p is None:
            return 0
        with self.db.write() as conn:
            n = conn.execute("DELETE FROM ratings WHERE profile = ?", (p.id,)).rowcount
            conn.execute("DELETE FROM profiles WHERE id = ?", (p.id,))
        return int(n)

    # ----------------------------------------------------------------- ratings
    def rate(self, rating: int, plan: Mapping[str, Any] | Any, profile: str | None = None,
             test: str | None = None, when: float | None = None) -> int:
        """Store ``rating`` (1-5) of the join ``plan`` for ``profile``; returns its id.

        ``plan`` is a mapping (or has ``to_dict()``, as ``player.JoinRecord``) holding at
        least the songs' paths and hashes, the exit and entry bars, method and mode.
        """
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise RatingsError(f"rating {rating!r}: a whole number from 1 to 5")
        d = dict(plan.to_dict() if hasattr(plan, "to_dict") else plan)
        missing = [k for k in _PLAN_FIELDS if d.get(k) in (None, "")]
        if missing:
            raise RatingsError(f"the join's plan lacks {', '.join(missing)}")
        d.pop("seconds_since", None)
        prof = self.profile(profile)
        assert prof is not None
        with self.db.write() as conn:
            cur = conn.execute(
                "INSERT INTO ratings (profile, rating, time, test, a_path, a_digest, b_path, "
                "b_digest, exit_bar, entry_bar, method, mode, model_file, model_version, plan) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (prof.id, rating, time.time() if when is None else float(when), test,
                 str(d["a_path"]), str(d["a_digest"]), str(d["b_path"]), str(d["b_digest"]),
                 int(d["exit_bar"]), int(d["entry_bar"]), str(d["method"]), str(d["mode"]),
                 str(d.get("model_file") or ""), str(d.get("model_version") or ""),
                 json.dumps(d, sort_keys=True, ensure_ascii=False)))
            return int(cur.lastrowid or 0)

    def ratings(self, profile: str | None = None, test: str | bool | None = None
                ) -> list[Rating]:
        """Stored ratings, oldest first: of one profile (default: all), of one listening
        test (a name), of any test (True) or of none (False)."""
        where, params = self._where(profile, test)
        rows = self.db.query(
            "SELECT r.id, p.name, p.colour, r.rating, r.time, r.test, r.plan FROM ratings r "
            f"JOIN profiles p ON p.id = r.profile {where} ORDER BY r.time, r.id", params)
        return [Rating(int(i), n, c, int(r), float(t), s, json.loads(plan))
                for i, n, c, r, t, s, plan in rows]

    def _where(self, profile: str | None, test: str | bool | None
               ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if profile is not None:
            clauses.append("p.name = ?")
            params.append(" ".join(profile.split()))
        if test is True:
            clauses.append("r.test IS NOT NULL")
        elif test is False:
            clauses.append("r.test IS NULL")
        elif test is not None:
            clauses.append("r.test = ?")
            params.append(test)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    def export_csv(self, path: str | Path, profile: str | None = None,
                   test: str | bool | None = None) -> int:
        """Write the ratings (with their profile and plan) as CSV; returns how many."""
        rows = self.ratings(profile, test)
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
            w.writeheader()
            for r in rows:
                w.writerow(r.row())
        tmp.replace(path)
        return len(rows)

    def results(self, profile: str | None = None, test: str | bool | None = None
                ) -> dict[str, list[dict[str, Any]]]:
        """Mean opinion score ± sample standard deviation and count per method and mode.

        Returns ``{"by_method_mode": [...], "by_method": [...], "by_mode": [...],
        "all": [...]}``, rows ``{"method", "mode", "mos", "std", "n"}`` sorted by name.
        """
        where, params = self._where(profile, test)
        rows = self.db.query(
            f"SELECT r.method, r.mode, r.rating FROM ratings r JOIN profiles p "
            f"ON p.id = r.profile {where}", params)
        groups: dict[str, dict[tuple[str, str], list[int]]] = {
            "by_method_mode": {}, "by_method": {}, "by_mode": {}, "all": {}}
        for method, mode, rating in rows:
            for name, key in (("by_method_mode", (method, mode)), ("by_method", (method, "")),
                              ("by_mode", ("", mode)), ("all", ("", ""))):
                groups[name].setdefault(key, []).append(int(rating))
        return {name: [_stats(m, j, v) for (m, j), v in sorted(g.items())]
                for name, g in groups.items()}


def _stats(method: str, mode: str, values: list[int]) -> dict[str, Any]:
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return {"method": method or None, "mode": mode or None, "mos": round(mean, 3),
            "std": round(std, 3), "n": n}
