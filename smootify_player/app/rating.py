"""The now-playing bar's 1-5 rating of the join playing or just heard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

__all__ = ["JoinRating", "RATE_WINDOW_S", "CONFIRM_MS", "join_key"]

# The rating is offered while a join plays and this many seconds after it ended.
RATE_WINDOW_S = 30.0
# How long "Rated 4" shows.
CONFIRM_MS = 2500


def join_key(record: Any) -> tuple[Any, ...]:
    """What tells one join from another (its songs and bars)."""
    return (record.a_digest, record.b_digest, record.exit_bar, record.entry_bar,
            record.method, record.mode)


class JoinRating(QWidget):
    """"Rate the join" and five buttons, 1 to 5, shown while a join plays and for
    :data:`RATE_WINDOW_S` after; a click emits :attr:`rated` and hides the buttons, and
    :meth:`confirm` then says "Rated 4" for a moment.

    :meth:`follow` is told the join each tick (``Player.last_join()``); a join rated once is
    not offered again. The buttons take the keyboard's focus (Tab) and read out their value.
    """

    # The value clicked (1-5) and the join it rates (a ``JoinRecord``).
    rated = Signal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("joinRating")
        self.record: Any = None  # the join offered
        self._rated_key: tuple[Any, ...] | None = None  # the join rated last
        self._last_since = 0.0  # the offered join's seconds_since at the last tick
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.prompt = QLabel(self.tr("Rate the join"))
        self.prompt.setObjectName("time")
        lay.addWidget(self.prompt)
        lay.addSpacing(4)
        self.buttons: list[QToolButton] = []
        for value in range(1, 6):
            b = QToolButton()
            b.setObjectName("rateButton")
            b.setText(str(value))
            b.setToolTip(self.tr("Rate this join {n} of 5").format(n=value))
            b.setAccessibleName(self.tr("Rate {n} of 5").format(n=value))
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.setAutoRaise(True)
            b.clicked.connect(lambda _=False, v=value: self._clicked(v))
            lay.addWidget(b)
            self.buttons.append(b)
        self.done = QLabel("")
        self.done.setObjectName("time")
        lay.addWidget(self.done)
        self._confirm_timer = QTimer(self)
        self._confirm_timer.setSingleShot(True)
        self._confirm_timer.setInterval(CONFIRM_MS)
        self._confirm_timer.timeout.connect(self._confirmed)
        self._show_buttons(False)
        self.done.hide()

    @property
    def offered(self) -> bool:
        """The buttons show."""
        return not self.buttons[0].isHidden()

    def follow(self, record: Any) -> None:
        """The join playing or last heard (None before any): offer it while it is fresh."""
        if record is None or record.seconds_since > RATE_WINDOW_S:
            self.record, self._rated_key, self._last_since = None, None, 0.0
            if self.offered:
                self._show_buttons(False)
            return
        key = join_key(record)
        if key == self._rated_key and record.seconds_since < self._last_since:
            self._rated_key = None  # the same songs joined again: a new join
        self._last_since = record.seconds_since
        self.record = record
        wanted = key != self._rated_key and not self._confirm_timer.isActive()
        if wanted != self.offered:
            self._show_buttons(wanted)

    def _clicked(self, value: int) -> None:
        record = self.record
        if record is None:
            return
        self._rated_key = join_key(record)
        self._show_buttons(False)
        self.rated.emit(value, record)

    def confirm(self, value: int) -> None:
        """Say that the rating ``value`` was stored."""
        self.done.setText(self.tr("Rated {n}").format(n=value))
        self.done.show()
        self._confirm_timer.start()

    def _confirmed(self) -> None:
        self.done.hide()
        self.done.setText("")

    def _show_buttons(self, shown: bool) -> None:
        for w in (self.prompt, *self.buttons):
            w.setVisible(shown)
