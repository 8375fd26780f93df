"""The Smootify main window: the pages, the now-playing bar, notices, keys, saved state.

Its parts live in ``pages.py`` (sidebar, home page, queue page) and ``widgets.py`` (the now-
playing bar, the piano roll, the notice banner); the core's clock is the :class:`Ticker`.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..errors import one_line
from ..notices import NoticeLevel
from ..player import NowPlaying, Player, PlayerSettings, write_m3u8
from ..player.joins import ListeningTest
from ..player.states import PlayState
from .flow_order import FlowOrder
from .icons import icon
from .library_access import LibraryAccess
from .library_page import LibraryPage
from .mix_export import MixExport
from .pages import HomePage, QueuePage, Sidebar, answer_copy
from .profiles import DEFAULT_NAME, ProfileDialog
from .queue_model import QueueModel
from .ratings_page import RatingsPage
from .settings_dialog import SettingsDialog
from .state import SavedState, StateStore
from .theme import ACCENT, SUBTLE
from .ticker import Ticker
from .widgets import NoticeBanner, NowPlayingBar, file_dialog_options, fmt_time
from .worker import Worker

__all__ = ["MainWindow"]

#: Player events after which the state is saved (the position alone waits for the next
#: periodic save).
SAVED_EVENTS = frozenset({"queue", "current", "seek", "state", "ended"})

NOTICE_MS = NoticeBanner.SHOW_MS
#: Ctrl+Up / Ctrl+Down change the volume by this many percent.
VOLUME_STEP = 5
#: Shift+Right / Shift+Left seek this many seconds.
SEEK_STEP_S = 5.0
#: A change is on disk this long after it is made (several changes meanwhile: one write).
SAVE_DELAY_MS = 500
#: While playing, the position is saved this often even when nothing else changes.
POSITION_SAVE_MS = 10_000


class MainWindow(QMainWindow):
    """The player window. ``player`` does the music; this shows it and takes the input."""

    notice_posted = Signal(str)

    def __init__(self, worker: Worker, player: Player, ticker: Ticker,
                 store: StateStore | None = None, library: LibraryAccess | None = None) -> None:
        super().__init__()
        self.worker = worker
        self.player = player
        self.ticker = ticker
        self.store = store
        self.library = library  # the library database: join ratings (and the radio's picks)
        self.profile: str | None = None  # the listener rating joins (None: Default)
        self.profile_dialog: ProfileDialog | None = None  # the last "Who's listening?"
        self.notices: list[str] = []
        self.mpris: Any = None  # the MPRIS2 service, once main.build starts it
        self.notifier: Any = None  # song-change notifications, once main.build starts them
        self._save_failed = False  # reported once until a save works again
        self._save_timer = QTimer(self)  # debounced save after a change
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        self._position_timer = QTimer(self)  # the position moves without events
        self._position_timer.setInterval(POSITION_SAVE_MS)
        self._position_timer.timeout.connect(self.save_state)
        self._position_timer.start()
        self.setWindowTitle("Smootify")
        self.setWindowIcon(icon("smootify", "#ffffff", "#ffffff"))  # its own colours
        self.resize(1280, 800)
        self.setMinimumSize(QSize(960, 600))
        self.setAcceptDrops(True)
        self.model = QueueModel(player, self.add_paths, self)
        self._adding = 0  # add_paths batches still loading
        self._added = self._queue_len = 0
        self._cleared: dict[str, Any] | None = None  # what Undo puts back
        self._undoable: list[str] = []  # "clear" | "order", the latest last (Ctrl+Z)
        self._sort = (-1, False)  # the column the queue was last sorted by, descending
        self._build()
        self._wire()
        self._shortcuts()
        self._tab_order()
        player.listeners.append(self._on_player)
        ticker.ticked.connect(self._on_tick)
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
        self.sidebar = Sidebar((("add", self.tr("Add files…"), self.add_files_dialog),
                                ("folder", self.tr("Add folder…"), self.add_folder_dialog),
                                ("export", self.tr("Export as M3U8…"), self.export_dialog),
                                ("bridge", self.tr("Export the mix…"), self.export_mix_dialog),
                                ("listen", self.tr("Start listening test"),
                                 self.toggle_listening_test),
                                ("settings", self.tr("Settings"), self.open_settings)))
        self.test_btn = self.sidebar.action_buttons[4]
        self.mix_export = MixExport(self.player, self.worker.submit, self)
        self.flow_order = FlowOrder(self.player, self.worker.submit, self)
        top.addWidget(self.sidebar)
        self.main = QFrame()
        self.main.setObjectName("main")
        ml = QVBoxLayout(self.main)
        ml.setContentsMargins(0, 0, 0, 0)
        self.home = HomePage(self.player)
        self.queue_page = QueuePage(self.player, self.model)
        self.pages = QStackedWidget()
        self.ratings_page = RatingsPage(self.library, self.worker.submit)
        self.pages.addWidget(self.home)
        self.pages.addWidget(self.queue_page)
        self.pages.addWidget(self.ratings_page)
        self.library_page = LibraryPage(self.library, self.worker.submit)
        self.pages.addWidget(self.library_page)  # 3: the sidebar's Library
        ml.addWidget(self.pages)
        top.addWidget(self.main, 1)
        outer.addLayout(top, 1)
        self.now_bar = NowPlayingBar(self.player)
        outer.addWidget(self.now_bar)
        self.setCentralWidget(central)
        self.notice_label = NoticeBanner(self.main)  # floats over the main pane
        # the queue page's parts, by the names the rest of the app knows them
        qp = self.queue_page
        self.table, self.roll, self.meta = qp.table, qp.roll, qp.meta
        self.play_pill, self.shuffle_pill = qp.play_pill, qp.shuffle_pill
        self.shuffle_btn, self.repeat_btn, self.status_label = (
            qp.shuffle_btn, qp.repeat_btn, qp.status_label)
        self.show_page(1)

    def _wire(self) -> None:
        """Connect the buttons, sliders and the table to what they do."""
        self.sidebar.page_requested.connect(self.show_page)
        nb = self.now_bar
        nb.play_btn.clicked.connect(self.player.toggle)
        nb.next_btn.clicked.connect(self.player.next)
        nb.prev_btn.clicked.connect(self.player.previous)
        nb.seek.seek_requested.connect(self.player.seek)
        nb.volume.setValue(int(round(self.player.volume * 100)))
        nb.volume.valueChanged.connect(lambda v: self.player.set_volume(v / 100.0))
        nb.volume.valueChanged.connect(self.state_changed)
        nb.volume.valueChanged.connect(self._show_volume_icon)
        nb.vol_btn.clicked.connect(self._toggle_mute)
        nb.rating.rated.connect(self.rate_join)
        self.sidebar.listener.clicked.connect(self.choose_listener)
        self._show_volume_icon()  # the restored level
        qp = self.queue_page
        qp.play_pill.clicked.connect(self._play_pill)
        qp.shuffle_pill.clicked.connect(self.shuffle_play)
        qp.shuffle_btn.toggled.connect(self._shuffle_toggled)
        qp.order_btn.clicked.connect(self.order_for_flow)
        self.flow_order.finished.connect(self._ordered)
        qp.repeat_btn.toggled.connect(self._repeat_toggled)
        qp.add_btn.clicked.connect(self.add_files_dialog)
        qp.export_btn.clicked.connect(self.export_dialog)
        qp.clear_btn.clicked.connect(self.clear_queue)
        self.table.horizontalHeader().sectionClicked.connect(self.sort_by)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.play_requested.connect(self._double_clicked)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.ratings_page.notice.connect(lambda text, error: self.post_notice(text, error))
        lp = self.library_page
        lp.notice.connect(lambda text, error: self.post_notice(text, error))
        lp.play_requested.connect(lambda paths: self.add_paths(_paths(paths), play=True))
        lp.queue_requested.connect(lambda paths: self.add_paths(_paths(paths)))
        lp.next_requested.connect(self.play_next)
        lp.radio_requested.connect(self.radio_from_file)
        self.mix_export.finished.connect(lambda text, error: self.post_notice(text, error))

    def _tab_order(self) -> None:
        """Tab walks the sidebar, the page, then the player bar (hidden pages are skipped)."""
        sb, qp, nb, rp = self.sidebar, self.queue_page, self.now_bar, self.ratings_page
        chain = [sb.nav_home, sb.nav_queue, sb.nav_library, sb.nav_ratings, *sb.action_buttons,
                 sb.listener, qp.play_pill,
                 qp.shuffle_pill, qp.shuffle_btn, qp.order_btn, qp.repeat_btn, qp.add_btn,
                 qp.export_btn, qp.clear_btn, qp.search, qp.table, rp.which, rp.export_btn,
                 rp.table, *self.library_page.focus_chain, nb.prev_btn, nb.play_btn,
                 nb.next_btn, nb.seek, *nb.rating.buttons, nb.vol_btn, nb.volume]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)
        self.tab_chain = chain

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        """Space plays/pauses unless the focused control took it (a button presses itself)."""
        mods = ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if ev.key() == Qt.Key.Key_Space and mods == Qt.KeyboardModifier.NoModifier:
            if not ev.isAutoRepeat():
                self.player.toggle()
            ev.accept()
            return
        super().keyPressEvent(ev)

    def step_volume(self, step: int) -> None:
        """Volume up or down by ``step`` percent, through the slider."""
        v = self.now_bar.volume
        v.setValue(max(0, min(100, v.value() + step)))

    def seek_by(self, seconds: float) -> None:
        """Seek ``seconds`` forward (or back) in the current song."""
        np_ = self.player.now_playing()
        if np_.duration > 0:
            self.player.seek(max(0.0, min(np_.position + seconds, np_.duration)))

    def show_page(self, i: int) -> None:
        self.pages.setCurrentIndex(i)
        self.sidebar.set_page(i)

    def _shortcuts(self) -> None:
        def sc(seq: QKeySequence | QKeySequence.StandardKey | str, slot: Any) -> None:
            s = QShortcut(QKeySequence(seq), self)
            s.setContext(Qt.ShortcutContext.WindowShortcut)
            s.activated.connect(slot)

        # Space is not a shortcut: a focused button takes it (keyPressEvent plays/pauses)
        sc("Ctrl+Right", self.player.next)
        sc("Ctrl+Left", self.player.previous)
        sc("Ctrl+Up", lambda: self.step_volume(+VOLUME_STEP))
        sc("Ctrl+Down", lambda: self.step_volume(-VOLUME_STEP))
        sc("Shift+Right", lambda: self.seek_by(+SEEK_STEP_S))
        sc("Shift+Left", lambda: self.seek_by(-SEEK_STEP_S))
        sc(QKeySequence.StandardKey.Delete, self.remove_selected)
        sc("Ctrl+Q", self.close)
        sc("Ctrl+O", self.add_files_dialog)
        sc("Ctrl+F", self.focus_search)
        sc("Ctrl+Z", self.undo)

    # ------------------------------------------------------------------ actions
    def add_paths(self, paths: list[Path], at: int | None = None, play: bool = False,
                  then: Any = None) -> None:
        """Queue files, folders and playlists (checked and analysed in the background); the
        rows fill in as they load, and the status line counts them. ``then(entries)`` is
        called with the entries queued once the batch is through."""
        if not self._adding:
            self._added, self._queue_len = 0, len(self.player.queue)
        self._adding += 1
        self._show_adding()

        def done(new: list[Any]) -> None:
            self._added_done(new)
            if then is not None:
                then(new)

        self.player.add_checked(paths, at, play=play, done=done)

    def play_next(self, paths: list[str]) -> None:
        """"Play next": queue the files right after the song playing (at the top when none
        is)."""
        cur = self.player.current
        row = next((r for r, e in enumerate(self.player.queue) if e is cur), None)
        self.add_paths(_paths(paths), at=row + 1 if row is not None else 0)

    def radio_from_file(self, path: str) -> None:
        """"Start radio" from a library song: queue it, then play it and the songs the
        radio picks after it."""
        def start(new: list[Any]) -> None:
            if new:
                self.player.start_radio(new[0])

        self.add_paths(_paths([path]), then=start)

    def _show_adding(self) -> None:
        self.status_label.setText(self.tr("Adding… {n} songs so far").format(n=self._added)
                                  if self._added else self.tr("Adding…"))

    def _count_added(self) -> None:
        """A queue change while adding: count the new rows."""
        n = len(self.player.queue)
        if self._adding and n > self._queue_len:
            self._added += n - self._queue_len
            self._show_adding()
        self._queue_len = n

    def _added_done(self, _new: list[Any]) -> None:
        self._adding = max(0, self._adding - 1)
        if not self._adding:
            self.status_label.setText("")

    def add_files_dialog(self) -> None:
        """Add files: the platform's file dialog (see :func:`.widgets.file_dialog_options`)."""
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add files"), str(Path.home()),
            self.tr("MIDI files and playlists") + " (*.mid *.midi *.kar *.m3u *.m3u8);;"
            + self.tr("All files") + " (*)", options=file_dialog_options())
        if files:
            self.add_paths([Path(f) for f in files])

    def add_folder_dialog(self) -> None:
        """Add folder: the platform's folder dialog."""
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add folder"),
                                                  str(Path.home()),
                                                  options=file_dialog_options(folder=True))
        if folder:
            self.add_paths([Path(folder)])

    def export_dialog(self) -> None:
        """Export as M3U8: the platform's save dialog."""
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Export queue"),
                                                str(Path.home() / "smootify.m3u8"),
                                                self.tr("M3U8 playlist") + " (*.m3u8)",
                                                options=file_dialog_options())
        if target:
            self.export_queue(Path(target))

    def export_mix_dialog(self) -> None:
        """Export the queue's mix, played once with its joins, as WAV, FLAC or MIDI."""
        if self.mix_export.running:
            self.post_notice(self.tr("An export is already running"))
            return
        filters = {self.tr("WAV audio") + " (*.wav)": ".wav",
                   self.tr("FLAC audio") + " (*.flac)": ".flac",
                   self.tr("MIDI file") + " (*.mid)": ".mid"}
        target, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export the mix"), str(Path.home() / "smootify-mix.wav"),
            ";;".join(filters))
        if target:
            path = Path(target)
            if path.suffix.lower() not in (".wav", ".flac", ".mid", ".midi"):
                path = path.with_name(path.name + filters.get(chosen, ".wav"))
            self.mix_export.start(path)

    def export_queue(self, target: Path) -> None:
        """Write the queue as an M3U8 playlist."""
        if target.suffix.lower() not in (".m3u8", ".m3u"):
            target = target.with_suffix(".m3u8")
        try:
            write_m3u8([e.path for e in self.player.queue], target,
                       [e.title for e in self.player.queue])
            self.post_notice(self.tr("Queue exported to {name}").format(name=target.name))
        except OSError as exc:
            self.post_notice(self.tr("Could not export the queue: {reason}").format(
                reason=exc.strerror or exc), error=True)

    def focus_search(self) -> None:
        """Ctrl+F: the queue page's filter box."""
        self.show_page(1)
        self.queue_page.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.queue_page.search.selectAll()

    def clear_queue(self) -> None:
        """Clear: the queue empties and playback stops (the card is empty, PLAY plays
        nothing); a notice offers Undo (also Ctrl+Z), which puts the rows back."""
        q = self.player.queue
        if not q:
            return
        self._cleared = {"paths": [e.path for e in q], "songs": [e.song for e in q],
                         "labels": {e.path: e.label for e in q if e.label}}
        self.player.clear()
        stop = getattr(self.player, "stop", None)
        if stop is not None:
            stop()
        self._did("clear")
        self.post_notice(self.tr("Queue cleared ({n} songs)").format(n=len(q)),
                         action=self.tr("Undo"), on_action=self.undo_clear)

    def _did(self, action: str) -> None:
        if action in self._undoable:
            self._undoable.remove(action)
        self._undoable.append(action)

    def undo(self) -> None:
        """Ctrl+Z: undo the latest of Clear and "Order for smooth flow" not undone yet."""
        if self._undoable:
            (self.undo_clear if self._undoable[-1] == "clear" else self.undo_order)()

    def undo_clear(self) -> None:
        """Put back what the last Clear removed (at the top, in its order)."""
        if "clear" in self._undoable:
            self._undoable.remove("clear")
        cleared, self._cleared = self._cleared, None
        if cleared is not None:
            self.player.add(cleared["paths"], 0, cleared["songs"], cleared["labels"])

    def sort_by(self, col: int) -> None:
        """A click on a column header sorts the queue by it (again: the other way round)."""
        if col == 0:
            return
        last, desc = self._sort
        desc = not desc if last == col else False
        self._sort = (col, desc)
        m = self.model

        def key(row: int) -> Any:
            e = m.entry(row)
            song = e.song if e is not None else None
            if col in (3, 4):  # length, tempo: numbers (not analysed yet: first)
                return (song.duration if col == 3 else song.tempo) if song else -1.0
            if col == 5:  # majors, then minors, each from C
                return (song.key.minor, song.key.tonic) if song else (-1, 0)
            return str(m.data(m.index(row, col)) or "").casefold()

        order = sorted(range(m.rowCount()), key=key, reverse=desc)
        # The new order in one step, as unshuffling puts one back: the sorted order replaces
        # a shuffle (which is then off) and the rows move in one queue change.
        self.player.shuffled_from = [m.entry(r).uid for r in order]  # type: ignore[union-attr]
        self.player.unshuffle()
        hh = self.table.horizontalHeader()
        hh.setSortIndicatorShown(True)
        hh.setSortIndicator(col, Qt.SortOrder.DescendingOrder if desc
                            else Qt.SortOrder.AscendingOrder)

    def scroll_to_current(self) -> None:
        """Bring the playing song's row into view (not while the user drags or selects)."""
        cur = self.player.current
        if cur is None or self.table.state() != self.table.State.NoState:
            return
        row = next((r for r, e in enumerate(self.player.queue) if e is cur), None)
        if row is not None and not self.table.isRowHidden(row):
            self.table.scrollTo(self.model.index(row, 1),
                                self.table.ScrollHint.EnsureVisible)

    def remove_selected(self) -> None:
        rows = [i.row() for i in self.table.selectionModel().selectedRows()]
        if rows:
            self.player.remove(rows)

    def _double_clicked(self, index: Any) -> None:
        entry = self.model.entry(index.row())
        if entry is not None:
            self.player.play_entry(entry)

    def _row_menu(self, pos: Any) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.row_menu(index).exec(self.table.viewport().mapToGlobal(pos))

    def row_menu(self, index: Any) -> QMenu:
        """The menu of the queue row at ``index``: play now, start radio, remove."""
        menu = QMenu(self)
        menu.addAction(icon("play"), self.tr("Play now (through a bridge)"),
                       lambda: self._double_clicked(index))
        menu.addAction(icon("radio"), self.tr("Start radio"), lambda: self.start_radio(index))
        menu.addAction(icon("trash"), self.tr("Remove from queue"), self.remove_selected)
        return menu

    def start_radio(self, index: Any) -> None:
        """"Start radio" from the row at ``index``: it plays, then songs that join well."""
        entry = self.model.entry(index.row())
        if entry is not None:
            self.player.start_radio(entry)

    def _play_pill(self) -> None:
        if self.player.state == "playing":
            self.player.pause()
        else:
            self.player.play()

    def shuffle_play(self) -> None:
        """SHUFFLE PLAY: shuffle the visible queue and start from its top."""
        self.player.shuffle_play()
        QueuePage.set_quietly(self.shuffle_btn, True)

    def order_for_flow(self) -> None:
        """"Order for smooth flow": the queue's analysed songs in the order whose joins cost
        least (computed in the background); a notice gives the cost before and after, with
        Undo."""
        self.flow_order.start()

    def _ordered(self, text: str, error: bool, undoable: bool) -> None:
        if undoable:
            self._did("order")
            self.post_notice(text, action=self.tr("Undo"), on_action=self.undo_order)
        else:
            self.post_notice(text, error)

    def undo_order(self) -> None:
        """Put the queue back in the order it had before "Order for smooth flow"."""
        if "order" in self._undoable:
            self._undoable.remove("order")
        QueuePage.set_quietly(self.shuffle_btn, self.flow_order.undo())

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

    def _show_volume_icon(self, *_: Any) -> None:
        """The speaker shows the level: crossed out at 0, one wave below 40 %, two above."""
        value = self.now_bar.volume.value()
        muted = value == 0
        name = "volume-off" if muted else "volume-low" if value < 40 else "volume"
        b = self.now_bar.vol_btn
        if b.property("iconName") != name:
            b.setProperty("iconName", name)
            b.setIcon(icon(name, SUBTLE, "#ffffff"))
        text = self.tr("Unmute") if muted else self.tr("Mute")
        b.setAccessibleName(text)
        b.setToolTip(text)

    # ------------------------------------------------------------------ listeners
    def ask_listener(self) -> None:
        """At start: when the library holds several listeners, ask who is listening (and
        show the listener's colour)."""
        if self.library is not None and self.library.path.exists():
            self._with_profiles(lambda profiles: self._startup_profiles(profiles))

    def _startup_profiles(self, profiles: list[Any]) -> None:
        self._show_listener(profiles)
        if len(profiles) > 1:
            self._open_profiles(profiles)

    def choose_listener(self) -> None:
        """"Who's listening?": pick the listener (or add one) whose ratings these are."""
        self._with_profiles(self._open_profiles)

    def _with_profiles(self, then: Any) -> None:
        """Read the listeners in the background, then call ``then(profiles)``."""
        if self.library is None:
            return
        ratings = self.library.ratings

        def done(profiles: Any, error: BaseException | None) -> None:
            if error is not None:
                self.post_notice(self.tr("Could not read the listeners: {reason}").format(
                    reason=one_line(error)), error=True)
            else:
                then(profiles)

        self.worker.submit(lambda: list(ratings().profiles()), done, 1)

    def _show_listener(self, profiles: list[Any]) -> None:
        name = self.profile or DEFAULT_NAME
        colour = next((p.colour for p in profiles if p.name.casefold() == name.casefold()),
                      ACCENT)
        self.sidebar.set_listener(name, colour)

    def _open_profiles(self, profiles: list[Any]) -> None:
        dlg = ProfileDialog([(p.name, p.colour) for p in profiles], self.profile, self)
        self.profile_dialog = dlg
        dlg.accepted.connect(lambda: self._listener_chosen(dlg))
        dlg.finished.connect(dlg.deleteLater)
        dlg.open()

    def _listener_chosen(self, dlg: ProfileDialog) -> None:
        """Store the listeners added, renamed and deleted, then make the one chosen the
        listener."""
        name, changes = dlg.chosen()[0], list(dlg.changes)
        ratings = self.library.ratings if self.library is not None else None
        if ratings is None:
            return

        def job() -> Any:
            store = ratings()
            for kind, a, b in changes:
                if kind == "add":
                    store.add_profile(a, b)
                elif kind == "rename":
                    store.rename_profile(a, b)
                else:
                    store.remove_profile(a)
            return store.profile(name)

        def done(profile: Any, error: BaseException | None) -> None:
            if error is not None:
                self.post_notice(self.tr("Could not change the listeners: {reason}").format(
                    reason=one_line(error)), error=True)
                return
            keep = self._listeners_changed(changes)
            self.set_profile(profile.name, profile.colour, keep=keep)

        self.worker.submit(job, done, 1)

    def _listeners_changed(self, changes: list[tuple[str, str, str]]) -> bool:
        """Move the sessions of listeners renamed, delete those of listeners deleted, and
        follow the listener now playing; False when they were deleted (nothing to keep)."""
        keep = True
        for kind, a, b in changes:
            if kind == "add":
                continue
            if self.store is not None:
                folder = self.store.for_listener(a).folder
                try:
                    if kind == "rename" and folder.is_dir():
                        target = self.store.for_listener(b).folder
                        if target != folder:
                            shutil.rmtree(target, ignore_errors=True)
                        folder.rename(target)
                    elif kind == "delete":
                        shutil.rmtree(folder, ignore_errors=True)
                except OSError as exc:  # the ratings are changed; the saved queue stays
                    self.post_notice(self.tr("Could not move {name}'s saved queue: "
                                             "{reason}").format(name=a, reason=one_line(exc)),
                                     error=True)
            if self.profile is not None and self.profile.casefold() == a.casefold():
                if kind == "rename":
                    self.profile = b
                else:
                    self.profile, keep = None, False
        return keep

    def set_profile(self, name: str | None, colour: str = ACCENT, save: bool = True,
                    keep: bool = True) -> None:
        """Ratings, the queue and the settings from now on are ``name``'s (None: the default
        profile); with ``save`` (a listener chosen, not a launch) the session of the one
        listening before is kept for them (unless not ``keep``: they were deleted) and the
        new listener's own comes back."""
        old = self.profile
        self.profile = None if not name or name == DEFAULT_NAME else name
        self.sidebar.set_listener(name or DEFAULT_NAME, colour)
        if save:
            if not keep or (old or DEFAULT_NAME).casefold() != (
                    self.profile or DEFAULT_NAME).casefold():
                self._switch_session(old, self.profile, keep)
            self.state_changed()

    def _switch_session(self, old: str | None, new: str | None, keep: bool = True) -> None:
        """Keep ``old``'s session (queue, song, position, volume, settings) in its own store
        (unless not ``keep``) and bring back ``new``'s; a listener with none takes the queue
        as it is."""
        if self.store is None:
            return
        if keep:
            self.store.for_listener(old or DEFAULT_NAME).save(self.saved_state())
        state, notice = self.store.for_listener(new or DEFAULT_NAME).load()
        if notice is not None:
            self.post_notice(notice)
        if state is None:  # the queue stays; a listening test was the other listener's
            if self.player.listening_test is not None:
                self.player.start_listening_test(None)
                self._show_test()
            return
        playing = self.player.state == PlayState.PLAYING
        self.player.stop()
        self.player.clear()
        self.player.apply_settings(PlayerSettings.from_dict(state.settings))
        QueuePage.set_quietly(self.repeat_btn, self.player.settings.repeat)
        QueuePage.set_quietly(self.shuffle_btn, False)
        self.now_bar.volume.setValue(int(round(state.volume * 100)))
        self.restore_session(state, play=playing)

    def restore_session(self, state: SavedState, play: bool = False) -> None:
        """Queue a saved session's songs in their order (and the order before a shuffle),
        cued at its song and position; ``play`` starts it, else it waits paused."""
        player = self.player
        player.add(state.queue, labels=state.labels)
        order = state.original_order  # checked on load; a permutation of the rows queued
        if order is not None and sorted(order) == list(range(len(player.queue))):
            player.shuffled_from = [player.queue[i].uid for i in order]
            QueuePage.set_quietly(self.shuffle_btn, True)
        # the listener's blind test goes on where it was (or none runs for them)
        player.start_listening_test(state.listening_test, state.test_done)
        self._show_test()
        if 0 <= state.current < len(player.queue):
            player.play_entry(player.queue[state.current], state.position, paused=not play)

    def toggle_listening_test(self) -> None:
        """Start a blind listening test (each join's method and mode drawn from a balanced
        design, its kind hidden), or stop the one running."""
        if self.player.listening_test is None:
            test = ListeningTest(seed=random.randrange(1 << 31),
                                 name=time.strftime("test %Y-%m-%d %H:%M:%S"))
            self.player.start_listening_test(test)
            self.post_notice(self.tr("Listening test started: the kind of each join is hidden; "
                                     "rate every join from the player bar"))
        else:
            self.player.start_listening_test(None)
            self.post_notice(self.tr("Listening test stopped"))
        self._show_test()
        self.state_changed()

    def _show_test(self) -> None:
        test = self.player.listening_test
        text = self.tr("Stop listening test") if test else self.tr("Start listening test")
        self.test_btn.setText(text)
        self.test_btn.setAccessibleName(text)
        self.ratings_page.set_test(test.name if test else None)

    def rate_join(self, value: int, record: Any) -> None:
        """Store the listener's rating of a join (with its plan, the profile and the
        listening test) in the library, off the UI thread; "Rated 4" when it is stored."""
        if self.library is None:
            return
        ratings = self.library.ratings
        profile = self.profile
        test = self.player.listening_test.name if self.player.listening_test else None

        def job() -> int:
            return int(ratings().rate(value, record, profile, test))

        def done(_id: Any, error: BaseException | None) -> None:
            if error is not None:
                self.post_notice(self.tr("Could not store the rating: {reason}").format(
                    reason=one_line(error)), error=True)
                return
            self.now_bar.rating.confirm(value)
            if self.ratings_page.isVisible():
                self.ratings_page.refresh()

        self.worker.submit(job, done, 1)

    def open_settings(self) -> None:
        dlg = SettingsDialog(self.player.settings, self)
        if dlg.exec():
            self.player.apply_settings(dlg.result_settings())
            QueuePage.set_quietly(self.repeat_btn, self.player.settings.repeat)
            self._refresh_meta()
            self.save_state()

    # ------------------------------------------------------------------ notices
    def post_notice(self, text: str, error: bool = False, action: str = "",
                    on_action: Any = None) -> None:
        """Show a one-line notice over the main pane for a few seconds, after those already
        waiting (styled as an error with ``error`` or when ``text`` is a :class:`Notice` of
        level error); ``action`` is a link that runs ``on_action``."""
        error = error or getattr(text, "level", None) == NoticeLevel.ERROR
        text = text.strip().splitlines()[0] if text.strip() else text
        self.notices.append(text)
        self.notice_label.post(text, error, action, on_action)
        self.notice_posted.emit(text)

    # ------------------------------------------------------------------ player events
    def _on_player(self, kind: str, payload: Any) -> None:
        if kind in SAVED_EVENTS:
            self.state_changed()
        if kind == "notice":
            self.post_notice(payload, error=getattr(payload, "level", None) == NoticeLevel.ERROR)
        elif kind == "state":
            self.now_bar.set_playing(payload == "playing")
            self.queue_page.set_playing(payload == "playing")
        elif kind == "queue":
            self._count_added()
            self._refresh_meta()
            if self.player.shuffled_from is None and self.shuffle_btn.isChecked():
                QueuePage.set_quietly(self.shuffle_btn, False)
        elif kind == "entry":
            self._refresh_meta()
        elif kind == "audio":
            self.sidebar.set_audio(payload)
        elif kind == "current":  # after the view has laid out rows added just before
            QTimer.singleShot(0, self.scroll_to_current)

    def show_title(self, title: str) -> None:
        """The window title follows the song: "Title — Smootify" ("A + B — Smootify" during
        a bridge), plain "Smootify" when nothing is loaded."""
        text = f"{title} — Smootify" if title else "Smootify"
        if text != self.windowTitle():
            self.setWindowTitle(text)

    def _refresh_meta(self) -> None:
        q = self.player.queue
        total = sum(e.song.duration for e in q if e.song)
        waiting = sum(1 for e in q if e.status in ("waiting", "analysing"))
        parts = [self.tr("1 song") if len(q) == 1
                 else self.tr("{n} songs").format(n=len(q))]
        if total:
            parts.append(self.tr("about {time} of music").format(time=fmt_time(total)))
        s = self.player.settings
        parts.append(self.tr("radio after the last song") if s.radio
                     else self.tr("infinite mix") if s.repeat else self.tr("stops at the end"))
        if waiting:
            parts.append(self.tr("analysing {n}…").format(n=waiting))
        self.meta.setText(" · ".join(parts))

    def _on_tick(self, np_: NowPlaying) -> None:
        """The ticker polled the player: show where play is."""
        self.now_bar.update_from(np_)
        self.now_bar.rating.follow(self.player.last_join())
        self.show_title(np_.title)
        if self.pages.currentIndex() == 0:
            self.home.show_now(np_, self.player.up_next())
        else:
            self.roll.update()

    # ------------------------------------------------------------------ state
    def saved_state(self) -> SavedState:
        snap = self.player.snapshot()
        return SavedState(queue=snap["queue"], original_order=snap["original_order"],
                          current=snap["current"], position=snap["position"],
                          volume=snap["volume"], settings=self.player.settings.to_dict(),
                          geometry=bytes(self.saveGeometry().toHex().data()).decode(),
                          labels=snap["labels"], profile=self.profile or "",
                          listening_test=self.player.listening_test,
                          test_done=self.player.listening_test_done)

    def state_changed(self, *_: Any) -> None:
        """Something saved changed: write the state within :data:`SAVE_DELAY_MS`."""
        if self.store is not None and not self._save_timer.isActive():
            self._save_timer.start()

    def save_state(self) -> bool:
        """Write the state file (atomically). A failure is reported once (until a save works
        again); the app carries on either way."""
        self._save_timer.stop()
        if self.store is None:
            return True
        t = time.perf_counter()
        ok = self.store.save(self.saved_state())
        self.last_save_ms = (time.perf_counter() - t) * 1000
        if ok:
            self._save_failed = False
        elif not self._save_failed:
            self._save_failed = True
            self.post_notice(self.tr("Could not save the state to {folder} ({reason}); "
                                     "playing on without saving").format(
                                         folder=self.store.folder,
                                         reason=self.store.last_error), error=True)
        return ok

    def restore_geometry(self, hex_geometry: str) -> None:
        if hex_geometry:
            self.restoreGeometry(QByteArray.fromHex(hex_geometry.encode()))

    def dragEnterEvent(self, ev: QDragEnterEvent) -> None:
        if ev.mimeData().hasUrls():
            answer_copy(ev)  # Copy (or Link), never Move: the files stay where they are

    def dragMoveEvent(self, ev: QDragMoveEvent) -> None:
        if ev.mimeData().hasUrls():
            answer_copy(ev)

    def dropEvent(self, ev: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in ev.mimeData().urls() if u.isLocalFile()]
        if paths and answer_copy(ev):
            self.add_paths(paths)

    def closeEvent(self, ev: QCloseEvent) -> None:
        self.ticker.stop()
        self.library_page.close_scans()  # a scan running stops between batches
        self.mix_export.cancel()  # an export running stops; its file is not left behind
        if self.mpris is not None:
            self.mpris.close()
        if self.notifier is not None:
            self.notifier.close()
        self._position_timer.stop()
        try:
            self.save_state()
        finally:  # whatever saving did, the player and its threads shut down
            self.player.close()
            self.worker.shutdown()
            if self.library is not None:
                self.library.close()
            super().closeEvent(ev)

    @property
    def accent(self) -> str:
        return ACCENT


def _paths(paths: list[str]) -> list[Path]:
    return [Path(p) for p in paths]
