"""Saved state across runs: queue, current song and position, volume and settings, as JSON."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSaveFile, QStandardPaths

__all__ = ["StateStore", "SavedState", "default_state_dir"]

STATE_VERSION = 1


def default_state_dir() -> Path:
    """The per-user application data folder (QStandardPaths.AppDataLocation)."""
    loc = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(loc or Path.home() / ".local/share/smootify")


@dataclass
class SavedState:
    """What comes back on the next launch."""

    queue: list[str] = field(default_factory=list)
    original_order: list[int] | None = None  # indices into ``queue`` before SHUFFLE PLAY
    current: int = -1
    position: float = 0.0  # seconds into the current song
    volume: float = 0.8
    settings: dict[str, Any] = field(default_factory=dict)
    geometry: str = ""  # hex of QWidget.saveGeometry()
    labels: dict[str, list[str]] = field(default_factory=dict)  # path: [title, credit]

    def to_dict(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, "queue": self.queue,
                "original_order": self.original_order, "current": self.current,
                "position": round(self.position, 3), "volume": round(self.volume, 3),
                "settings": self.settings, "geometry": self.geometry, "labels": self.labels}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SavedState:
        if not isinstance(d, dict) or not isinstance(d.get("queue", []), list):
            raise ValueError("not a Smootify state object")
        order = d.get("original_order")
        return cls(queue=[str(p) for p in d.get("queue", [])],
                   original_order=[int(i) for i in order] if isinstance(order, list) else None,
                   current=int(d.get("current", -1)), position=float(d.get("position", 0.0)),
                   volume=float(d.get("volume", 0.8)),
                   settings=dict(d.get("settings", {}) or {}),
                   geometry=str(d.get("geometry", "")),
                   labels={str(k): [str(x) for x in v][:2]
                           for k, v in (d.get("labels") or {}).items()
                           if isinstance(v, list) and v})


class StateStore:
    """Reads and atomically writes ``state.json`` in ``folder``; a corrupt file is moved aside."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder else default_state_dir()
        self.path = self.folder / "state.json"

    def load(self) -> tuple[SavedState | None, str | None]:
        """(state or None when there is none, one-line notice when the file was unusable)."""
        if not self.path.exists():
            return None, None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return SavedState.from_dict(data), None
        except (OSError, ValueError, TypeError) as exc:
            aside = self.path.with_name(f"state.corrupt-{time.strftime('%Y%m%d-%H%M%S')}.json")
            try:
                self.path.replace(aside)
                where = f"moved aside to {aside.name}"
            except OSError:
                where = "left in place"
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return None, f"Saved state was unreadable ({reason}); {where}, starting fresh"

    def save(self, state: SavedState) -> bool:
        """Write the state atomically (QSaveFile: temp file, then rename); False on failure."""
        self.folder.mkdir(parents=True, exist_ok=True)
        f = QSaveFile(str(self.path))
        if not f.open(QSaveFile.OpenModeFlag.WriteOnly):
            return False
        f.write(json.dumps(state.to_dict(), indent=1).encode("utf-8"))
        return bool(f.commit())
