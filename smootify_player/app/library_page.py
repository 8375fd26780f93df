"""The Library page: the library's folders, a search with filters, the songs in a table."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..errors import one_line
from ..music.key import Key
from .i18n import key_name
from .icons import icon
from .library_access import LibraryAccess
from .library_model import LibraryModel
from .library_scan import SCAN_PRIORITY, LibraryScanner, Submit
from .library_watch import FolderWatcher
from .pages import song_table_key
from .widgets import file_dialog_options

__all__ = ["LibraryPage", "LibraryTable", "METERS", "SEARCH_DELAY_MS", "SEARCH_PRIORITY"]

#: Keystrokes and filter changes within this long make one search.
SEARCH_DELAY_MS = 150
#: The Worker priority of a search: above analysis further down the queue, below a join.
SEARCH_PRIORITY = 4
#: The meters the meter filter offers.
METERS = ("2/4", "3/4", "4/4", "5/4", "6/8", "7/8", "9/8", "12/8")
#: Column widths (0: shares the rest): title, credit, key, tempo, meter, length, status.
COLUMN_WIDTHS = (0, 0, 110, 90, 70, 70, 90)


class LibraryTable(QTableView):
    """The library's songs: Enter plays the current row (as a double-click does), Space is
    left to the window (play/pause), Tab leaves the table. Its empty state says how to fill
    the library."""

    #: The row Enter asked to play.
    play_requested = Signal(QModelIndex)

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueTable")  # the queue table's look
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setTabKeyNavigation(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setAccessibleName(self.tr("Library songs"))
        self.setAccessibleDescription(self.tr("Enter plays the current song; the menu queues "
                                              "it, plays it next or starts a radio from it"))
        vh = self.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # 10,000 rows lay out at once
        vh.setDefaultSectionSize(34)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col, w in enumerate(COLUMN_WIDTHS):
            if w:
                hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
                self.setColumnWidth(col, w)
            else:
                hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        hh.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        hh.setSortIndicatorShown(True)
        self.setSortingEnabled(True)  # a header click: the model asks the library again
        self.empty = QLabel(self.tr("No songs here yet.\nAdd a folder of MIDI files to the "
                                    "library, or change the search."), self.viewport())
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        model.modelReset.connect(self._rows_changed)
        self._rows_changed()

    def _rows_changed(self) -> None:
        self.empty.setVisible(self.model().rowCount() == 0)
        self.empty.setGeometry(self.viewport().rect().adjusted(24, 0, -24, 0))

    def resizeEvent(self, ev: Any) -> None:
        super().resizeEvent(ev)
        self.empty.setGeometry(self.viewport().rect().adjusted(24, 0, -24, 0))

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if not song_table_key(self, ev):
            super().keyPressEvent(ev)


class LibraryPage(QWidget):
    """YOUR LIBRARY: the folders (add, remove, each scanned in the background with a count),
    a search box and filters (key, tempo range, meter), and the songs found, sortable by
    column. The library is read in Worker jobs (``submit``); their results come back on the
    UI thread. What the listener asks for a song (play, queue, play next, radio) is emitted
    as paths for the window to do."""

    #: Queue these files and play the first.
    play_requested = Signal(list)
    #: Queue these files at the end.
    queue_requested = Signal(list)
    #: Queue these files after the song playing.
    next_requested = Signal(list)
    #: Queue this file and start a radio from it.
    radio_requested = Signal(str)
    #: A one-line notice for the window: (text, error).
    notice = Signal(str, bool)

    def __init__(self, library: LibraryAccess | None, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.submit = submit
        self.loads = 0  # search results shown so far (tests wait on it)
        self._asked = 0  # the latest search asked: older answers are dropped
        self._answered = 0  # the search whose answer is shown
        self._sort = ("title", False)
        self._counts: dict[str, int] = {}
        self.folders: list[str] = []
        self._added: set[str] = set()  # folders the listener added: a notice when scanned
        self._starting = False  # the start's rescan is reading the folders
        self.scanner = LibraryScanner(library, submit, self) if library is not None else None
        self.watcher = FolderWatcher(parent=self)  # a change on disk: that folder rescanned
        self.watcher.changed.connect(lambda folder: self.rescan(folder, forget_gone=True))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(28, 24, 28, 16)
        lay.setSpacing(10)
        for text, name in ((self.tr("YOUR MUSIC"), "kicker"), (self.tr("Library"), "pageTitle")):
            lab = QLabel(text)
            lab.setObjectName(name)
            lay.addWidget(lab)
        self.meta = QLabel("")
        self.meta.setObjectName("pageMeta")
        lay.addWidget(self.meta)
        lay.addLayout(self._folder_row())
        lay.addLayout(self._filter_row())
        self.model = LibraryModel(self)
        self.model.sort_requested.connect(self._sort_requested)
        self.table = LibraryTable(self.model)
        self.table.doubleClicked.connect(self.play_index)
        self.table.play_requested.connect(self.play_index)
        self.table.customContextMenuRequested.connect(self._row_menu)
        lay.addWidget(self.table, 1)
        if self.scanner is not None:
            self.scanner.progress.connect(self._show_progress)
            self.scanner.scanned.connect(self._scanned)
            self.scanner.removed.connect(lambda _folder: self.refresh())
            self.scanner.failed.connect(self._failed)
            self.scanner.removed.connect(self.watcher.unwatch)
        else:
            for w in (self.add_btn, self.remove_btn):
                w.setEnabled(False)
        self._show_meta()

    # ------------------------------------------------------------------ layout
    def _folder_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.folder_list = QListWidget()
        self.folder_list.setObjectName("folders")
        self.folder_list.setAccessibleName(self.tr("Library folders"))
        self.folder_list.setToolTip(self.tr("The folders the library indexes"))
        self.folder_list.setMaximumHeight(84)
        self.folder_list.itemSelectionChanged.connect(self._folder_selected)
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        self.add_btn = QPushButton(self.tr("Add folder to library…"))
        self.add_btn.setObjectName("pageButton")
        self.add_btn.setIcon(icon("folder"))
        self.add_btn.setAccessibleName(self.tr("Add folder to library"))
        self.add_btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.add_btn.clicked.connect(self.add_folder_dialog)
        self.remove_btn = QPushButton(self.tr("Remove"))
        self.remove_btn.setObjectName("pageButton")
        self.remove_btn.setIcon(icon("trash"))
        self.remove_btn.setAccessibleName(self.tr("Remove the folder from the library"))
        self.remove_btn.setToolTip(self.tr("Forget the selected folder (its files stay on disk)"))
        self.remove_btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.remove_btn.setEnabled(False)
        self.remove_btn.clicked.connect(self.remove_selected_folder)
        buttons.addWidget(self.add_btn)
        buttons.addWidget(self.remove_btn)
        buttons.addStretch(1)
        self.status_label = QLabel("")
        self.status_label.setObjectName("pageMeta")
        buttons.addWidget(self.status_label)
        row.addWidget(self.folder_list, 1)
        row.addLayout(buttons)
        return row

    def _filter_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(10)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search: title or credit"))
        self.search.setAccessibleName(self.tr("Search the library"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.search_soon)
        self.key_filter = QComboBox()
        self.key_filter.addItem(self.tr("Any key"), None)
        for minor in (False, True):
            for tonic in range(12):
                self.key_filter.addItem(key_name(Key(tonic, minor)), tonic + 12 * minor)
        self.key_filter.setAccessibleName(self.tr("Key"))
        self.key_filter.setToolTip(self.tr("Only songs in this key"))
        self.tempo_min = self._tempo_box(self.tr("Slowest tempo"))
        self.tempo_max = self._tempo_box(self.tr("Fastest tempo"))
        self.meter_filter = QComboBox()
        self.meter_filter.addItem(self.tr("Any meter"), None)
        for m in METERS:
            self.meter_filter.addItem(m, m)
        self.meter_filter.setAccessibleName(self.tr("Meter"))
        self.meter_filter.setToolTip(self.tr("Only songs mostly in this meter"))
        for combo in (self.key_filter, self.meter_filter):
            combo.currentIndexChanged.connect(self.search_soon)
        row.addWidget(self.search, 1)
        row.addWidget(self.key_filter)
        row.addWidget(QLabel(self.tr("Tempo")))
        row.addWidget(self.tempo_min)
        row.addWidget(QLabel("–"))
        row.addWidget(self.tempo_max)
        row.addWidget(self.meter_filter)
        return row

    def _tempo_box(self, name: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 400)
        box.setSingleStep(5)
        box.setSpecialValueText(self.tr("any"))  # 0: no limit
        box.setSuffix(" BPM")
        box.setAccessibleName(name)
        box.setToolTip(self.tr("{name} (BPM; any: no limit)").format(name=name))
        box.valueChanged.connect(self.search_soon)
        return box

    @property
    def focus_chain(self) -> list[QWidget]:
        """The page's controls in Tab order."""
        return [self.folder_list, self.add_btn, self.remove_btn, self.search, self.key_filter,
                self.tempo_min, self.tempo_max, self.meter_filter, self.table]

    # ------------------------------------------------------------------ searching
    def filters(self) -> dict[str, Any]:
        """``Library.search``'s arguments for the search box and the filters."""
        out: dict[str, Any] = {"include": "all", "sort": self._sort[0],
                               "descending": self._sort[1]}
        key = self.key_filter.currentData()
        if key is not None:
            out["key"] = int(key)
        lo, hi = self.tempo_min.value(), self.tempo_max.value()
        if lo or hi:
            out["tempo"] = (float(lo), float(hi) if hi else 10_000.0)
        meter = self.meter_filter.currentData()
        if meter is not None:
            out["meter"] = str(meter)
        return out

    def filtered(self) -> bool:
        """The search box or a filter narrows the songs shown."""
        return bool(self.search.text().strip()) or any(
            k in self.filters() for k in ("key", "tempo", "meter"))

    @property
    def searching(self) -> bool:
        """A search waits for its timer or for its answer."""
        return self._search_timer.isActive() or self._answered != self._asked

    def search_soon(self, *_: Any) -> None:
        """Search after :data:`SEARCH_DELAY_MS` without a further change (keystrokes
        coalesce)."""
        self._search_timer.start()

    def showEvent(self, ev: Any) -> None:
        super().showEvent(ev)
        self.refresh()

    def _exists(self) -> bool:
        """The library has a database (reading never creates one)."""
        return self.library is not None and (self.library.opened or self.library.path.exists())

    def refresh(self, *_: Any) -> None:
        """Read the folders and search again (in the background), then show what is found."""
        self._search_timer.stop()
        if self.library is None or not self._exists():
            return
        self._asked += 1
        asked, access = self._asked, self.library
        text, filters = self.search.text().strip() or None, self.filters()

        def job() -> tuple[list[str], list[Any], dict[str, int]]:
            lib = access.library()
            counts = {s: lib.count(s) for s in ("ok", "broken", "missing")}
            return lib.folders(), lib.search(text, **filters), counts

        def done(result: Any, error: BaseException | None) -> None:
            if asked != self._asked:
                return  # a newer search is on its way
            self._answered = asked
            if error is not None:
                self.notice.emit(self.tr("Could not read the library: {reason}").format(
                    reason=one_line(error)), True)
                return
            self.show_results(*result)

        self.submit(job, done, SEARCH_PRIORITY)

    def show_results(self, folders: list[str], records: list[Any],
                     counts: dict[str, int]) -> None:
        """Show the library's folders, the songs found and the counts."""
        self._set_folders(folders)
        self.model.set_records(records)
        self._counts = dict(counts, shown=len(records))
        self._show_meta()
        self.loads += 1

    def _sort_requested(self, column: str, descending: bool) -> None:
        if (column, descending) != self._sort:
            self._sort = (column, descending)
            self.refresh()

    def _show_meta(self) -> None:
        c = self._counts
        ok, folders = c.get("ok", 0), len(self.folders)
        parts = [self.tr("1 song") if ok == 1 else self.tr("{n} songs").format(n=ok),
                 self.tr("1 folder") if folders == 1
                 else self.tr("{n} folders").format(n=folders)]
        if c.get("broken"):
            parts.append(self.tr("{n} broken").format(n=c["broken"]))
        if c.get("missing"):
            parts.append(self.tr("{n} missing").format(n=c["missing"]))
        if self.filtered():
            parts.append(self.tr("{n} found").format(n=c.get("shown", 0)))
        self.meta.setText(" · ".join(parts))

    # ------------------------------------------------------------------ folders
    def _set_folders(self, folders: list[str]) -> None:
        selected = self.selected_folder()
        self.folders = list(folders)
        self.folder_list.clear()
        self.folder_list.addItems(self.folders)
        if selected in self.folders:
            self.folder_list.setCurrentRow(self.folders.index(selected))
        self._folder_selected()

    def selected_folder(self) -> str | None:
        """The folder selected in the list, if any."""
        item = self.folder_list.currentItem()
        return item.text() if item is not None and item.isSelected() else None

    def _folder_selected(self) -> None:
        self.remove_btn.setEnabled(self.scanner is not None and bool(self.selected_folder()))

    def add_folder_dialog(self) -> None:
        """"Add folder to library…": the platform's folder dialog."""
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add folder to library"),
                                                  str(Path.home()),
                                                  options=file_dialog_options(folder=True))
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str | os.PathLike[str]) -> None:
        """Add ``folder`` to the library and scan it in the background (again when known)."""
        if self.scanner is None:
            return
        path = os.path.abspath(os.fspath(folder))
        if path not in self.folders:
            self._set_folders([*self.folders, path])
        self._added.add(path)
        self.scanner.scan(path)

    def remove_selected_folder(self) -> None:
        """Forget the folder selected (its files stay on disk)."""
        folder = self.selected_folder()
        if folder is not None:
            self.remove_folder(folder)

    def remove_folder(self, folder: str) -> None:
        """Forget ``folder`` and its songs (in the background; a scan of it stops)."""
        if self.scanner is None:
            return
        self._set_folders([f for f in self.folders if f != folder])
        self._added.discard(folder)
        self.watcher.unwatch(folder)
        self.scanner.remove(folder)

    def start(self) -> None:
        """At start: rescan every library folder in the background (low priority), then
        watch them (a window whose library has no database yet creates none)."""
        if self.scanner is None or not self._exists():
            return
        access = self.library
        assert access is not None
        self._starting = True

        def done(folders: Any, error: BaseException | None) -> None:
            self._starting = False
            if error is not None:
                self._failed(one_line(error))
                return
            for folder in folders:
                self.rescan(folder)

        self.submit(lambda: list(access.library().folders()), done, SCAN_PRIORITY)

    @property
    def busy(self) -> bool:
        """Scans are running or waiting (the start's rescan included)."""
        return self._starting or (self.scanner is not None and self.scanner.busy)

    def rescan(self, folder: str, forget_gone: bool = False) -> None:
        """Scan a library folder again in the background (the page refreshes after)."""
        if self.scanner is not None:
            self.scanner.scan(folder, forget_gone)

    def _show_progress(self, folder: str, done: int, total: int) -> None:
        text = (self.tr("Indexing… {done} / {total}").format(done=done, total=total)
                if total > 0 else self.tr("Indexing…"))
        self.status_label.setText(text)
        self.status_label.setToolTip(folder)

    def _scanned(self, folder: str, report: Any, dirs: Any) -> None:
        if self.scanner is None or not self.scanner.busy:
            self.status_label.setText("")
            self.status_label.setToolTip("")
        if not (self.scanner is not None and ("remove", folder) in self.scanner.waiting):
            self.watcher.watch(folder, dirs)  # subfolders made since are watched too
        if folder in self._added:
            self._added.discard(folder)
            self.notice.emit(self.tr("{name}: {n} MIDI files indexed").format(
                name=Path(folder).name or folder, n=report.seen), False)
        if self.isVisible():  # else the page reads the library when it shows
            self.refresh()

    def _failed(self, reason: str) -> None:
        if self.scanner is None or not self.scanner.busy:
            self.status_label.setText("")
        self.notice.emit(self.tr("Could not index the library: {reason}").format(
            reason=reason), True)
        if self.isVisible():
            self.refresh()

    def close_scans(self) -> None:
        """Stop the running scan and drop those waiting (the window is closing)."""
        if self.scanner is not None:
            self.scanner.stop()

    # ------------------------------------------------------------------ songs
    def paths_at(self, index: QModelIndex) -> list[str]:
        """The files a row action is for: the selected rows when ``index`` is one of them,
        else the row at ``index``."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if index.row() not in rows:
            rows = [index.row()]
        return [r.path for r in map(self.model.record, rows) if r is not None]

    def play_index(self, index: QModelIndex) -> None:
        """Double-click or Enter: queue the song and play it."""
        record = self.model.record(index.row())
        if record is not None:
            self.play_requested.emit([record.path])

    def _row_menu(self, pos: Any) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.row_menu(index).exec(self.table.viewport().mapToGlobal(pos))

    def row_menu(self, index: QModelIndex) -> QMenu:
        """The menu of the song at ``index``: add to queue, play next, start radio."""
        menu = QMenu(self)
        paths = self.paths_at(index)
        record = self.model.record(index.row())

        def emit(signal: Any, arg: Any) -> Callable[[], None]:
            return lambda: signal.emit(arg)

        menu.addAction(icon("add"), self.tr("Add to queue"), emit(self.queue_requested, paths))
        menu.addAction(icon("next"), self.tr("Play next"), emit(self.next_requested, paths))
        if record is not None:
            menu.addAction(icon("radio"), self.tr("Start radio"),
                           emit(self.radio_requested, record.path))
        return menu
