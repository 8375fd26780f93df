"""The library's songs as a Qt table model over ``SongRecord`` rows from a library search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from .i18n import QT_TRANSLATE_NOOP, reason_text
from .theme import MUTED, SUBTLE, TEXT

__all__ = ["LibraryModel", "LIBRARY_COLUMNS", "SORT_KEYS", "fmt_length"]

LIBRARY_COLUMNS = (QT_TRANSLATE_NOOP("Library", "Title"), QT_TRANSLATE_NOOP("Library", "Credit"),
                   QT_TRANSLATE_NOOP("Library", "Key"), QT_TRANSLATE_NOOP("Library", "Tempo"),
                   QT_TRANSLATE_NOOP("Library", "Meter"), QT_TRANSLATE_NOOP("Library", "Length"),
                   QT_TRANSLATE_NOOP("Library", "Status"))
#: ``Library.search``'s sort column for each table column.
SORT_KEYS = ("title", "credit", "key", "tempo", "meter", "duration", "status")
_STATUS = {"ok": "", "broken": QT_TRANSLATE_NOOP("Library", "Broken"),
           "missing": QT_TRANSLATE_NOOP("Library", "Missing")}
#: Right-aligned columns: the numbers.
_NUMBERS = (3, 5)
_BAD = "#E35D5D"

translate = QCoreApplication.translate
Index = QModelIndex | QPersistentModelIndex


def fmt_length(seconds: float | None) -> str:
    """m:ss of a song's length ("" when unknown)."""
    if seconds is None:
        return ""
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


class LibraryModel(QAbstractTableModel):
    """The rows of the last search, as the library returned them (sorted there).

    A click on a header (``QTableView`` with sorting on) calls :meth:`sort`, which asks for
    the search again in that order through :attr:`sort_requested`; the rows themselves are
    only replaced by :meth:`set_records`.
    """

    #: (library sort column, descending)
    sort_requested = Signal(str, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.records: list[Any] = []

    def set_records(self, records: Sequence[Any]) -> None:
        """Show ``records`` (``library.SongRecord``), replacing the rows."""
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def record(self, row: int) -> Any:
        """The ``SongRecord`` at ``row``, or None."""
        return self.records[row] if 0 <= row < len(self.records) else None

    # ------------------------------------------------------------------ table
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LIBRARY_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return translate("Library", LIBRARY_COLUMNS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole and section in _NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.record(index.row()) if index.isValid() else None
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.status != "ok":
                return QColor(_BAD) if col in (0, 6) else QColor(MUTED)
            return QColor(TEXT) if col == 0 else QColor(SUBTLE)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (r.error or r.path) if r.status != "ok" else r.path
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return r
        return None

    @staticmethod
    def _text(r: Any, col: int) -> str:
        if col == 0:
            return str(r.title)
        if col == 1:
            return r.credit or ""
        if col == 2:
            return reason_text(r.key) if r.key else ""
        if col == 3:
            return f"{r.tempo:.0f} BPM" if r.tempo is not None else ""
        if col == 4:
            return r.meter or ""
        if col == 5:
            return fmt_length(r.duration)
        status = _STATUS.get(r.status, r.status)
        return translate("Library", status) if status else ""

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The view asks for an order: the search runs again, sorted by the library."""
        if 0 <= column < len(SORT_KEYS):
            self.sort_requested.emit(SORT_KEYS[column],
                                     order == Qt.SortOrder.DescendingOrder)
