"""The join-ratings page: mean opinion score ± SD per method and join mode, charted and listed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..errors import one_line
from ..player.view import JOIN_NAMES
from .i18n import join_name, translate
from .library_access import LibraryAccess
from .theme import ACCENT, MUTED, SUBTLE, TEXT

__all__ = ["MosChart", "RatingsPage", "method_name", "mode_name", "SCALE"]

# The opinion scale: 1 (bad) to 5 (excellent).
SCALE = 5
# Which ratings the page shows: its filter's choices and ``Ratings.results``'s ``test``.
WHICH = ("all", "tests", "everyday")
_TEST_ARG: dict[str, bool | None] = {"all": None, "tests": True, "everyday": False}

# One chart bar or table row: (method label, join label, MOS, SD, count).
Row = tuple[str, str, float, float, int]


def method_name(method: str | None) -> str:
    """A mix-point method's short name in the app's language (None: every method)."""
    names = {"smart": translate("RatingsPage", "Smart"), "jsd": "JSD", "dtw": "DTW",
             "random": translate("RatingsPage", "Random")}
    if method is None:
        return translate("RatingsPage", "All")
    return names.get(method, method)


def mode_name(mode: str | None) -> str:
    """A join mode stored with a rating (``unet``, ``rule``, ``crossfade``, ``none``) in the
    app's language (None: every mode)."""
    if mode is None:
        return translate("RatingsPage", "All")
    return join_name(JOIN_NAMES.get(mode, (mode, ""))[0])


def table_rows(results: dict[str, list[dict[str, Any]]]) -> list[Row]:
    """The rows of ``Ratings.results``: each method and mode, each method, each mode, all."""
    return [(method_name(r["method"]), mode_name(r["mode"]), float(r["mos"]), float(r["std"]),
             int(r["n"]))
            for group in ("by_method_mode", "by_method", "by_mode", "all")
            for r in results.get(group, [])]


class MosChart(QWidget):
    """Horizontal bars, one per method and join mode: the mean opinion score on the 1-5 scale,
    a whisker for ± one standard deviation, and the score and count written beside it."""

    ROW_H = 30.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self.bars: list[QRectF] = []  # where the last paint drew each bar
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(120)
        self.setAccessibleName(self.tr("Mean opinion score chart"))

    def set_rows(self, rows: list[Row]) -> None:
        """Show ``rows`` (label parts, MOS, SD, count)."""
        self.rows = list(rows)
        self.setMinimumHeight(int(max(120.0, 24 + self.ROW_H * len(self.rows))))
        self.setAccessibleDescription("; ".join(
            f"{m} · {j}: {mos:.2f} ± {sd:.2f} ({n})" for m, j, mos, sd, n in self.rows))
        self.updateGeometry()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect())
        self.bars = []
        if not self.rows:
            p.setPen(QColor(MUTED))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter,
                       self.tr("No ratings yet: rate joins from the player bar"))
            p.end()
            return
        fm = QFontMetricsF(self.font())
        labels = [f"{m} · {j}" for m, j, *_ in self.rows]
        texts = [f"{mos:.2f} ± {sd:.2f} ({n})" for *_, mos, sd, n in self.rows]
        left = max(fm.horizontalAdvance(t) for t in labels) + 16
        right = max(fm.horizontalAdvance(t) for t in texts) + 16
        x0, x1 = left, max(left + 40, r.width() - right)

        def x(score: float) -> float:
            return x0 + max(0.0, min(score, SCALE)) / SCALE * (x1 - x0)

        bottom = 4 + self.ROW_H * len(self.rows)
        p.setPen(QPen(QColor("#333333"), 1))
        for tick in range(1, SCALE + 1):  # the scale's grid, numbered under the bars
            p.drawLine(int(x(tick)), 4, int(x(tick)), int(bottom))
        p.setPen(QColor(SUBTLE))
        for tick in range(1, SCALE + 1):
            p.drawText(QRectF(x(tick) - 10, bottom + 2, 20, 16), Qt.AlignmentFlag.AlignCenter,
                       str(tick))
        for i, ((_m, _j, mos, sd, _n), label, text) in enumerate(zip(self.rows, labels, texts)):
            y = 4 + i * self.ROW_H
            bar = QRectF(x0, y + 7, x(mos) - x0, self.ROW_H - 14)
            self.bars.append(bar)
            p.setPen(QColor(TEXT))
            p.drawText(QRectF(0, y, left - 8, self.ROW_H),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(ACCENT))
            p.drawRoundedRect(bar, 3, 3)
            if sd > 0:  # the whisker: ± one standard deviation
                cy = bar.center().y()
                p.setPen(QPen(QColor(TEXT), 1.5))
                a, b = x(mos - sd), x(mos + sd)
                p.drawLine(int(a), int(cy), int(b), int(cy))
                for end in (a, b):
                    p.drawLine(int(end), int(cy - 5), int(end), int(cy + 5))
            p.setPen(QColor(SUBTLE))
            p.drawText(QRectF(x1 + 8, y, right, self.ROW_H),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        p.end()


class RatingsPage(QWidget):
    """JOIN RATINGS: which ratings (all, listening tests, everyday listening), the chart, the
    table and the CSV export. The library is read and written in background jobs
    (``submit``, the Worker's); what they find comes back on the UI thread."""

    # A one-line notice for the window: (text, error).
    notice = Signal(str, bool)

    def __init__(self, library: LibraryAccess | None,
                 submit: Callable[[Callable[[], Any], Callable[[Any, BaseException | None],
                                                               None], int], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.submit = submit
        self.loads = 0  # results shown so far (tests wait on it)
        self._asked = 0  # the latest refresh asked: older answers are dropped
        self._count = 0  # ratings the results count
        self._test: str | None = None  # the listening test running
        lay = QVBoxLayout(self)
        lay.setContentsMargins(28, 24, 28, 16)
        lay.setSpacing(10)
        for text, name in ((self.tr("LISTENING TEST"), "kicker"),
                           (self.tr("Join ratings"), "pageTitle")):
            lab = QLabel(text)
            lab.setObjectName(name)
            lay.addWidget(lab)
        self.meta = QLabel("")
        self.meta.setObjectName("pageMeta")
        self.meta.setWordWrap(True)
        lay.addWidget(self.meta)
        lay.addLayout(self._actions())
        self.chart = MosChart()
        lay.addWidget(self.chart)
        self.table = self._table()
        lay.addWidget(self.table, 1)
        self._show_meta()

    def _actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.which = QComboBox()
        self.which.addItem(self.tr("All ratings"), "all")
        self.which.addItem(self.tr("Listening tests"), "tests")
        self.which.addItem(self.tr("Everyday listening"), "everyday")
        self.which.setAccessibleName(self.tr("Which ratings"))
        self.which.setToolTip(self.tr("Which ratings the results count"))
        self.which.currentIndexChanged.connect(self.refresh)
        self.export_btn = QPushButton(self.tr("Export CSV…"))
        self.export_btn.setObjectName("pageButton")
        self.export_btn.setAccessibleName(self.tr("Export the ratings as CSV"))
        self.export_btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.export_btn.clicked.connect(self.export_dialog)
        row.addWidget(self.which)
        row.addWidget(self.export_btn)
        row.addStretch(1)
        return row

    def _table(self) -> QTableWidget:
        t = QTableWidget(0, 5)
        t.setObjectName("queueTable")  # the queue table's look
        t.setHorizontalHeaderLabels([self.tr("Method"), self.tr("Join"), self.tr("MOS"),
                                     self.tr("± SD"), self.tr("Ratings")])
        for col in (2, 3, 4):  # numbers: right-aligned, their headings too
            heading = t.horizontalHeaderItem(col)  # set just above
            if heading is not None:
                heading.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                         | Qt.AlignmentFlag.AlignVCenter)
        t.setAccessibleName(self.tr("Mean opinion scores"))
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setTabKeyNavigation(False)
        t.setShowGrid(False)
        t.verticalHeader().hide()
        hh = t.horizontalHeader()
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return t

    @property
    def which_test(self) -> bool | None:
        """``Ratings``' ``test`` argument for the filter chosen."""
        return _TEST_ARG[self.which.currentData() or "all"]

    def showEvent(self, ev: Any) -> None:
        super().showEvent(ev)
        self.refresh()

    def set_test(self, name: str | None) -> None:
        """Say whether a listening test is running (its name) or not."""
        self._test = name
        self._show_meta()

    def refresh(self, *_: Any) -> None:
        """Read the results again (in the background) and show them."""
        if self.library is None:
            return
        self._asked += 1
        asked, ratings, test = self._asked, self.library.ratings, self.which_test

        def job() -> dict[str, list[dict[str, Any]]]:
            return dict(ratings().results(test=test))

        def done(results: Any, error: BaseException | None) -> None:
            if asked != self._asked:
                return  # a newer refresh is on its way
            if error is not None:
                self.notice.emit(self.tr("Could not read the ratings: {reason}").format(
                    reason=one_line(error)), True)
                return
            self.show_results(results)

        self.submit(job, done, 1)

    def show_results(self, results: dict[str, list[dict[str, Any]]]) -> None:
        """Fill the chart (each method and mode) and the table (every group)."""
        rows = table_rows(results)
        per_pair = table_rows({"by_method_mode": results.get("by_method_mode", [])})
        self.chart.set_rows(per_pair)
        self.table.setRowCount(len(rows))
        for i, (method, mode, mos, sd, n) in enumerate(rows):
            for col, text in enumerate((method, mode, f"{mos:.2f}", f"{sd:.2f}", str(n))):
                item = QTableWidgetItem(text)
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, col, item)
        total = results.get("all") or []
        self._count = int(total[0]["n"]) if total else 0
        self._show_meta()
        self.loads += 1

    def _show_meta(self) -> None:
        count, test = self._count, self._test
        parts = [self.tr("1 rating") if count == 1
                 else self.tr("{n} ratings").format(n=count)]
        parts.append(self.tr("listening test running: {name}").format(name=test) if test
                     else self.tr("no listening test running"))
        self.meta.setText(" · ".join(parts))

    def export_dialog(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Export the ratings"),
                                                str(Path.home() / "smootify-ratings.csv"),
                                                self.tr("CSV file") + " (*.csv)")
        if target:
            self.export_csv(Path(target))

    def export_csv(self, target: Path) -> None:
        """Write the ratings the filter lets through (with their plans) as CSV, in the
        background; a notice says how many."""
        if self.library is None:
            return
        if target.suffix.lower() != ".csv":
            target = target.with_suffix(".csv")
        ratings, test = self.library.ratings, self.which_test

        def job() -> int:
            return int(ratings().export_csv(target, test=test))

        def done(n: Any, error: BaseException | None) -> None:
            if error is not None:
                self.notice.emit(self.tr("Could not export the ratings: {reason}").format(
                    reason=one_line(error)), True)
            else:
                self.notice.emit(self.tr("{n} ratings exported to {name}").format(
                    n=n, name=target.name), False)

        self.submit(job, done, 1)
