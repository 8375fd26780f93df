"""The queue as a Qt table model over the Player's queue: columns, drag-and-drop, reordering."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from ..player import Player, QueueEntry
from .theme import GREEN, MUTED, SUBTLE, TEXT

__all__ = ["QueueModel", "COLUMNS", "ROWS_MIME"]

COLUMNS = ("#", "Title", "Credit", "Length", "Tempo", "Key", "Status")
ROWS_MIME = "application/x-smootify-queue-rows"
_STATUS = {"waiting": "Waiting", "analysing": "Analysing…", "ready": "Ready",
           "failed": "Failed"}

Index = QModelIndex | QPersistentModelIndex


def _length(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


class QueueModel(QAbstractTableModel):
    """Rows are ``player.queue``; dropping files adds them, dragging rows reorders."""

    def __init__(self, player: Player, add_paths: Callable[[list[Path], int | None], None],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.player = player
        self._add_paths = add_paths
        self._bold = QFont()
        self._bold.setBold(True)
        player.listeners.append(self._on_player)

    # ------------------------------------------------------------------ player events
    def _on_player(self, kind: str, payload: Any) -> None:
        if kind == "queue":
            self.beginResetModel()
            self.endResetModel()
        elif kind == "entry":
            row = self._row(payload)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        elif kind in ("current", "state"):
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(self.rowCount() - 1, len(COLUMNS) - 1))

    def _row(self, entry: QueueEntry) -> int | None:
        for i, e in enumerate(self.player.queue):
            if e is entry:
                return i
        return None

    # ------------------------------------------------------------------ table
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.player.queue)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (0, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.player.queue):
            return None
        e = self.player.queue[index.row()]
        col = index.column()
        song = e.song
        playing = e is self.player.current
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(index.row() + 1)
            if col == 1:
                return e.title
            if col == 2:
                return e.credit
            if col == 3:
                return _length(song.duration) if song else ""
            if col == 4:
                return f"{song.tempo:.0f} BPM" if song else ""
            if col == 5:
                return song.key.name if song else ""
            if col == 6:
                return _STATUS.get(e.status, e.status)
        if role == Qt.ItemDataRole.ForegroundRole:
            if e.status == "failed":
                return QColor("#E35D5D") if col in (1, 6) else QColor(MUTED)
            if playing and col in (0, 1):
                return QColor(GREEN)
            if col == 1:
                return QColor(TEXT)
            if col == 6 and e.status == "ready":
                return QColor(MUTED)
            return QColor(SUBTLE)
        if role == Qt.ItemDataRole.FontRole and col == 1:
            return self._bold if playing else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return e.error if e.status == "failed" else str(e.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return e
        return None

    # ------------------------------------------------------------------ drag and drop
    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDropEnabled
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME, "text/uri-list"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        md = QMimeData()
        md.setData(ROWS_MIME, json.dumps(rows).encode())
        return md

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,
                        column: int, parent: Index) -> bool:
        return data.hasFormat(ROWS_MIME) or data.hasUrls()

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,
                     column: int, parent: Index) -> bool:
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.player.queue)
        if data.hasFormat(ROWS_MIME):
            rows = json.loads(bytes(data.data(ROWS_MIME)).decode() or "[]")
            self.player.move(rows, row)
            return False  # the move is done: the view must not remove the source rows
        if data.hasUrls():
            paths = [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()]
            if paths:
                self._add_paths(paths, row)
                return True
        return False
