"""Entry point of the desktop app: ``smootify [FILES|DIRS|M3U...]`` and ``smootify-gui``."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data import data_path

if TYPE_CHECKING:
    from ..player import Player
    from .library_access import LibraryAccess
    from .mpris import Mpris
    from .single import InstanceServer
    from .state import StateStore
    from .ticker import Ticker
    from .window import MainWindow
    from .worker import Worker

__all__ = ["main", "build", "parse_args", "DEMO_DIR", "App"]

DEMO_DIR = data_path("resources", "demo")
log = logging.getLogger("smootify.app")
#: When the app plays at launch, the library is opened this long after (ms): the first
#: song's analysis and the audio process start without it (0.3 s sooner to the first sound).
LIBRARY_START_DELAY_MS = 3000


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Options of the app (the CLI hands over everything that is not a subcommand)."""
    from ..errors import OneLineParser

    p = OneLineParser(prog="smootify", description="Smootify: an endless MIDI "
                                "playlist that composes a bridge between every two songs.")
    from .. import __version__

    p.add_argument("--version", action="version", version=f"smootify {__version__}")
    p.add_argument("paths", nargs="*", help="MIDI files, folders or M3U/M3U8 playlists to play")
    p.add_argument("--state-dir", type=Path, default=None,
                   help="folder for the saved state (default: the per-user app data folder)")
    p.add_argument("--silent", action="store_true",
                   help="no audio device: a silent clock advances instead (SMOOTIFY_AUDIO=silent)")
    p.add_argument("--clock-speed", type=float, default=None,
                   help="speed of the silent clock (SMOOTIFY_CLOCK_SPEED; tests run faster)")
    p.add_argument("--new-instance", action="store_true",
                   help="do not hand the files to a running Smootify")
    p.add_argument("--play", action="store_true", help="start playing at once")
    p.add_argument("--demo", action="store_true",
                   help="queue the built-in demo playlist instead of the saved queue")
    p.add_argument("--db", type=Path, default=None, metavar="PATH",
                   help="the library database: radio and join ratings (default: "
                        "library.sqlite3 in the per-user cache folder)")
    p.add_argument("--lang", default=None, metavar="LANG",
                   help="language of the window: en or ko (default: the system locale)")
    p.add_argument("--quit-after", type=float, default=None, metavar="SECONDS",
                   help=argparse.SUPPRESS)  # smoke tests: close the window after SECONDS
    return p.parse_args(list(argv))


@dataclass
class App:
    """What :func:`build` made: the window and the parts it runs on."""

    window: MainWindow
    player: Player
    worker: Worker
    store: StateStore
    server: InstanceServer | None
    started: float
    ticker: Ticker | None = None
    mpris: Mpris | None = None
    library: LibraryAccess | None = None


def build(args: argparse.Namespace, t0: float | None = None) -> App:
    """Create the window, the Player and the worker, restore the state, queue the inputs.

    A ``QApplication`` must exist. Nothing heavy happens here: analysis, the soundfont and
    the audio device all load in the background.
    """
    from ..player import Player, PlayerSettings
    from .library_access import LazyRadio, LibraryAccess
    from .single import InstanceServer, server_name
    from .state import StateStore
    from .ticker import Ticker
    from .window import MainWindow
    from .worker import Worker

    t0 = time.perf_counter() if t0 is None else t0
    # Background threads (analysis, planning, the silent clock) hand the interpreter back
    # every 2 ms instead of 5, so the UI thread never waits long for its turn.
    sys.setswitchinterval(0.002)
    store = StateStore(args.state_dir)
    state, state_notice = store.load()
    settings = PlayerSettings.from_dict(state.settings if state else {})
    audio = "silent" if args.silent else None
    worker = Worker(threads=2)
    library = LibraryAccess(args.db)  # opened when a rating or the radio first needs it
    player = Player(worker.submit, settings, notice=lambda m: log.warning("%s", m), audio=audio,
                    clock_speed=args.clock_speed, radio=LazyRadio(library),
                    analysis_process=os.environ.get("SMOOTIFY_ANALYSIS_PROCESS", "1") != "0")
    if state:
        player.set_volume(state.volume)
    ticker = Ticker(player)
    window = MainWindow(worker, player, ticker, store, library)
    ticker.setParent(window)
    ticker.start()  # the window shows what each poll finds
    if state:
        window.restore_geometry(state.geometry)
        window.set_profile(state.profile or None, save=False)  # its colour: ask_listener
    server = None
    if not args.new_instance:
        server = InstanceServer(server_name(store.folder), lambda paths: _opened(window, paths),
                                window, on_notice=window.post_notice)
    if state_notice:
        window.post_notice(state_notice)  # a Notice: its level styles it
    mpris = _start_mpris(window, player, ticker)
    _start_notifier(window, player)
    # Several listeners: "Who's listening?"; the library's folders rescanned (low priority)
    # and watched. Opening the library imports the analysis stack and reads the database:
    # when the app plays at once, that waits until the first song is under way.
    from PySide6.QtCore import QTimer

    for start in (window.ask_listener, window.library_page.start):
        if args.play or args.paths:
            QTimer.singleShot(LIBRARY_START_DELAY_MS, start)
        else:
            start()
    player.start_audio()
    _queue_inputs(args, window, player, state)
    return App(window, player, worker, store, server, t0, ticker, mpris, library)


def _start_mpris(window: Any, player: Any, ticker: Any) -> Any:
    """Media keys and desktop media panels (MPRIS2 on the session bus, Linux and BSDs)."""
    if sys.platform in ("win32", "darwin"):
        return None
    from .mpris import Mpris, MprisHooks

    def raise_window() -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()

    hooks = MprisHooks(
        raise_window=raise_window, quit=window.close,
        set_volume=lambda v: window.now_bar.volume.setValue(int(round(v * 100))),
        open_paths=lambda paths: window.add_paths(paths, play=True))
    mpris = Mpris(player, ticker.ticked, hooks, parent=window)
    if not mpris.start():
        return None
    window.mpris = mpris
    return mpris


def _start_notifier(window: Any, player: Any) -> None:
    """Desktop notifications of song changes (freedesktop Notifications, Linux and BSDs),
    sent only when the setting is on."""
    if sys.platform in ("win32", "darwin"):
        return
    from .notify import SongNotifier

    window.notifier = SongNotifier(player, window.isActiveWindow, parent=window)


def _queue_inputs(args: argparse.Namespace, window: Any, player: Any, state: Any) -> None:
    """Queue what the command line named, else the saved session, else the demo playlist."""
    from PySide6.QtCore import QCoreApplication

    from ..player import Expanded, expand

    paths = [Path(p) for p in args.paths]
    if paths:
        window.add_paths(paths, play=True)
    elif state is not None and not args.demo:  # a saved session, even emptied, beats the demo
        window.restore_session(state, play=args.play)
    else:
        listing = DEMO_DIR / "demo.m3u8"  # titles and credits; a tiny file, read here
        demo = (expand([listing]) if listing.is_file()
                else Expanded(sorted(DEMO_DIR.glob("*.mid"))))
        if demo.paths:
            player.add(demo.paths, labels=demo.labels)
            if not args.play:
                window.post_notice(QCoreApplication.translate(
                    "Main", "Welcome to Smootify: the demo playlist is loaded. Press PLAY, or "
                    "drop your own MIDI files here."))
        if args.play:
            player.play()


def _opened(window: MainWindow, paths: list[str]) -> None:
    """Files handed over by a second launch: queue them and play the first."""
    window.showNormal()
    window.raise_()
    window.activateWindow()
    if paths:
        window.add_paths([Path(p) for p in paths], play=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app; returns the exit status."""
    t0 = time.perf_counter()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=os.environ.get("SMOOTIFY_LOG", "WARNING"),
                        format="smootify: %(message)s")
    if not args.silent:  # the synth loads while Qt and the window come up
        from ..audio.backend import prestart

        prestart()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from .desktop_install import APP_ID
    from .single import send_to_running, server_name
    from .state import StateStore
    from .theme import apply_theme

    if QApplication.instance() is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # none yet (instance() is typed as the core one)
        app = QApplication([sys.argv[0] if sys.argv else "smootify"])
    app.setApplicationName("Smootify")
    app.setApplicationDisplayName("Smootify")
    app.setDesktopFileName(APP_ID)  # matches the installed desktop entry (Wayland app ID)
    if not args.new_instance:
        name = server_name(StateStore(args.state_dir).folder)
        files = [str(Path(p).expanduser().resolve()) for p in args.paths]
        if send_to_running(name, files, 500):
            from ..audio.backend import discard_prestarted

            discard_prestarted()
            print("smootify: handed over to the running window", file=sys.stderr)
            return 0
    apply_theme(app)
    from . import i18n

    i18n.install(app, args.lang)
    built = build(args, t0)
    built.window.show()
    gc.freeze()  # the modules and widgets made so far live as long as the app
    if args.quit_after is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(args.quit_after * 1000), built.window.close)
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
