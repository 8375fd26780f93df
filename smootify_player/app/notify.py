"""A desktop notification when the song changes (the ``notify`` setting, off by default).

:class:`SongNotifier` follows the Player's ``current`` events and, while the song plays and
the window is not the active one, calls ``org.freedesktop.Notifications.Notify`` on the
session bus through QtDBus (as :mod:`.mpris` talks to the bus): app name "Smootify", the
icon ``io.github.smootify.Smootify``, the song's title as the summary, and as the body its
credit and, when the song comes in through a join, the card's "A + B" line ("alpha + beta ·
Bridge · AI bridge"). Each notification replaces the one before, so they do not pile up.

The call is asynchronous: the window never waits for the notification server. Without a
session bus, or with no notification server on it, or when it answers with an error, one
line is logged (once) and nothing else happens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMetaType, QObject
from PySide6.QtDBus import (
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusPendingCallWatcher,
)

from ..player import Player
from ..player.states import PlayerEvent, PlayState
from .desktop_install import APP_ID
from .i18n import core_text
from .mpris import session_address, uint32

__all__ = ["SongNotifier", "NOTIFY_SERVICE", "NOTIFY_PATH", "NOTIFY_IFACE", "APP_NAME",
           "notification_text"]

log = logging.getLogger("smootify.app")

NOTIFY_SERVICE = "org.freedesktop.Notifications"
NOTIFY_PATH = "/org/freedesktop/Notifications"
NOTIFY_IFACE = "org.freedesktop.Notifications"
APP_NAME = "Smootify"
#: How long a notification shows, in ms (-1: the server's default).
EXPIRE_MS = -1


def notification_text(player: Player) -> tuple[str, str] | None:
    """(summary, body) for the song playing now, None when nothing is."""
    np_ = player.now_playing()
    entry = np_.entry
    if entry is None:
        return None
    lines = [entry.credit] if entry.credit else []
    if np_.in_bridge:
        lines.append(f"{np_.title} · {core_text(np_.subtitle)}" if np_.subtitle
                     else np_.title)
    return entry.title, "\n".join(lines)


class SongNotifier(QObject):
    """Sends a desktop notification when the song changes, if the setting is on.

    Parameters
    ----------
    player : Player
        Followed through its listeners; ``player.settings.notify`` turns it on.
    active : callable
        True while the window is the active one (then nothing is sent).
    """

    def __init__(self, player: Player, active: Callable[[], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.active = active
        self.sent = 0  # Notify calls made
        self.last_id = 0  # the server's id of the last one: the next replaces it
        self._bus: QDBusConnection | None = None
        self._conn_name = f"smootify-notify-{id(self):x}"
        self._failed = False  # a failure was logged: the next ones are not
        self._watchers: set[QDBusPendingCallWatcher] = set()
        player.listeners.append(self._on_player)

    def close(self) -> None:
        """Stop following the player and leave the bus (the window is closing)."""
        if self._on_player in self.player.listeners:
            self.player.listeners.remove(self._on_player)
        if self._bus is not None:
            self._bus = None
            QDBusConnection.disconnectFromBus(self._conn_name)

    def _on_player(self, kind: str, payload: Any) -> None:
        if kind == PlayerEvent.CURRENT and payload is not None:
            self.song_changed()

    def song_changed(self) -> bool:
        """Notify of the song now playing if the setting is on, it plays and the window is
        not active; True when a notification was sent."""
        if not self.player.settings.notify or \
                self.player.state != PlayState.PLAYING or self.active():
            return False
        text = notification_text(self.player)
        if not text:
            return False
        return self.notify(*text)

    def notify(self, summary: str, body: str) -> bool:
        """Send one notification (asynchronously); False when there is no bus to send it on."""
        bus = self._connect()
        if bus is None:
            return False
        msg = QDBusMessage.createMethodCall(NOTIFY_SERVICE, NOTIFY_PATH, NOTIFY_IFACE, "Notify")
        actions = QDBusArgument()  # an empty 'as' (a bare [] would go out as 'av')
        actions.beginArray(QMetaType(QMetaType.Type.QString))
        actions.endArray()
        hints = {"desktop-entry": APP_ID}
        msg.setArguments([APP_NAME, uint32(self.last_id), APP_ID, summary, body, actions, hints,
                          EXPIRE_MS])
        watcher = QDBusPendingCallWatcher(bus.asyncCall(msg), self)
        self._watchers.add(watcher)
        watcher.finished.connect(lambda w=watcher: self._replied(w))
        self.sent += 1
        return True

    def _connect(self) -> QDBusConnection | None:
        if self._bus is not None and self._bus.isConnected():
            return self._bus
        address = session_address()
        if not address:
            self._fail("no session bus")
            return None
        bus = QDBusConnection.connectToBus(address, self._conn_name)
        if not bus.isConnected():
            self._fail(bus.lastError().message() or address)
            QDBusConnection.disconnectFromBus(self._conn_name)
            return None
        self._bus = bus
        return bus

    def _replied(self, watcher: QDBusPendingCallWatcher) -> None:
        self._watchers.discard(watcher)
        watcher.deleteLater()
        if watcher.isError():
            err = watcher.error()
            self._fail(f"{err.name()}: {err.message()}")
            return
        args = watcher.reply().arguments()
        if args and isinstance(args[0], int):
            self.last_id = args[0]

    def _fail(self, why: str) -> None:
        if not self._failed:
            self._failed = True
            log.warning("Notifications: cannot show the song change (%s)", why)
