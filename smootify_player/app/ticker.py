"""The core's clock in the app: a timer that drives ``Player.poll()`` and says where play is."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..player import NowPlaying, Player

__all__ = ["Ticker", "INTERVAL_MS"]

#: 30 Hz: the player follows the play position and the piano roll scrolls smoothly.
INTERVAL_MS = 33


class Ticker(QObject):
    """Calls ``player.poll()`` every ``interval_ms`` on the UI thread, then emits :attr:`ticked`.

    The Player is Qt-free and needs someone to call :meth:`Player.poll` regularly (it follows
    the play position, splices in the next join, builds a late one on the spot). This object
    is that someone; views connect to :attr:`ticked` for the position and the card.
    """

    #: The :class:`~smootify_player.player.NowPlaying` after each poll.
    ticked = Signal(object)

    def __init__(self, player: Player, interval_ms: int = INTERVAL_MS,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.player = player
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        """Stop polling (before the Player closes)."""
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def tick(self) -> NowPlaying:
        """Poll the player once and tell the listeners where play is."""
        self.player.poll()
        np_ = self.player.now_playing()
        self.ticked.emit(np_)
        return np_
