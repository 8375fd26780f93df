"""Custom widgets: the piano roll, the seek bar with bridge marks, the now-playing bar and
the notice banner."""

from __future__ import annotations

import html
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..brand import ON_ACCENT
from ..music.families import FAMILIES
from ..player import NowPlaying, Player, RollNote
from .i18n import core_text, join_name, translate
from .icons import icon, svg_pixmap
from .rating import JoinRating
from .theme import ACCENT, FAMILY_COLORS, MUTED, SUBTLE

__all__ = ["PianoRoll", "SeekSlider", "NowPlayingBar", "NoticeBanner", "ElidedLabel",
           "JumpSlider", "elide_pair", "fmt_time", "family_name", "tool_button",
           "file_dialog_options"]


def family_name(name: str) -> str:
    """An instrument family's name (``music.families.FAMILIES``) in the app's language."""
    names = {
        "Drums": translate("PianoRoll", "Drums"),
        "Piano": translate("PianoRoll", "Piano"),
        "Guitar": translate("PianoRoll", "Guitar"),
        "Bass": translate("PianoRoll", "Bass"),
        "Strings": translate("PianoRoll", "Strings"),
    }
    return names.get(name, name)


def file_dialog_options(folder: bool = False) -> QFileDialog.Option:
    """The options every file dialog is opened with: the platform's own dialog (never
    ``DontUseNativeDialog``; Qt shows its own only where the platform has none, and the
    theme's rules for the window's tables, headers, buttons and scroll bars stay out of
    it), folders only when a folder is chosen."""
    options = QFileDialog.Option(0)
    if folder:
        options |= QFileDialog.Option.ShowDirsOnly
    return options


def fmt_time(seconds: float) -> str:
    """m:ss."""
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def tool_button(name: str, tip: str, size: int = 20, checkable: bool = False,
                color: str = SUBTLE, accessible: str | None = None) -> QToolButton:
    """A flat icon button; ``accessible`` is what a screen reader calls it (default: ``tip``).

    It takes focus from the keyboard (Tab), not from a click, so its focus ring shows only
    while the keyboard is used.
    """
    b = QToolButton()
    b.setIcon(icon(name, color, ACCENT if checkable else "#ffffff"))
    b.setIconSize(QSize(size, size))
    b.setToolTip(tip)
    b.setAccessibleName(accessible or tip)
    b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    b.setCheckable(checkable)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.setAutoRaise(True)
    return b


class PianoRoll(QWidget):
    """What is playing as a scrolling piano roll; bridges are highlighted in the accent."""

    BEHIND, AHEAD = 3.0, 7.0  # seconds shown before and after the playhead

    def __init__(self, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Piano roll"))
        self.setAccessibleDescription(self.tr("The notes playing now; bridges are highlighted"))
        self._colors = [QColor(c) for c in FAMILY_COLORS]
        self.legend_rect = QRectF()
        self.chips: list[QRectF] = []  # where the last paint put the bridge chips
        self._font = QFont(self.font())
        self._font.setPointSizeF(self._font.pointSizeF() * 0.85)  # the legend, a notch smaller
        self._font.setBold(True)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect())
        path = QPainterPath()
        path.addRoundedRect(r, 8, 8)
        p.fillPath(path, QColor("#181818"))
        p.setClipPath(path)
        now = self.player.position_seconds()
        t0, t1 = now - self.BEHIND, now + self.AHEAD
        w, h = r.width(), r.height()

        def x(t: float) -> float:
            return (t - t0) / (t1 - t0) * w

        notes, spans = self.player.roll(t0, t1) if self.player.timeline.segments else ([], [])
        self.legend_rect = self._legend_rect()
        bands = [(QRectF(x(s0), 0, x(s1) - x(s0), h), composer) for s0, s1, composer in spans]
        for band, _ in bands:
            self._paint_band(p, band)
        if notes:
            self._paint_notes(p, notes, x, now, top=22.0, bottom=h - 8.0)
        if self.playhead_shown():
            px = x(now)
            p.setPen(QPen(QColor("#FFFFFF"), 1.5))
            p.drawLine(QPointF(px, 0), QPointF(px, h))
        self.chips = []
        self._paint_legend(p)
        for band, composer in bands:
            self._paint_chip(p, band, composer, w)
        if not self.player.timeline.segments:
            p.setPen(QColor(MUTED))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter,
                       self.tr("Press PLAY: the piano roll follows the music"))
        p.end()

    def playhead_shown(self) -> bool:
        """The playhead shows while a song is loaded (playing or paused), not before."""
        return bool(self.player.timeline.segments) and \
            self.player.state in ("playing", "paused")

    def _legend_rect(self) -> QRectF:
        """Where the instrument legend is drawn (top left)."""
        fm = QFontMetricsF(self._font)
        width = sum(22 + fm.horizontalAdvance(family_name(n)) for n in FAMILIES)
        return QRectF(4, 2, width + 6, 18)

    def _paint_band(self, p: QPainter, band: QRectF) -> None:
        """A join: a band in the accent with edges."""
        h = band.height()
        g = QLinearGradient(band.topLeft(), band.bottomLeft())
        top, bottom = QColor(ACCENT), QColor(ACCENT)
        top.setAlpha(90)
        bottom.setAlpha(30)
        g.setColorAt(0, top)
        g.setColorAt(1, bottom)
        p.fillRect(band, g)
        p.setPen(QPen(QColor(ACCENT), 1.5))
        p.drawLine(QPointF(band.left(), 0), QPointF(band.left(), h))
        p.drawLine(QPointF(band.right(), 0), QPointF(band.right(), h))

    def _paint_chip(self, p: QPainter, band: QRectF, composer: str, w: float) -> None:
        """The chip naming what composed a join, at the band's top right; below the legend
        when it would cover it."""
        label = (self.tr("BRIDGE · {composer}").format(composer=join_name(composer).upper())
                 if composer else self.tr("BRIDGE"))
        p.setFont(self._font)
        fm = p.fontMetrics()
        chip = QRectF(0, 0, fm.horizontalAdvance(label) + 14, 18)
        chip.moveTopRight(QPointF(min(band.right(), w) - 6, 4))
        if chip.left() < band.left() + 4 and band.left() > 0:
            chip.moveTopLeft(QPointF(band.left() + 6, 4))
        if chip.intersects(self.legend_rect):
            chip.moveTop(self.legend_rect.bottom() + 4)
        self.chips.append(chip)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(ACCENT))
        p.drawRoundedRect(chip, 9, 9)
        p.setPen(QColor(ON_ACCENT))
        p.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)

    def _paint_notes(self, p: QPainter, notes: list[RollNote], x: Callable[[float], float],
                     now: float, top: float, bottom: float) -> None:
        """The notes, pitched between ``top`` and ``bottom``; drums in a thin band below."""
        pitched = [n.pitch for n in notes if n.family != 0]
        lo = min(pitched) if pitched else 36
        hi = max(pitched) if pitched else 84
        lo, hi = min(lo, 40) - 2, max(hi, 76) + 2
        row = (bottom - top) / (hi - lo + 1)
        p.setPen(Qt.PenStyle.NoPen)
        for n in notes:
            if n.family == 0:  # drums: a thin band at the bottom
                y, hh = bottom - 6 - (n.pitch % 12) * 0.6, 3.0
            else:
                y, hh = bottom - (n.pitch - lo + 1) * row, max(row - 0.5, 2.5)
            c = QColor(self._colors[n.family])
            if n.start > now:
                c.setAlpha(110)
            if n.bridge:
                c = c.lighter(125)
            xa, xb = x(n.start), x(n.end)
            p.setBrush(c)
            p.drawRoundedRect(QRectF(xa, y, max(xb - xa - 1, 2), hh), 1.5, 1.5)

    def _paint_legend(self, p: QPainter) -> None:
        """One colour chip per instrument family, top left."""
        p.setFont(self._font)
        lx = 10.0
        for name, col in zip(FAMILIES, self._colors):
            p.setBrush(col)
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(QRectF(lx, 7, 8, 8), 2, 2)
            p.setPen(QColor(SUBTLE))
            shown = family_name(name)
            p.drawText(QPointF(lx + 12, 15), shown)
            lx += 22 + p.fontMetrics().horizontalAdvance(shown)


def elide_pair(text: str, fm: QFontMetrics, width: int, sep: str = " + ") -> str:
    """``text`` elided with "…" to fit ``width``; an "A + B" title gives B (what comes) its
    room first and elides A, so both names stay readable."""
    if fm.horizontalAdvance(text) <= width:
        return text
    right = Qt.TextElideMode.ElideRight
    if sep not in text:
        return fm.elidedText(text, right, width)
    a, b = text.split(sep, 1)
    room = width - fm.horizontalAdvance(sep)
    aw, bw = fm.horizontalAdvance(a), fm.horizontalAdvance(b)
    if aw <= room * 0.35:  # A is short: it stays whole, B takes the rest
        return a + sep + fm.elidedText(b, right, room - aw)
    # B whole when it fits its share (elidedText at B's own rounded width may cut it)
    b_el = b if bw <= room * 0.6 else fm.elidedText(b, right, int(room * 0.6))
    return fm.elidedText(a, right, room - fm.horizontalAdvance(b_el)) + sep + b_el


class ElidedLabel(QLabel):
    """A one-line label that elides its text with "…" to fit (see :func:`elide_pair`); the
    whole text is its tooltip and accessible name while elided."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full = ""
        self.setMinimumWidth(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.set_full(text)

    def set_full(self, text: str) -> None:
        """Show ``text`` (elided when it does not fit)."""
        if text != self.full:
            self.full = text
            self._refit()

    def _refit(self) -> None:
        self.ensurePolished()
        shown = elide_pair(self.full, self.fontMetrics(), max(self.contentsRect().width(), 1))
        if shown != self.text():
            self.setText(shown)
        tip = self.full if shown != self.full else ""
        if tip != self.toolTip():
            self.setToolTip(tip)
            self.setAccessibleName(tip)

    def resizeEvent(self, ev: Any) -> None:
        super().resizeEvent(ev)
        self._refit()

    def changeEvent(self, ev: QEvent) -> None:
        super().changeEvent(ev)
        if ev.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._refit()


class JumpSlider(QSlider):
    """A slider whose groove jumps to the click (not a page step), then drags from there."""

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            opt = QStyleOptionSlider()
            self.initStyleOption(opt)
            handle = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                                 QStyle.SubControl.SC_SliderHandle, self)
            if not handle.contains(ev.position().toPoint()):
                groove = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                                     QStyle.SubControl.SC_SliderGroove, self)
                span = max(groove.width() - handle.width(), 1)
                x = int(ev.position().x()) - groove.left() - handle.width() // 2
                self.setValue(QStyle.sliderValueFromPosition(self.minimum(), self.maximum(),
                                                             x, span))
        super().mousePressEvent(ev)


class SeekSlider(QSlider):
    """A horizontal seek bar in milliseconds, with the bridges drawn on the groove in the accent."""

    seek_requested = Signal(float)  # seconds
    #: The keys' steps: arrows 5 s, Page Up/Down 30 s.
    STEP_MS, PAGE_MS = 5000, 30000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.marks: list[tuple[float, float]] = []
        self.setRange(0, 1000)
        self.setSingleStep(self.STEP_MS)
        self.setPageStep(self.PAGE_MS)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(self.tr("Seek"))
        self.setAccessibleDescription(self.tr("Position in the song; arrow keys move 5 seconds"))
        self._pressing = False
        self.sliderReleased.connect(lambda: self.seek_requested.emit(self.value() / 1000.0))
        self.actionTriggered.connect(self._on_action)

    def _on_action(self, action: int) -> None:
        """Keys and the wheel step the slider: seek there (a drag seeks on release)."""
        if self._pressing or self.isSliderDown() or \
                getattr(action, "value", action) == QSlider.SliderAction.SliderMove.value:
            return
        self.seek_requested.emit(self.sliderPosition() / 1000.0)

    def set_duration(self, seconds: float) -> None:
        self.setMaximum(max(1, int(seconds * 1000)))

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            opt = QStyleOptionSlider()
            self.initStyleOption(opt)
            groove = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                                 QStyle.SubControl.SC_SliderGroove, self)
            frac = (ev.position().x() - groove.left()) / max(groove.width(), 1)
            value = int(max(0.0, min(1.0, frac)) * self.maximum())
            self.setValue(value)
            self.seek_requested.emit(value / 1000.0)
        self._pressing = True  # a click on the groove may also page-step: not a second seek
        try:
            super().mousePressEvent(ev)
        finally:
            self._pressing = False

    def paintEvent(self, ev: QPaintEvent) -> None:
        super().paintEvent(ev)
        if not self.marks or self.maximum() <= 0:
            return
        p = QPainter(self)
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                             QStyle.SubControl.SC_SliderGroove, self)
        cy = groove.center().y()
        total = self.maximum() / 1000.0
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(ACCENT))
        for a, b in self.marks:
            xa = groove.left() + a / total * groove.width()
            xb = groove.left() + b / total * groove.width()
            p.drawRoundedRect(QRectF(xa, cy - 3, max(xb - xa, 3), 6), 3, 3)
        p.end()


class _Cover(QLabel):
    """The square art of the now-playing card: the logo, or the bridge icon during a bridge."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("cover")
        self.setFixedSize(56, 56)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._bridge: bool | None = None
        self.set_bridge(False)

    def set_bridge(self, bridge: bool) -> None:
        if bridge == self._bridge:
            return
        self._bridge = bridge
        ratio = self.devicePixelRatioF()
        self.setPixmap(svg_pixmap("bridge", 30, ratio, ACCENT) if bridge
                       else svg_pixmap("note", 26, ratio, "#b3b3b3"))


class NowPlayingBar(QWidget):
    """Bottom bar: card (title, "A + B" during a bridge), transport, seek bar, volume, the
    rating of the join."""

    def __init__(self, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.setObjectName("nowBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedHeight(88)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 8, 16, 8)
        lay.setSpacing(12)
        lay.addWidget(self._card())
        lay.addLayout(self._transport(), 1)
        lay.addWidget(self._volume())
        self.set_playing(False)

    def _card(self) -> QWidget:
        """The cover, the title and the line under it."""
        card = QWidget()
        card.setFixedWidth(320)
        cl = QHBoxLayout(card)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(12)
        self.cover = _Cover()
        cl.addWidget(self.cover)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addStretch(1)
        self.title = ElidedLabel(self.tr("Nothing playing"))
        self.title.setObjectName("nowTitle")
        self.subtitle = ElidedLabel("")
        self.subtitle.setObjectName("nowSub")
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        texts.addStretch(1)
        cl.addLayout(texts, 1)
        return card

    def _transport(self) -> QVBoxLayout:
        """Previous, play/pause, next; the seek bar between the elapsed and total times."""
        mid = QVBoxLayout()
        mid.setSpacing(4)
        buttons = QHBoxLayout()
        buttons.setSpacing(18)
        buttons.addStretch(1)
        self.prev_btn = tool_button("previous", self.tr("Previous (Ctrl+Left)"), 18,
                                    accessible=self.tr("Previous"))
        self.play_btn = QToolButton()
        self.play_btn.setObjectName("playButton")
        self.play_btn.setFixedSize(36, 36)
        self.play_btn.setIconSize(QSize(18, 18))
        self.play_btn.setToolTip(self.tr("Play/Pause (Space)"))
        self.play_btn.setAccessibleName(self.tr("Play"))
        self.play_btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.play_btn.setCursor(Qt.CursorShape.PointingHandCursor)
        self.next_btn = tool_button("next", self.tr("Next: mix now (Ctrl+Right)"), 18,
                                    accessible=self.tr("Next"))
        for b in (self.prev_btn, self.play_btn, self.next_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        mid.addLayout(buttons)
        seek_row = QHBoxLayout()
        seek_row.setSpacing(8)
        self.elapsed = _time_label()
        self.elapsed.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.total = _time_label()
        self.seek = SeekSlider()
        self.seek.setToolTip(self.tr("Seek (Shift+Left / Shift+Right: 5 seconds)"))
        seek_row.addWidget(self.elapsed)
        seek_row.addWidget(self.seek, 1)
        seek_row.addWidget(self.total)
        mid.addLayout(seek_row)
        return mid

    def _volume(self) -> QWidget:
        """The audio label, the mute button and the volume slider, right-aligned; above
        them, the rating of the join (while one is offered)."""
        right = QHBoxLayout()
        right.setSpacing(6)
        self.audio_label = QLabel("")
        self.audio_label.setObjectName("time")
        self.vol_btn = tool_button("volume", self.tr("Mute"), 18)
        self.volume = JumpSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setSingleStep(5)
        self.volume.setPageStep(10)
        self.volume.setFixedWidth(110)
        self.volume.setAccessibleName(self.tr("Volume"))
        self.volume.setToolTip(self.tr("Volume (Ctrl+Up / Ctrl+Down)"))
        right.addStretch(1)
        right.addWidget(self.audio_label)
        right.addWidget(self.vol_btn)
        right.addWidget(self.volume)
        self.rating = JoinRating()
        rating_row = QHBoxLayout()
        rating_row.addStretch(1)
        rating_row.addWidget(self.rating)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addStretch(1)
        column.addLayout(rating_row)
        column.addLayout(right)
        column.addStretch(1)
        rw = QWidget()
        rw.setFixedWidth(320)
        rw.setLayout(column)
        return rw

    def set_playing(self, playing: bool) -> None:
        self.play_btn.setIcon(icon("pause" if playing else "play", "#000000", "#000000"))
        self.play_btn.setToolTip(self.tr("Pause (Space)") if playing else self.tr("Play (Space)"))
        self.play_btn.setAccessibleName(self.tr("Pause") if playing else self.tr("Play"))

    def update_from(self, np_: NowPlaying) -> None:
        """Refresh the card, the times and the seek bar from ``np_``."""
        self.title.set_full(np_.title or self.tr("Nothing playing"))
        self.subtitle.set_full(core_text(np_.subtitle))
        self.cover.set_bridge(np_.in_bridge)
        self.elapsed.setText(fmt_time(np_.position))
        self.total.setText(fmt_time(np_.duration))
        self.seek.set_duration(np_.duration)
        self.seek.marks = np_.marks
        if not self.seek.isSliderDown():
            self.seek.setValue(int(np_.position * 1000))
        self.seek.update()


def _time_label() -> QLabel:
    """An m:ss label beside the seek bar."""
    lab = QLabel("0:00")
    lab.setObjectName("time")
    lab.setFixedWidth(40)
    return lab


class NoticeBanner(QLabel):
    """Notices floating at the bottom of its parent, one at a time, each for a few seconds.

    Notices queue up: a new one waits for the one showing (each shows at least
    :attr:`MIN_MS`, :attr:`SHOW_MS` when none waits), so none hides another; "+N more"
    says how many wait. A notice may carry an action (a link, e.g. "Undo"). Errors and
    information look different (the theme styles the ``kind`` property). It keeps itself
    centred over its parent as the parent resizes or first shows.
    """

    SHOW_MS = 7000
    MIN_MS = 3000

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.hide()
        #: What waits: (text, error, action label, action).
        self.pending: deque[tuple[str, bool, str, Callable[[], None] | None]] = deque()
        self.current = ""
        self._label = ""
        self._action: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.next)
        self._shown_at = 0.0
        self.linkActivated.connect(self._activated)
        parent.installEventFilter(self)

    def post(self, text: str, error: bool = False, action: str = "",
             on_action: Callable[[], None] | None = None) -> None:
        """Show ``text`` now, or after the notices already waiting."""
        self.pending.append((text, error, action, on_action))
        if not self.isVisible() and not self._timer.isActive():
            self.next()
        else:
            self._update_more()
            left = self._timer.remainingTime()
            shown = (time.monotonic() - self._shown_at) * 1000
            if left > 0 and shown + left > self.MIN_MS:  # the one showing gives way sooner
                self._timer.start(max(int(self.MIN_MS - shown), 0))

    def next(self) -> None:
        """Show the next waiting notice, or hide when none waits."""
        if not self.pending:
            self.current, self._action = "", None
            self.hide()
            return
        text, error, action, on_action = self.pending.popleft()
        self.current, self._action, self._label = text, on_action, action
        self.setProperty("kind", "error" if error else "info")
        self.style().unpolish(self)
        self.style().polish(self)
        self._update_more()
        self.show()
        self.raise_()
        self._shown_at = time.monotonic()
        self._timer.start(self.MIN_MS if self.pending else self.SHOW_MS)

    def _update_more(self) -> None:
        body = html.escape(self.current)
        if self._action is not None:
            body += f' &nbsp;<a href="action" style="color:#ffffff; font-weight:700">' \
                    f"{html.escape(self._label)}</a>"
        if self.pending:
            more = self.tr("+{n} more").format(n=len(self.pending))
            body += f' &nbsp;<span style="color:#d0d0d0">{html.escape(more)}</span>'
        self.setText(body)
        self.place()

    def _activated(self, _link: str) -> None:
        action, self._action = self._action, None
        self.next()
        if action is not None:
            action()

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if obj is self.parentWidget() and ev.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.place()
        return False

    def place(self) -> None:
        """Centre it near the bottom of its parent, at most 720 pixels wide."""
        parent = self.parentWidget()
        if parent is None:
            return
        w = min(parent.width() - 40, 720)
        self.setFixedWidth(max(w, 200))
        self.adjustSize()
        self.move((parent.width() - self.width()) // 2,
                  parent.height() - self.height() - 18)
