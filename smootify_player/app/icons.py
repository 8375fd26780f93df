"""SVG icons from resources/icons, tinted to any colour and sharp at every device pixel ratio."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ..data import data_dir

__all__ = ["ICON_DIR", "RESOURCES", "icon", "svg_pixmap"]

RESOURCES = data_dir("resources")
ICON_DIR = RESOURCES / "icons"
_PLACEHOLDER = "#ffffff"


@cache
def _svg_bytes(name: str, color: str) -> bytes:
    text = (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")
    return text.replace(_PLACEHOLDER, color).encode("utf-8")


class _SvgEngine(QIconEngine):
    """Renders the SVG at whatever size Qt asks for; a second colour for hover/active."""

    def __init__(self, name: str, color: str, active: str | None) -> None:
        super().__init__()
        self._name, self._color, self._active = name, color, active or color

    def _renderer(self, mode: QIcon.Mode, state: QIcon.State) -> QSvgRenderer:
        color = self._active if mode in (QIcon.Mode.Active, QIcon.Mode.Selected) else self._color
        if state == QIcon.State.On:
            color = self._active
        if mode == QIcon.Mode.Disabled:
            color = "#535353"
        return QSvgRenderer(QByteArray(_svg_bytes(self._name, color)))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,
              state: QIcon.State) -> None:
        self._renderer(mode, state).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pm = QPixmap(size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(p, QRect(QPoint(0, 0), size), mode, state)
        p.end()
        return pm

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,
                     scale: float) -> QPixmap:
        pm = self.pixmap(size * scale, mode, state)
        pm.setDevicePixelRatio(scale)
        return pm

    def clone(self) -> QIconEngine:
        return _SvgEngine(self._name, self._color, self._active)


def icon(name: str, color: str = "#b3b3b3", active: str | None = "#ffffff") -> QIcon:
    """The icon ``resources/icons/<name>.svg`` drawn in ``color`` (``active`` on hover/checked)."""
    return QIcon(_SvgEngine(name, color, active))


def svg_pixmap(name: str, size: int, ratio: float = 1.0, color: str = "#ffffff") -> QPixmap:
    """A pixmap of the icon at ``size`` logical pixels for a screen of device ``ratio``."""
    pm = QPixmap(QSize(size, size) * ratio)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(_svg_bytes(name, color))).render(p)
    p.end()
    pm.setDevicePixelRatio(ratio)
    return pm
