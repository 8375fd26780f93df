"""Saved state across runs: queue, current song and position, volume and settings, as JSON.

Every value read back is checked (:meth:`SavedState.repaired`): a bad one is repaired or
dropped and named in one notice; a file that is not a JSON object is moved aside.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSaveFile, QStandardPaths

from ..music.mixpoint import METHODS
from ..notices import Notice, NoticeLevel
from ..player.joins import ListeningTest
from ..player.settings import END_OF_QUEUE, TRANSITIONS

__all__ = ["StateStore", "SavedState", "default_state_dir", "clean_settings", "valid_path",
           "MAX_STATE_BYTES"]

STATE_VERSION = 1
#: A state file bigger than this is not read (10,000 songs with labels take about 2 MB).
MAX_STATE_BYTES = 64 * 1024 * 1024
MAX_PATH_CHARS = 4096
MAX_POSITION = 24 * 3600.0  # seconds into a song
MAX_GEOMETRY_CHARS = 8192
MAX_PROFILE_CHARS = 64  # a listener's name (library.ratings: 1 to 64 characters)
DEFAULT_VOLUME = 0.8


def default_state_dir() -> Path:
    """The per-user application data folder (QStandardPaths.AppDataLocation)."""
    loc = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(loc or Path.home() / ".local/share/smootify")


def valid_path(p: object) -> bool:
    """A string usable as a file name: not empty, no NUL, encodable for the file system."""
    if not isinstance(p, str) or not 0 < len(p) <= MAX_PATH_CHARS or "\x00" in p:
        return False
    try:
        os.fsencode(p)
    except UnicodeError:
        return False
    return True


def _text(s: object) -> bool:
    """A string Qt can show (no lone surrogates)."""
    if not isinstance(s, str):
        return False
    try:
        s.encode("utf-8")
    except UnicodeError:
        return False
    return True


def _number(v: object) -> float | None:
    """``v`` as a finite float, None when it is not a finite number (bools are not numbers)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    try:
        f = float(v)
    except OverflowError:  # an int too big for a float
        return None
    return f if math.isfinite(f) else None


def _index(v: object) -> int | None:
    """``v`` as an int index (an integral float too), else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        return int(v)
    return None


def _show(v: object) -> str:
    """A short rendering of a bad value for a notice."""
    try:
        s = json.dumps(v)
    except (TypeError, ValueError):
        s = type(v).__name__
    return s if len(s) <= 24 else s[:21] + "..."


def clean_settings(raw: object) -> tuple[dict[str, Any], list[str]]:
    """The known settings in ``raw`` with valid values, and what was dropped (phrases)."""
    if not isinstance(raw, dict):
        return {}, ([] if raw is None else [f"settings were {_show(raw)}, reset to defaults"])
    out: dict[str, Any] = {}
    notes: list[str] = []
    if "soundfont" in raw:
        sf = raw["soundfont"]
        if sf is None or sf == "":
            out["soundfont"] = ""
        elif valid_path(sf):
            out["soundfont"] = sf
        else:
            notes.append(f"soundfont {_show(sf)} is not a file name, the shipped one is used")
    for key, known, what in (("transition", TRANSITIONS, "transition"),
                             ("method", METHODS, "mix-point method"),
                             ("end_of_queue", END_OF_QUEUE, "end-of-queue choice")):
        if key in raw:
            v = raw[key]
            if isinstance(v, str) and v in known:
                out[key] = v
            else:
                notes.append(f"unknown {what} {_show(v)}, the default is used")
    for key in ("full_songs", "repeat", "notify"):
        if key in raw:
            v = raw[key]
            if isinstance(v, bool):
                out[key] = v
            else:
                notes.append(f"setting {key} was {_show(v)}, the default is used")
    return out, notes


@dataclass
class SavedState:
    """What comes back on the next launch."""

    queue: list[str] = field(default_factory=list)
    original_order: list[int] | None = None  # indices into ``queue`` before SHUFFLE PLAY
    current: int = -1
    position: float = 0.0  # seconds into the current song
    volume: float = DEFAULT_VOLUME
    settings: dict[str, Any] = field(default_factory=dict)
    geometry: str = ""  # hex of QWidget.saveGeometry()
    labels: dict[str, list[str]] = field(default_factory=dict)  # path: [title, credit]
    profile: str = ""  # the listener rating joins ("": the default profile)
    listening_test: ListeningTest | None = None  # the blind test running, if any
    test_done: int = 0  # joins that test has planned so far

    def to_dict(self) -> dict[str, Any]:
        test = (dict(self.listening_test.to_dict(), done=self.test_done)
                if self.listening_test is not None else None)
        return {"version": STATE_VERSION, "queue": self.queue,
                "original_order": self.original_order, "current": self.current,
                "position": round(self.position, 3), "volume": round(self.volume, 3),
                "settings": self.settings, "geometry": self.geometry, "labels": self.labels,
                "profile": self.profile, "listening_test": test}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SavedState:
        """The state in ``d``, repaired (ValueError when ``d`` is not an object)."""
        if not isinstance(d, dict):
            raise ValueError("not a Smootify state object")
        return cls.repaired(d)[0]

    @classmethod
    def repaired(cls, d: dict[str, Any]) -> tuple[SavedState, list[str]]:
        """The state in the object ``d`` with every bad value repaired or dropped, and one
        phrase per repair (empty when all was well)."""
        notes: list[str] = []
        s = cls()
        raw_queue = d.get("queue", [])
        if not isinstance(raw_queue, list):
            notes.append(f"the queue was {_show(raw_queue)}, not a list; it is empty")
            raw_queue = []
        index_map: dict[int, int] = {}  # row in the file -> row kept
        for i, p in enumerate(raw_queue):
            if valid_path(p):
                index_map[i] = len(s.queue)
                s.queue.append(p)
        if len(s.queue) < len(raw_queue):
            bad = len(raw_queue) - len(s.queue)
            notes.append(f"{bad} queue entr{'y' if bad == 1 else 'ies'} not a file name, dropped")

        order = d.get("original_order")
        if order is not None:
            idx = [_index(i) for i in order] if isinstance(order, list) else None
            if idx is None or sorted(i for i in idx if i is not None) != list(
                    range(len(raw_queue))) or None in idx:
                notes.append(f"shuffle order {_show(order)} does not match the queue; "
                             "the queue stays as it is")
            else:
                s.original_order = [index_map[i] for i in idx if i is not None
                                    and i in index_map]

        cur = d.get("current", -1)
        ci = _index(cur)
        if ci is None or not -1 <= ci < len(raw_queue):
            notes.append(f"current song {_show(cur)} is not in the queue")
        elif ci >= 0:
            s.current = index_map.get(ci, -1)

        pos = d.get("position", 0.0)
        pf = _number(pos)
        if pf is None or not 0.0 <= pf <= MAX_POSITION:
            notes.append(f"position {_show(pos)} reset to the start of the song")
        else:
            s.position = pf

        vol = d.get("volume", DEFAULT_VOLUME)
        vf = _number(vol)
        if vf is None:
            notes.append(f"volume {_show(vol)} reset to {DEFAULT_VOLUME:.0%}")
        elif not 0.0 <= vf <= 1.0:
            s.volume = min(max(vf, 0.0), 1.0)
            notes.append(f"volume {_show(vol)} set to {s.volume:.0%}")
        else:
            s.volume = vf

        s.settings, more = clean_settings(d.get("settings"))
        notes += more

        geo = d.get("geometry", "")
        if isinstance(geo, str) and len(geo) <= MAX_GEOMETRY_CHARS and len(geo) % 2 == 0 and all(
                c in "0123456789abcdefABCDEF" for c in geo):
            s.geometry = geo
        else:
            notes.append("window geometry unreadable, the default size is used")

        labels = d.get("labels")
        if labels is not None and not isinstance(labels, dict):
            notes.append(f"song labels were {_show(labels)}, dropped")
        elif labels:
            for k, v in labels.items():
                if (valid_path(k) and isinstance(v, list) and v
                        and all(_text(x) for x in v[:2])):
                    s.labels[k] = list(v[:2])
            if len(s.labels) < len(labels):
                bad = len(labels) - len(s.labels)
                notes.append(f"{bad} unreadable song label{'s' if bad != 1 else ''} dropped")

        prof = d.get("profile", "")
        if _text(prof) and len(prof) <= MAX_PROFILE_CHARS and prof == " ".join(prof.split()):
            s.profile = prof
        else:
            notes.append(f"listener {_show(prof)} unreadable, the default profile is used")

        test = d.get("listening_test")
        if test is not None:
            done = test.get("done", 0) if isinstance(test, dict) else None
            try:
                s.listening_test = ListeningTest.from_dict(test)
            except ValueError as exc:
                notes.append(f"{exc}; the listening test is not resumed")
            else:
                if isinstance(done, int) and not isinstance(done, bool) and 0 <= done < 1 << 31:
                    s.test_done = done
                else:
                    notes.append(f"listening test progress {_show(done)} unreadable, "
                                 "it resumes at its first join")
        return s, notes


def _summary(notes: list[str]) -> str:
    shown = "; ".join(notes[:3])
    return shown + (f"; and {len(notes) - 3} more" if len(notes) > 3 else "")


class StateStore:
    """Reads and atomically writes ``state.json`` in ``folder``; a corrupt file is moved aside."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder else default_state_dir()
        self.path = self.folder / "state.json"
        self.last_error = ""  # why the last save failed

    def load(self) -> tuple[SavedState | None, Notice | None]:
        """(state or None when there is none, one-line notice when values were repaired or
        the file was unusable and moved aside)."""
        try:
            if not self.path.exists() and not self.path.is_symlink():
                return None, None
            if not self.path.is_file():
                raise ValueError("not a regular file")
            size = self.path.stat().st_size
            if size > MAX_STATE_BYTES:
                raise ValueError(f"{size // (1024 * 1024)} MB, too big")
            # bytes that are not UTF-8 come back as surrogate escapes: a file name with them
            # is the file's real name; anywhere else they fail the checks below
            text = self.path.read_bytes().decode("utf-8", "surrogateescape")
            data = json.loads(text.removeprefix("\ufeff"))  # an editor's BOM is harmless
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__}, not an object")
        except (OSError, ValueError, RecursionError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return None, Notice(f"Saved state was unreadable ({reason[:80]}); "
                                f"{self._move_aside()}, starting fresh", NoticeLevel.ERROR)
        state, notes = SavedState.repaired(data)
        if notes:
            return state, Notice(f"Saved state repaired: {_summary(notes)}", NoticeLevel.WARNING)
        return state, None

    def for_listener(self, name: str) -> StateStore:
        """The store of listener ``name``'s own session (queue, song, position, volume and
        settings), kept while another listener's plays: ``listeners/<name>-<hash>/`` here."""
        slug = "".join(c if c.isalnum() else "_" for c in name.casefold())[:24] or "listener"
        digest = hashlib.sha1(name.casefold().encode("utf-8", "surrogatepass")).hexdigest()
        return StateStore(self.folder / "listeners" / f"{slug}-{digest[:10]}")

    def _move_aside(self) -> str:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"state.corrupt-{stamp}.json")
        n = 1
        while aside.exists() or aside.is_symlink():
            n += 1
            aside = self.path.with_name(f"state.corrupt-{stamp}-{n}.json")
        try:
            self.path.replace(aside)
        except OSError:
            return "left in place"
        return f"moved aside to {aside.name}"

    def save(self, state: SavedState) -> bool:
        """Write the state atomically (QSaveFile: temp file, then rename); False on failure,
        with the reason in :attr:`last_error`."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = json.dumps(state.to_dict(), indent=1).encode("utf-8")
        except (OSError, ValueError, TypeError) as exc:
            self.last_error = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            return False
        f = QSaveFile(str(self.path))
        if not f.open(QSaveFile.OpenModeFlag.WriteOnly):
            self.last_error = f.errorString()
            return False
        f.write(data)
        if not f.commit():
            self.last_error = f.errorString()
            return False
        self.last_error = ""
        return True
