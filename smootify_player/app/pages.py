"""The window's parts: the sidebar, the home page (now playing) and the queue page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..player import NowPlaying, Player, QueueEntry
from .i18n import core_text, reason_text, translate
from .icons import icon, svg_pixmap
from .profiles import DEFAULT_NAME, swatch
from .queue_model import QueueModel
from .theme import ACCENT, SUBTLE
from .widgets import PianoRoll, tool_button

__all__ = ["Sidebar", "HomePage", "QueuePage", "QueueTable", "queue_table", "answer_copy",
           "copy_action", "song_table_key"]

#: Column widths of the queue table; 0: title and credit share the rest. The "#" column is
#: sized from the font (room for "10000"), see :func:`queue_table`.
COLUMN_WIDTHS = (56, 0, 0, 70, 90, 100, 112)


def label(text: str, name: str) -> QLabel:
    """A label styled by the theme through its object name."""
    lab = QLabel(text)
    lab.setObjectName(name)
    return lab


def _page_layout(page: QWidget, kicker: str, bottom: int, spacing: int) -> QVBoxLayout:
    """The layout of a main-pane page, with its small upper-case kicker line."""
    lay = QVBoxLayout(page)
    lay.setContentsMargins(28, 24, 28, bottom)
    lay.setSpacing(spacing)
    lay.addWidget(label(kicker, "kicker"))
    return lay


def _nav_button(icon_name: str, text: str, checkable: bool = True) -> QPushButton:
    b = QPushButton(text)
    b.setObjectName("nav")
    b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the focus ring shows for the keyboard only
    b.setIcon(icon(icon_name, SUBTLE, "#ffffff"))
    b.setIconSize(QSize(22, 22))
    b.setCheckable(checkable)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


def _pill(text: str, name: str, icon_name: str, color: str, accessible: str) -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.setAccessibleName(accessible)  # not the upper-case text, which may be read out spelled
    b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    b.setIcon(icon(icon_name, color, color))
    b.setIconSize(QSize(18, 18))
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


class Sidebar(QWidget):
    """The brand, the pages (Home, Your playlist, Library, Join ratings), the library
    actions, the audio hint."""

    page_requested = Signal(int)

    def __init__(self, actions: Sequence[tuple[str, str, Callable[[], Any]]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setFixedWidth(232)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 16, 12, 16)
        lay.setSpacing(4)
        lay.addLayout(self._brand())
        lay.addSpacing(18)
        self.nav = QButtonGroup(self)
        self.nav.setExclusive(True)
        self.nav_home = _nav_button("home", self.tr("Home"))
        self.nav_queue = _nav_button("playlist", self.tr("Your playlist"))
        self.nav_ratings = _nav_button("chart", self.tr("Join ratings"))
        self.nav_library = _nav_button("folder", self.tr("Library"))
        # the button's id is its page's index in the window's stack
        for i, b in ((0, self.nav_home), (1, self.nav_queue), (3, self.nav_library),
                     (2, self.nav_ratings)):
            self.nav.addButton(b, i)
            lay.addWidget(b)
        self.nav.idClicked.connect(self.page_requested)
        lay.addSpacing(20)
        lay.addWidget(label(self.tr("LIBRARY"), "sideSection"))
        lay.addSpacing(4)
        self.action_buttons: list[QPushButton] = []
        for icon_name, text, slot in actions:
            b = _nav_button(icon_name, text, checkable=False)
            b.setAccessibleName(text.rstrip("…"))
            b.clicked.connect(slot)
            lay.addWidget(b)
            self.action_buttons.append(b)
        lay.addStretch(1)
        self.listener = _nav_button("listen", "", checkable=False)
        self.listener.setObjectName("listener")
        self.listener.setToolTip(self.tr("Who's listening? Ratings are stored for this listener"))
        self.set_listener(DEFAULT_NAME, ACCENT)
        lay.addWidget(self.listener)
        self.audio_hint = label("", "nowSub")
        self.audio_hint.setWordWrap(True)
        lay.addWidget(self.audio_hint)

    def _brand(self) -> QHBoxLayout:
        brand = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(svg_pixmap("smootify", 34, self.devicePixelRatioF()))
        brand.addWidget(logo)
        brand.addWidget(label("Smootify", "brand"))
        brand.addStretch(1)
        return brand

    def set_page(self, i: int) -> None:
        button = self.nav.button(i)
        if button is not None:
            button.setChecked(True)

    def set_listener(self, name: str, colour: str) -> None:
        """Show who is listening: their colour and name (the default profile translated)."""
        shown = self.tr("Default") if name == DEFAULT_NAME else name
        text = self.tr("Listener: {name}").format(name=shown)
        self.listener.setText(text)
        self.listener.setAccessibleName(text)
        self.listener.setIcon(swatch(colour))

    def set_audio(self, name: str) -> None:
        self.audio_hint.setText(self.tr("Audio: silent clock (no device)") if name == "silent"
                                else self.tr("Audio: {name}").format(name=name))


class HomePage(QWidget):
    """NOW PLAYING: the title, the line under it, what plays next (a radio pick: and why),
    a big piano roll."""

    def __init__(self, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = _page_layout(self, self.tr("NOW PLAYING"), bottom=20, spacing=8)
        self.title = label(self.tr("Nothing playing yet"), "pageTitle")
        self.title.setWordWrap(True)
        self.sub = label("", "pageMeta")
        self.next = label("", "pageMeta")
        lay.addWidget(self.title)
        lay.addWidget(self.sub)
        lay.addWidget(self.next)
        lay.addSpacing(12)
        self.roll = PianoRoll(player)
        lay.addWidget(self.roll, 1)

    def show_now(self, np_: NowPlaying, up_next: QueueEntry | None) -> None:
        self.title.setText(np_.title or self.tr("Nothing playing yet"))
        self.sub.setText(core_text(np_.subtitle))
        if up_next is None:
            text = ""
        elif up_next.reason:  # a radio pick says why it follows
            text = self.tr("Up next: {title} · {reason}").format(
                title=up_next.title, reason=reason_text(up_next.reason))
        else:
            text = self.tr("Up next: {title}").format(title=up_next.title)
        if text != self.next.text():
            self.next.setText(text)
        self.roll.update()


class QueuePage(QWidget):
    """PLAYLIST: the queue's summary, its actions, the table and a piano roll under it.

    The buttons are attributes; the window connects them to what they do.
    """

    def __init__(self, player: Player, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = _page_layout(self, self.tr("PLAYLIST"), bottom=16, spacing=10)
        lay.addWidget(label(self.tr("Your playlist"), "pageTitle"))
        self.meta = label("", "pageMeta")
        lay.addWidget(self.meta)
        lay.addSpacing(8)
        lay.addLayout(self._actions(player.settings.repeat))
        lay.addSpacing(6)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.setHandleWidth(10)
        self.table = queue_table(model)
        split.addWidget(self.table)
        self.roll = PianoRoll(player)
        split.addWidget(self.roll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([470, 130])  # 9 rows at the default size (it was 6)
        lay.addWidget(split, 1)

    def _actions(self, repeat: bool) -> QHBoxLayout:
        actions = QHBoxLayout()
        actions.setSpacing(14)
        self.play_pill = _pill(self.tr("PLAY"), "playPill", "play", "#000000", self.tr("Play"))
        self.shuffle_pill = _pill(self.tr("SHUFFLE PLAY"), "shufflePill", "shuffle", "#ffffff",
                                  self.tr("Shuffle play"))
        actions.addWidget(self.play_pill)
        actions.addWidget(self.shuffle_pill)
        actions.addSpacing(8)
        self.shuffle_btn = tool_button("shuffle",
                                       self.tr("Shuffle (off restores the original order)"),
                                       22, checkable=True, accessible=self.tr("Shuffle"))
        self.order_btn = tool_button("flow", self.tr("Order for smooth flow: the order with "
                                                     "the smoothest joins (the song playing "
                                                     "stays first when it is at the top)"), 22,
                                     accessible=self.tr("Order for smooth flow"))
        self.repeat_btn = tool_button("repeat", self.tr("Repeat: continue from the top"), 22,
                                      checkable=True, accessible=self.tr("Repeat"))
        self.repeat_btn.setChecked(repeat)
        self.add_btn = tool_button("add", self.tr("Add files (Ctrl+O)"), 22,
                                   accessible=self.tr("Add files"))
        self.export_btn = tool_button("export", self.tr("Export the queue as M3U8"), 22)
        self.clear_btn = tool_button("clear", self.tr("Clear the queue"), 22)
        for b in (self.shuffle_btn, self.order_btn, self.repeat_btn, self.add_btn,
                  self.export_btn, self.clear_btn):
            actions.addWidget(b)
        actions.addStretch(1)
        self.status_label = label("", "pageMeta")
        actions.addWidget(self.status_label)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Filter: title, credit, key"))
        self.search.setToolTip(self.tr("Show only the songs that match (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Filter the queue"))
        self.search.setClearButtonEnabled(True)
        self.search.setFixedWidth(220)
        self.search.textChanged.connect(self.table_filter)
        actions.addWidget(self.search)
        return actions

    def table_filter(self, *_: Any) -> None:
        """Hide the rows that do not match the search box (all show when it is empty)."""
        self.table.set_filter(self.search.text())

    def _fix_pill_width(self) -> None:
        """PLAY and PAUSE take the same width: the row does not jump when they swap."""
        b = self.play_pill
        b.ensurePolished()
        text = b.text()
        widths = []
        for t in (self.tr("PLAY"), self.tr("PAUSE")):
            b.setText(t)
            widths.append(b.sizeHint().width())
        b.setText(text)
        b.setMinimumWidth(max(widths))

    def showEvent(self, ev: Any) -> None:
        super().showEvent(ev)
        self._fix_pill_width()

    def set_playing(self, playing: bool) -> None:
        self.play_pill.setText(self.tr("PAUSE") if playing else self.tr("PLAY"))
        self.play_pill.setAccessibleName(self.tr("Pause") if playing else self.tr("Play"))
        self.play_pill.setIcon(icon("pause" if playing else "play", "#000000", "#000000"))

    @staticmethod
    def set_quietly(button: Any, checked: bool) -> None:
        """Check or uncheck ``button`` without running what its toggle does."""
        button.blockSignals(True)
        button.setChecked(checked)
        button.blockSignals(False)


def copy_action(ev: QDropEvent) -> Qt.DropAction | None:
    """Copy, else Link, if the drag's source offers it; None when it offers neither."""
    for action in (Qt.DropAction.CopyAction, Qt.DropAction.LinkAction):
        if ev.possibleActions() & action:
            return action
    return None


def answer_copy(ev: QDropEvent) -> bool:
    """Answer a drop of files from another application with Copy (else Link), never Move: a
    file manager that honours Move would delete the files it dragged. Accepts the event and
    returns True, or ignores it (the source offers neither) and returns False."""
    action = copy_action(ev)
    if action is None:
        ev.ignore()
        return False
    ev.setDropAction(action)
    ev.accept()
    return True


def song_table_key(table: Any, ev: QKeyEvent) -> bool:
    """A table of songs' own keys: Space goes on to the window (play/pause), Enter plays the
    current row (``table.play_requested``). True when ``ev`` was one of them."""
    mods = ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if ev.key() == Qt.Key.Key_Space and mods == Qt.KeyboardModifier.NoModifier:
        ev.ignore()  # the window's play/pause
        return True
    if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and table.currentIndex().isValid():
        table.play_requested.emit(table.currentIndex())
        ev.accept()
        return True
    return False


class QueueTable(QTableView):
    """The queue's table view: rows dragged within it move; files dropped on it are copied
    (the answer to their source is Copy or Link, never Move).

    Keys: Enter plays the current row (as a double-click does); Space is left to the window
    (play/pause); Tab leaves the table (no tab navigation between cells).
    """

    #: The row Enter asked to play.
    play_requested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter_text = ""
        self._some_hidden = False
        self.empty = QLabel(self.viewport())  # the empty state, over the empty table
        self.empty.setObjectName("emptyState")
        self.empty.setText(self.tr("Your playlist is empty.\nDrop MIDI files, folders or "
                                   "M3U playlists here, or use Add files (Ctrl+O)."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.empty.hide()

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        for sig in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            sig.connect(self._rows_changed)
        for sig in (model.rowsMoved, model.layoutChanged):
            sig.connect(self._refilter)
        self._rows_changed()

    def _rows_changed(self, *_: Any) -> None:
        self.empty.setVisible(self.model().rowCount() == 0)
        self._place_empty()
        self._refilter()

    def _place_empty(self) -> None:
        self.empty.setGeometry(self.viewport().rect().adjusted(24, 0, -24, 0))

    def resizeEvent(self, ev: Any) -> None:
        super().resizeEvent(ev)
        self._place_empty()

    def set_filter(self, text: str) -> None:
        """Show only the rows whose title, credit or key contains ``text`` (any case)."""
        self.filter_text = text.strip().casefold()
        self._refilter()

    def _refilter(self, *_: Any) -> None:
        model, needle = self.model(), self.filter_text
        if model is None or (not needle and not self._some_hidden):
            return  # no filter and nothing hidden: nothing to do, however long the queue
        hidden = False
        for row in range(model.rowCount()):
            hide = bool(needle) and not any(
                needle in str(model.data(model.index(row, col)) or "").casefold()
                for col in (1, 2, 5))
            hidden |= hide
            if self.isRowHidden(row) != hide:
                self.setRowHidden(row, hide)
        self._some_hidden = hidden

    def visible_rows(self) -> list[int]:
        """The rows the filter lets through."""
        return [r for r in range(self.model().rowCount()) if not self.isRowHidden(r)]

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if not song_table_key(self, ev):
            super().keyPressEvent(ev)

    def _external(self, ev: QDropEvent) -> bool:
        return ev.source() is not self

    def dragEnterEvent(self, ev: QDragEnterEvent) -> None:
        super().dragEnterEvent(ev)
        if self._external(ev) and ev.isAccepted():
            answer_copy(ev)

    def dragMoveEvent(self, ev: QDragMoveEvent) -> None:
        super().dragMoveEvent(ev)
        if self._external(ev) and ev.isAccepted():
            answer_copy(ev)

    def dropEvent(self, ev: QDropEvent) -> None:
        if not self._external(ev):
            super().dropEvent(ev)
            return
        action = copy_action(ev)
        if action is None:
            ev.ignore()
            return
        ev.setDropAction(action)  # not accepted yet: the view drops only unaccepted events
        super().dropEvent(ev)  # the model queues the files at the drop row
        if ev.isAccepted():
            ev.setDropAction(action)  # the view answered with the proposed action
            ev.accept()


def queue_table(model: QueueModel) -> QueueTable:
    """The queue's table: whole rows selected, rows dragged to reorder, files dropped in."""
    table = QueueTable()
    table.setObjectName("queueTable")  # the theme's table and header rules are its alone
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
    table.setDefaultDropAction(Qt.DropAction.MoveAction)
    table.setDragDropOverwriteMode(False)
    table.setDropIndicatorShown(True)
    table.setShowGrid(False)
    table.setWordWrap(False)  # one line a row: long titles and credits end in "…"
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setAlternatingRowColors(False)
    table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    table.setTabKeyNavigation(False)  # Tab moves on to the next control, not the next cell
    table.setAccessibleName(translate("QueueTable", "Queue"))
    table.setAccessibleDescription(translate("QueueTable", "The songs in play order. Enter "
                                             "plays the current song; Delete removes the "
                                             "selected ones"))
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(34)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    hh = table.horizontalHeader()
    hh.setHighlightSections(False)
    hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    number = table.fontMetrics().horizontalAdvance("10000") + 24  # the item's padding
    for col, w in enumerate(COLUMN_WIDTHS):
        w = max(w, number) if col == 0 else w
        if w:
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            table.setColumnWidth(col, w)
        else:
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
    hh.setSectionsClickable(True)  # a click sorts the queue by that column (the window)
    hh.setSortIndicatorShown(False)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return table
