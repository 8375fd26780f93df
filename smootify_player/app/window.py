"""The Smootify main window: sidebar, queue page, home page, now-playing bar, notices, keys."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..notices import NoticeLevel
from ..player import NowPlaying, Player, PlayerSettings, write_m3u8
from .icons import icon, svg_pixmap
from .queue_model import QueueModel
from .settings_dialog import SettingsDialog
from .state import SavedState, StateStore
from .theme import GREEN, SUBTLE
from .ticker import Ticker
from .widgets import NowPlayingBar, PianoRoll, fmt_time, tool_button
from .worker import Worker

__all__ = ["MainWindow"]

NOTICE_MS = 7000


class MainWindow(QMainWindow):
    """The player window. ``player`` does the music; this shows it and takes the input."""

    notice_posted = Signal(str)

    def __init__(self, worker: Worker, player: Player, ticker: Ticker,
                 store: StateStore | None = None) -> None:
        super().__init__()
        self.worker = worker
        self.player = player
        self.ticker = ticker
        self.store = store
        self.notices: list[str] = []
        self.setWindowTitle("Smootify")
        self.setWindowIcon(icon("logo", "#1DB954", "#1DB954"))
        self.resize(1280, 800)
        self.setMinimumSize(QSize(960, 600))
        self.setAcceptDrops(True)
        self.model = QueueModel(player, self.add_paths, self)
        self._build()
        self._shortcuts()
        player.listeners.append(self._on_player)
        ticker.ticked.connect(self._on_tick)
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(10_000)
        self._save_timer.timeout.connect(self.save_state)
        self._save_timer.start()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(lambda: self.notice_label.hide())
        self._refresh_meta()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        central = QWidget()
        central.setObjectName("central")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 8, 8, 0)
        outer.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self._sidebar())
        self.main = QFrame()
        self.main.setObjectName("main")
        ml = QVBoxLayout(self.main)
        ml.setContentsMargins(0, 0, 0, 0)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._home_page())
        self.pages.addWidget(self._queue_page())
        ml.addWidget(self.pages)
        top.addWidget(self.main, 1)
        outer.addLayout(top, 1)
        self.now_bar = NowPlayingBar(self.player)
        outer.addWidget(self.now_bar)
        self.setCentralWidget(central)
        # notice banner floats over the main pane
        self.notice_label = QLabel(self.main)
        self.notice_label.setObjectName("notice")
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()
        # wiring
        nb = self.now_bar
        nb.play_btn.clicked.connect(self.player.toggle)
        nb.next_btn.clicked.connect(self.player.next)
        nb.prev_btn.clicked.connect(self.player.previous)
        nb.seek.seek_requested.connect(self.player.seek)
        nb.volume.setValue(int(round(self.player.volume * 100)))
        nb.volume.valueChanged.connect(lambda v: self.player.set_volume(v / 100.0))
        nb.vol_btn.clicked.connect(self._toggle_mute)
        self.show_page(1)

    def _sidebar(self) -> QWidget:
        side = QWidget()
        side.setObjectName("sidebar")
        side.setFixedWidth(232)
        lay = QVBoxLayout(side)
        lay.setContentsMargins(12, 16, 12, 16)
        lay.setSpacing(4)
        brand = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(svg_pixmap("logo", 34, self.devicePixelRatioF(), "#ffffff"))
        name = QLabel("Smootify")
        name.setObjectName("brand")
        brand.addWidget(logo)
        brand.addWidget(name)
        brand.addStretch(1)
        lay.addLayout(brand)
        lay.addSpacing(18)
        self.nav = QButtonGroup(self)
        self.nav.setExclusive(True)
        self.nav_home = self._nav_button("home", "Home")
        self.nav_queue = self._nav_button("playlist", "Your playlist")
        for i, b in enumerate((self.nav_home, self.nav_queue)):
            self.nav.addButton(b, i)
            lay.addWidget(b)
        self.nav.idClicked.connect(self.show_page)
        lay.addSpacing(20)
        section = QLabel("LIBRARY")
        section.setObjectName("sideSection")
        lay.addWidget(section)
        lay.addSpacing(4)
        for name_, text, slot in (("add", "Add files…", self.add_files_dialog),
                                  ("folder", "Add folder…", self.add_folder_dialog),
                                  ("export", "Export as M3U8…", self.export_dialog),
                                  ("settings", "Settings", self.open_settings)):
            b = self._nav_button(name_, text, checkable=False)
            b.clicked.connect(slot)
            lay.addWidget(b)
        lay.addStretch(1)
        self.audio_hint = QLabel("")
        self.audio_hint.setObjectName("nowSub")
        self.audio_hint.setWordWrap(True)
        lay.addWidget(self.audio_hint)
        return side

    def _nav_button(self, icon_name: str, text: str, checkable: bool = True) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName("nav")
        b.setIcon(icon(icon_name, SUBTLE, "#ffffff"))
        b.setIconSize(QSize(22, 22))
        b.setCheckable(checkable)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        return b

    def _queue_page(self) -> QWidget:
        page, lay = _page("PLAYLIST", bottom=16, spacing=10)
        lay.addWidget(_label("Your playlist", "pageTitle"))
        self.meta = _label("", "pageMeta")
        lay.addWidget(self.meta)
        lay.addSpacing(8)
        actions = QHBoxLayout()
        actions.setSpacing(14)
        self.play_pill = QPushButton("PLAY")
        self.play_pill.setObjectName("playPill")
        self.play_pill.setIcon(icon("play", "#000000", "#000000"))
        self.play_pill.setIconSize(QSize(18, 18))
        self.play_pill.setCursor(Qt.CursorShape.PointingHandCursor)
        self.play_pill.clicked.connect(self._play_pill)
        self.shuffle_pill = QPushButton("SHUFFLE PLAY")
        self.shuffle_pill.setObjectName("shufflePill")
        self.shuffle_pill.setIcon(icon("shuffle", "#ffffff", "#ffffff"))
        self.shuffle_pill.setIconSize(QSize(18, 18))
        self.shuffle_pill.setCursor(Qt.CursorShape.PointingHandCursor)
        self.shuffle_pill.clicked.connect(self.shuffle_play)
        actions.addWidget(self.play_pill)
        actions.addWidget(self.shuffle_pill)
        actions.addSpacing(8)
        self.shuffle_btn = tool_button("shuffle", "Shuffle (off restores the original order)",
                                       22, checkable=True)
        self.shuffle_btn.toggled.connect(self._shuffle_toggled)
        self.repeat_btn = tool_button("repeat", "Repeat: continue from the top", 22,
                                      checkable=True)
        self.repeat_btn.setChecked(self.player.settings.repeat)
        self.repeat_btn.toggled.connect(self._repeat_toggled)
        add_btn = tool_button("add", "Add files (Ctrl+O)", 22)
        add_btn.clicked.connect(self.add_files_dialog)
        export_btn = tool_button("export", "Export the queue as M3U8", 22)
        export_btn.clicked.connect(self.export_dialog)
        clear_btn = tool_button("clear", "Clear the queue", 22)
        clear_btn.clicked.connect(self.player.clear)
        for b in (self.shuffle_btn, self.repeat_btn, add_btn, export_btn, clear_btn):
            actions.addWidget(b)
        actions.addStretch(1)
        self.status_label = QLabel("")
        self.status_label.setObjectName("pageMeta")
        actions.addWidget(self.status_label)
        lay.addLayout(actions)
        lay.addSpacing(6)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.setHandleWidth(10)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDropIndicatorShown(True)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        hh = self.table.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        widths = (44, 0, 0, 70, 90, 100, 112)  # 0: title and credit share the rest
        for col, w in enumerate(widths):
            if w:
                hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
                self.table.setColumnWidth(col, w)
            else:
                hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        split.addWidget(self.table)
        self.roll = PianoRoll(self.player)
        split.addWidget(self.roll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 240])
        lay.addWidget(split, 1)
        return page

    def _home_page(self) -> QWidget:
        page, lay = _page("NOW PLAYING", bottom=20, spacing=8)
        self.home_title = _label("Nothing playing yet", "pageTitle")
        self.home_title.setWordWrap(True)
        self.home_sub = _label("", "pageMeta")
        self.home_next = _label("", "pageMeta")
        lay.addWidget(self.home_title)
        lay.addWidget(self.home_sub)
        lay.addWidget(self.home_next)
        lay.addSpacing(12)
        self.home_roll = PianoRoll(self.player)
        lay.addWidget(self.home_roll, 1)
        return page

    def show_page(self, i: int) -> None:
        self.pages.setCurrentIndex(i)
        (self.nav_home if i == 0 else self.nav_queue).setChecked(True)

    def _shortcuts(self) -> None:
        def sc(seq: QKeySequence | str, slot: Any) -> None:
            s = QShortcut(QKeySequence(seq), self)
            s.setContext(Qt.ShortcutContext.WindowShortcut)
            s.activated.connect(slot)

        sc(Qt.Key.Key_Space, self.player.toggle)
        sc("Ctrl+Right", self.player.next)
        sc("Ctrl+Left", self.player.previous)
        sc(QKeySequence.StandardKey.Delete, self.remove_selected)
        sc("Ctrl+Q", self.close)
        sc("Ctrl+O", self.add_files_dialog)

    # ------------------------------------------------------------------ actions
    def add_paths(self, paths: list[Path], at: int | None = None, play: bool = False) -> None:
        """Queue files, folders and playlists (checked and analysed in the background)."""
        self.status_label.setText("Adding…")
        self.player.add_checked(paths, at, play=play,
                                done=lambda new: self.status_label.setText(""))

    def add_files_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Add files", str(Path.home()),
            "MIDI files and playlists (*.mid *.midi *.kar *.m3u *.m3u8);;All files (*)")
        if files:
            self.add_paths([Path(f) for f in files])

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add folder", str(Path.home()))
        if folder:
            self.add_paths([Path(folder)])

    def export_dialog(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Export queue", str(Path.home() /
                                                "smootify.m3u8"), "M3U8 playlist (*.m3u8)")
        if target:
            self.export_queue(Path(target))

    def export_queue(self, target: Path) -> None:
        """Write the queue as an M3U8 playlist."""
        if target.suffix.lower() not in (".m3u8", ".m3u"):
            target = target.with_suffix(".m3u8")
        try:
            write_m3u8([e.path for e in self.player.queue], target,
                       [e.title for e in self.player.queue])
            self.post_notice(f"Queue exported to {target.name}")
        except OSError as exc:
            self.post_notice(f"Could not export the queue: {exc.strerror or exc}", error=True)

    def remove_selected(self) -> None:
        rows = [i.row() for i in self.table.selectionModel().selectedRows()]
        if rows:
            self.player.remove(rows)

    def _double_clicked(self, index: Any) -> None:
        if 0 <= index.row() < len(self.player.queue):
            self.player.play_entry(self.player.queue[index.row()])

    def _row_menu(self, pos: Any) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.addAction(icon("play"), "Play now (through a bridge)",
                       lambda: self._double_clicked(index))
        menu.addAction(icon("trash"), "Remove from queue", self.remove_selected)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _play_pill(self) -> None:
        if self.player.state == "playing":
            self.player.pause()
        else:
            self.player.play()

    def shuffle_play(self) -> None:
        """SHUFFLE PLAY: shuffle the visible queue and start from its top."""
        self.player.shuffle_play()
        self.shuffle_btn.blockSignals(True)
        self.shuffle_btn.setChecked(True)
        self.shuffle_btn.blockSignals(False)

    def _shuffle_toggled(self, on: bool) -> None:
        if on:
            self.player.shuffle()
        else:
            self.player.unshuffle()

    def _repeat_toggled(self, on: bool) -> None:
        s = PlayerSettings.from_dict(self.player.settings.to_dict())
        s.repeat = on
        self.player.apply_settings(s)
        self.save_state()

    def _toggle_mute(self) -> None:
        v = self.now_bar.volume
        if v.value() > 0:
            self._unmute = v.value()
            v.setValue(0)
        else:
            v.setValue(getattr(self, "_unmute", 80) or 80)
        self.now_bar.vol_btn.setIcon(icon("volume-off" if v.value() == 0 else "volume",
                                          SUBTLE, "#ffffff"))

    def open_settings(self) -> None:
        dlg = SettingsDialog(self.player.settings, self)
        if dlg.exec():
            self.player.apply_settings(dlg.result_settings())
            self.repeat_btn.blockSignals(True)
            self.repeat_btn.setChecked(self.player.settings.repeat)
            self.repeat_btn.blockSignals(False)
            self.save_state()

    # ------------------------------------------------------------------ notices
    def post_notice(self, text: str, error: bool = False) -> None:
        """Show a one-line notice over the main pane for a few seconds."""
        text = text.strip().splitlines()[0] if text.strip() else text
        self.notices.append(text)
        self.notice_label.setProperty("kind", "error" if error else "info")
        self.notice_label.style().unpolish(self.notice_label)
        self.notice_label.style().polish(self.notice_label)
        self.notice_label.setText(text)
        self._place_notice()
        self.notice_label.show()
        self.notice_label.raise_()
        self._notice_timer.start(NOTICE_MS)
        self.notice_posted.emit(text)

    def _place_notice(self) -> None:
        w = min(self.main.width() - 40, 720)
        self.notice_label.setFixedWidth(max(w, 200))
        self.notice_label.adjustSize()
        self.notice_label.move((self.main.width() - self.notice_label.width()) // 2,
                               self.main.height() - self.notice_label.height() - 18)

    def resizeEvent(self, ev: Any) -> None:
        super().resizeEvent(ev)
        if self.notice_label.isVisible():
            self._place_notice()

    # ------------------------------------------------------------------ player events
    def _on_player(self, kind: str, payload: Any) -> None:
        if kind == "notice":
            self.post_notice(payload, error=getattr(payload, "level", None) == NoticeLevel.ERROR)
        elif kind == "state":
            self.now_bar.set_playing(payload == "playing")
            self.play_pill.setText("PAUSE" if payload == "playing" else "PLAY")
            self.play_pill.setIcon(icon("pause" if payload == "playing" else "play",
                                        "#000000", "#000000"))
        elif kind == "queue":
            self._refresh_meta()
            if self.player.shuffled_from is None and self.shuffle_btn.isChecked():
                self.shuffle_btn.blockSignals(True)
                self.shuffle_btn.setChecked(False)
                self.shuffle_btn.blockSignals(False)
        elif kind == "entry":
            self._refresh_meta()
        elif kind == "audio":
            self.audio_hint.setText("Audio: silent clock (no device)" if payload == "silent"
                                    else f"Audio: {payload}")

    def _refresh_meta(self) -> None:
        q = self.player.queue
        total = sum(e.song.duration for e in q if e.song)
        waiting = sum(1 for e in q if e.status in ("waiting", "analysing"))
        parts = [f"{len(q)} song{'s' if len(q) != 1 else ''}"]
        if total:
            parts.append(f"about {fmt_time(total)} of music")
        parts.append("infinite mix" if self.player.settings.repeat else "stops at the end")
        if waiting:
            parts.append(f"analysing {waiting}…")
        self.meta.setText(" · ".join(parts))

    def _on_tick(self, np_: NowPlaying) -> None:
        """The ticker polled the player: show where play is."""
        self.now_bar.update_from(np_)
        if self.pages.currentIndex() == 0:
            self.home_title.setText(np_.title or "Nothing playing yet")
            self.home_sub.setText(np_.subtitle)
            nxt = self.player.up_next()
            self.home_next.setText(f"Up next: {nxt.title}" if nxt else "")
            self.home_roll.update()
        else:
            self.roll.update()

    # ------------------------------------------------------------------ state
    def saved_state(self) -> SavedState:
        snap = self.player.snapshot()
        return SavedState(queue=snap["queue"], original_order=snap["original_order"],
                          current=snap["current"], position=snap["position"],
                          volume=snap["volume"], settings=self.player.settings.to_dict(),
                          geometry=bytes(self.saveGeometry().toHex()).decode(),
                          labels=snap["labels"])

    def save_state(self) -> None:
        """Write the state file (atomically)."""
        if self.store is None:
            return
        t = time.perf_counter()
        if not self.store.save(self.saved_state()):
            self.post_notice(f"Could not save the state to {self.store.path}", error=True)
        self.last_save_ms = (time.perf_counter() - t) * 1000

    def restore_geometry(self, hex_geometry: str) -> None:
        if hex_geometry:
            self.restoreGeometry(QByteArray.fromHex(hex_geometry.encode()))

    def dragEnterEvent(self, ev: QDragEnterEvent) -> None:
        if ev.mimeData().hasUrls():
            ev.acceptProposedAction()

    def dropEvent(self, ev: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in ev.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.add_paths(paths)
            ev.acceptProposedAction()

    def closeEvent(self, ev: QCloseEvent) -> None:
        self.ticker.stop()
        self._save_timer.stop()
        self.save_state()
        self.player.close()
        self.worker.shutdown()
        super().closeEvent(ev)

    @property
    def accent(self) -> str:
        return GREEN


def _label(text: str, name: str) -> QLabel:
    """A label styled by the theme through its object name."""
    lab = QLabel(text)
    lab.setObjectName(name)
    return lab


def _page(kicker: str, bottom: int, spacing: int) -> tuple[QWidget, QVBoxLayout]:
    """A main-pane page with its small upper-case kicker line."""
    page = QWidget()
    lay = QVBoxLayout(page)
    lay.setContentsMargins(28, 24, 28, bottom)
    lay.setSpacing(spacing)
    lay.addWidget(_label(kicker, "kicker"))
    return page, lay
