"""The queue as a Qt table model over the Player's queue: columns, drag-and-drop, reordering.

The model keeps its own list of the rows' uids and, when the Player says the queue changed,
turns the difference into row signals (removals, one moved block or a new order, insertions)
rather than a reset, so the table keeps its selection and scroll position.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from ..player import Player, QueueEntry
from ..player.states import PlayerEvent
from .i18n import QT_TRANSLATE_NOOP, key_name
from .theme import ACCENT, MUTED, SUBTLE, TEXT

__all__ = ["QueueModel", "COLUMNS", "ROWS_MIME", "Edit", "diff_rows"]

COLUMNS = ("#", QT_TRANSLATE_NOOP("Queue", "Title"), QT_TRANSLATE_NOOP("Queue", "Credit"),
           QT_TRANSLATE_NOOP("Queue", "Length"), QT_TRANSLATE_NOOP("Queue", "Tempo"),
           QT_TRANSLATE_NOOP("Queue", "Key"), QT_TRANSLATE_NOOP("Queue", "Status"))
ROWS_MIME = "application/x-smootify-queue-rows"
_STATUS = {"waiting": QT_TRANSLATE_NOOP("Queue", "Waiting"),
           "analysing": QT_TRANSLATE_NOOP("Queue", "Analysing…"),
           "ready": QT_TRANSLATE_NOOP("Queue", "Ready"),
           "failed": QT_TRANSLATE_NOOP("Queue", "Failed")}
translate = QCoreApplication.translate

Index = QModelIndex | QPersistentModelIndex

#: One step from the old rows to the new: ("remove", first, last), ("move", first, last,
#: destination) in Qt's ``beginMoveRows`` terms, ("order", uids) for any other permutation,
#: ("insert", row, uids). Applied in the order given, each on the result of the one before.
Edit = tuple[Any, ...]


def _length(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def diff_rows(old: list[int], new: list[int]) -> list[Edit]:
    """The row edits that turn the uid list ``old`` into ``new`` (uids are unique).

    Removed rows go first (bottom up, contiguous runs together), then the rows both lists
    share are reordered (one moved block when that is all it takes, else a new order), then
    new rows are inserted (top down, contiguous runs together).
    """
    new_set, old_set = set(new), set(old)
    edits: list[Edit] = []
    row = len(old) - 1
    while row >= 0:  # removals, bottom up
        if old[row] in new_set:
            row -= 1
            continue
        last = row
        while row >= 0 and old[row] not in new_set:
            row -= 1
        edits.append(("remove", row + 1, last))
    kept = [u for u in old if u in new_set]
    wanted = [u for u in new if u in old_set]
    if kept != wanted:
        edits.append(_reorder(kept, wanted))
    row = 0
    while row < len(new):  # insertions, top down
        if new[row] in old_set:
            row += 1
            continue
        first = row
        while row < len(new) and new[row] not in old_set:
            row += 1
        edits.append(("insert", first, new[first:row]))
    return edits


def _reorder(kept: list[int], wanted: list[int]) -> Edit:
    """One moved block if ``wanted`` is ``kept`` with a block moved, else the new order."""
    n = len(kept)
    lo = 0
    while kept[lo] == wanted[lo]:
        lo += 1
    hi = n
    while kept[hi - 1] == wanted[hi - 1]:
        hi -= 1
    a, b = kept[lo:hi], wanted[lo:hi]
    k = a.index(b[0])
    if a[k:] + a[:k] != b:
        return ("order", list(wanted))
    if k <= len(a) - k:  # a[:k] moves down, below a[k:]
        return ("move", lo, lo + k - 1, hi)
    return ("move", lo + k, hi - 1, lo)  # a[k:] moves up, above a[:k]


class QueueModel(QAbstractTableModel):
    """Rows are ``player.queue``; dropping files adds them, dragging rows reorders."""

    def __init__(self, player: Player, add_paths: Callable[[list[Path], int | None], None],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.player = player
        self._add_paths = add_paths
        self._bold = QFont()
        self._bold.setBold(True)
        self._uids = [e.uid for e in player.queue]  # the rows as the view knows them
        self._current = player.current.uid if player.current else None
        player.listeners.append(self._on_player)

    # ------------------------------------------------------------------ player events
    def _on_player(self, kind: str, payload: Any) -> None:
        if kind == PlayerEvent.QUEUE:
            self.sync()
        elif kind == PlayerEvent.ENTRY:
            self._row_changed(self._row(payload.uid))
        elif kind == PlayerEvent.CURRENT:
            old, self._current = self._current, payload.uid if payload else None
            if old != self._current:
                self._row_changed(self._row(old))
                self._row_changed(self._row(self._current))

    def _row(self, uid: int | None) -> int | None:
        try:
            return self._uids.index(uid) if uid is not None else None
        except ValueError:
            return None

    def _row_changed(self, row: int | None, first_col: int = 0,
                     last_col: int = len(COLUMNS) - 1, last_row: int | None = None) -> None:
        if row is not None and 0 <= row < len(self._uids):
            end = row if last_row is None else last_row
            self.dataChanged.emit(self.index(row, first_col), self.index(end, last_col))

    def entry(self, row: int) -> QueueEntry | None:
        """The entry the view shows at ``row``."""
        if 0 <= row < len(self._uids):
            return self.player.play_queue.get(self._uids[row])
        return None

    def sync(self) -> None:
        """Bring the rows in line with ``player.queue`` through row signals, not a reset."""
        new = [e.uid for e in self.player.queue]
        old = self._uids
        if new == old:
            return
        first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b),
                     min(len(old), len(new)))
        root = QModelIndex()
        for edit in diff_rows(old, new):
            op = edit[0]
            if op == "remove":
                self.beginRemoveRows(root, edit[1], edit[2])
                del self._uids[edit[1]:edit[2] + 1]
                self.endRemoveRows()
            elif op == "move":
                self._move(*edit[1:])
            elif op == "order":
                self._relayout(edit[1])
            else:
                self.beginInsertRows(root, edit[1], edit[1] + len(edit[2]) - 1)
                self._uids[edit[1]:edit[1]] = edit[2]
                self.endInsertRows()
        assert self._uids == new
        self._row_changed(first, 0, 0, len(self._uids) - 1)  # the "#" column renumbers

    def _move(self, first: int, last: int, to: int) -> None:
        self.beginMoveRows(QModelIndex(), first, last, QModelIndex(), to)
        block = self._uids[first:last + 1]
        del self._uids[first:last + 1]
        at = to if to < first else to - len(block)
        self._uids[at:at] = block
        self.endMoveRows()

    def _relayout(self, order: list[int]) -> None:
        """A new order of the same rows: persistent indexes (the selection) follow their rows."""
        self.layoutAboutToBeChanged.emit()
        rank = {uid: i for i, uid in enumerate(order)}
        before = self.persistentIndexList()
        after = [self.index(rank[self._uids[i.row()]], i.column()) for i in before]
        self._uids = list(order)
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ table
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._uids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("Queue", COLUMNS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (0, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        e = self.entry(index.row()) if index.isValid() else None
        if e is None:
            return None
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
                return key_name(song.key) if song else ""
            if col == 6:
                return translate("Queue", _STATUS.get(e.status, e.status))
        if role == Qt.ItemDataRole.ForegroundRole:
            if e.status == "failed":
                return QColor("#E35D5D") if col in (1, 6) else QColor(MUTED)
            if playing and col in (0, 1):
                return QColor(ACCENT)
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
        if not index.isValid():  # the space below the rows: files and rows drop there
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDropEnabled
                | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME, "text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
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
            row = parent.row() if parent.isValid() else len(self._uids)
        if data.hasFormat(ROWS_MIME):
            rows = json.loads(bytes(data.data(ROWS_MIME).data()).decode() or "[]")
            self.player.move(rows, row)
            return False  # the move is done: the view must not remove the source rows
        if data.hasUrls():
            paths = [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()]
            if paths:
                self._add_paths(paths, row)
                return True
        return False
