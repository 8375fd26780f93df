"""The dark Smootify look: palette and style sheet (near-black, light-grey text, the coral
accent of :mod:`smootify_player.brand`)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFontInfo, QPalette
from PySide6.QtWidgets import QApplication

from ..brand import ACCENT, ON_ACCENT
from ..data import data_dir

__all__ = ["ACCENT", "BG", "PANEL", "TEXT", "SUBTLE", "FAMILY_COLORS", "apply_theme", "STYLE",
           "style_sheet", "base_point_size"]

BG = "#121212"
SIDEBAR = "#000000"
PANEL = "#181818"
BAR = "#181818"
TEXT = "#FFFFFF"
SUBTLE = "#B3B3B3"
MUTED = "#727272"
#: Piano-roll colours of the five instrument families (drums, piano, guitar, bass, strings);
#: none near the accent, which marks the bridges.
FAMILY_COLORS = ("#FFD54F", "#4FC3F7", "#E91E63", "#AB47BC", "#26C6DA")



def _mix(a: str, b: str, t: float) -> str:
    """``a`` moved ``t`` of the way to ``b`` (``#rrggbb`` colours)."""
    ca, cb = QColor(a), QColor(b)
    return QColor(round(ca.red() + (cb.red() - ca.red()) * t),
                  round(ca.green() + (cb.green() - ca.green()) * t),
                  round(ca.blue() + (cb.blue() - ca.blue()) * t)).name()


#: The accent under the pointer, a little lighter.
ACCENT_HOVER = _mix(ACCENT, TEXT, 0.2)
#: The top of the page's gradient: the accent sunk into the background.
ACCENT_TINT = _mix(ACCENT, BG, 0.72)

_CHEVRON = (data_dir("resources") / "icons" / "chevron-down.svg").as_posix()

#: The type sizes below are the design's pixels at 96 dpi for an application font of
#: this many points; they scale with the application font (the system's), so a user with a
#: larger system font gets larger text everywhere.
DEFAULT_POINT_SIZE = 10.0


def _pt(px: float, base: float) -> str:
    """``px`` design pixels as points for an application font of ``base`` points."""
    return f"{px * 0.75 * base / DEFAULT_POINT_SIZE:.2f}pt"


def style_sheet(base: float = DEFAULT_POINT_SIZE) -> str:
    """The style sheet with its type sizes relative to ``base``, the application font's
    point size (the system's, so a larger system font makes every text larger)."""
    return f"""
* {{
    font-family: "Inter", "Segoe UI", "Helvetica Neue", "Arial", "DejaVu Sans",
                 "Noto Sans CJK KR", "Malgun Gothic", "Apple SD Gothic Neo", "NanumGothic";
}}
QMainWindow, QWidget#central {{ background: {SIDEBAR}; }}
QWidget {{ color: {TEXT}; font-size: {_pt(13, base)}; }}
QToolTip {{ background: #282828; color: {TEXT}; border: 1px solid #3E3E3E; padding: 4px; }}
#sidebar {{ background: {SIDEBAR}; }}
#brand {{ font-size: {_pt(22, base)}; font-weight: 700; color: {TEXT}; }}
QPushButton#nav {{
    background: transparent; color: {SUBTLE}; border: 2px solid transparent; text-align: left;
    padding: 6px 10px; font-size: {_pt(14, base)}; font-weight: 700; border-radius: 6px;
}}
QPushButton#nav:focus {{ border-color: {TEXT}; }}
QPushButton#nav:hover {{ color: {TEXT}; }}
QPushButton#nav:checked {{ color: {TEXT}; background: #282828; }}
QPushButton#listener {{
    background: transparent; color: {SUBTLE}; border: 2px solid transparent; text-align: left;
    padding: 6px 10px; font-weight: 600; border-radius: 6px;
}}
QPushButton#listener:focus {{ border-color: {TEXT}; }}
QPushButton#listener:hover {{ color: {TEXT}; }}
#sideSection {{
    color: {MUTED}; font-size: {_pt(11, base)}; font-weight: 700; letter-spacing: 1px;
}}
#main {{
    background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 {ACCENT_TINT}, stop:0.32 {BG},
                                stop:1 {BG});
    border-radius: 8px;
}}
#pageTitle {{ font-size: {_pt(40, base)}; font-weight: 800; color: {TEXT}; }}
#kicker {{
    font-size: {_pt(11, base)}; font-weight: 700; color: {TEXT}; letter-spacing: 1px;
}}
#pageMeta {{ color: {SUBTLE}; font-size: {_pt(13, base)}; }}
#fieldError {{ color: #E35D5D; }}
QPushButton#playPill {{
    background: {ACCENT}; color: {ON_ACCENT}; border: 2px solid transparent; border-radius: 24px;
    font-size: {_pt(14, base)}; font-weight: 800; letter-spacing: 2px; padding: 0 28px;
    min-height: 44px;
}}
QPushButton#playPill:focus {{ border-color: {TEXT}; }}
QPushButton#playPill:hover {{ background: {ACCENT_HOVER}; }}
QPushButton#shufflePill {{
    background: transparent; color: {TEXT}; border: 1px solid #878787; border-radius: 24px;
    font-size: {_pt(14, base)}; font-weight: 800; letter-spacing: 2px; padding: 0 26px;
    min-height: 46px;
}}
QPushButton#shufflePill:hover {{ border-color: {TEXT}; }}
QPushButton#pageButton {{
    background: transparent; color: {TEXT}; border: 1px solid #878787; border-radius: 16px;
    font-weight: 700; padding: 0 18px; min-height: 32px;
}}
QPushButton#pageButton:hover, QPushButton#pageButton:focus {{ border-color: {TEXT}; }}
QPushButton#shufflePill:focus {{ border: 2px solid {TEXT}; padding: 0 25px; min-height: 44px; }}
#central QToolButton {{
    background: transparent; border: 2px solid transparent; border-radius: 16px; padding: 2px;
}}
#central QToolButton:focus {{ border-color: {TEXT}; }}
#central QToolButton:hover {{ background: rgba(255,255,255,0.08); }}
#central QToolButton#playButton {{ background: {TEXT}; border-radius: 18px; }}
#central QToolButton#playButton:hover {{ background: #f0f0f0; }}
#central QToolButton#playButton:focus {{ border-color: {ACCENT}; }}
#central QToolButton#rateButton {{
    color: {SUBTLE}; border-radius: 6px; padding: 0 5px; font-size: {_pt(11, base)};
    font-weight: 700;
}}
#central QToolButton#rateButton:hover {{ color: {ON_ACCENT}; background: {ACCENT}; }}
QTableView#queueTable {{
    background: transparent; border: 1px solid transparent; border-radius: 4px;
    color: {SUBTLE}; gridline-color: transparent;
    selection-background-color: rgba(255,255,255,0.12); selection-color: {TEXT};
    outline: 0;
}}
QTableView#queueTable:focus {{ border-color: #535353; }}
QTableView#queueTable::item {{ padding: 0 8px; border: none; }}
#queueTable QHeaderView {{ background: transparent; }}
#queueTable QHeaderView::section {{
    background: transparent; color: {SUBTLE}; border: none;
    border-bottom: 1px solid #2a2a2a; padding: 6px 8px; font-size: {_pt(12, base)};
    text-transform: uppercase;
}}
#central QScrollBar:vertical {{ background: transparent; width: 12px; margin: 0; }}
#central QScrollBar::handle:vertical {{
    background: rgba(255,255,255,0.25); min-height: 30px; border-radius: 4px; margin: 2px;
}}
#central QScrollBar::add-line, #central QScrollBar::sub-line {{ height: 0; width: 0; }}
#central QScrollBar:horizontal {{ height: 0; }}
#nowBar {{ background: {SIDEBAR}; }}
#nowTitle {{ color: {TEXT}; font-size: {_pt(14, base)}; font-weight: 600; }}
#nowSub {{ color: {SUBTLE}; font-size: {_pt(11, base)}; }}
#time {{ color: {SUBTLE}; font-size: {_pt(11, base)}; }}
#cover {{ background: #282828; border-radius: 4px; }}
QSlider {{ min-height: 16px; }}
QSlider::groove:horizontal {{ height: 4px; background: #4D4D4D; border-radius: 2px; }}
QSlider::sub-page:horizontal {{ height: 4px; background: {TEXT}; border-radius: 2px; }}
QSlider::add-page:horizontal {{ height: 4px; background: #4D4D4D; border-radius: 2px; }}
QSlider::handle:horizontal {{
    background: {TEXT}; width: 12px; height: 12px; margin: -4px 0; border-radius: 6px;
}}
QSlider::handle:horizontal:focus {{ background: {ACCENT}; }}
#notice {{
    background: #2E77D0; color: {TEXT}; border-radius: 6px; padding: 8px 14px;
    font-weight: 600;
}}
#notice[kind="error"] {{ background: #C0392B; }}
#emptyState {{ color: {SUBTLE}; font-size: {_pt(15, base)}; }}
QLineEdit#search {{
    background: #242424; color: {TEXT}; border: 1px solid #3E3E3E; border-radius: 14px;
    padding: 4px 10px;
}}
QLineEdit#search:focus {{ border-color: {TEXT}; }}
#panel {{ background: {PANEL}; border-radius: 8px; }}
#rollTitle {{ color: {SUBTLE}; font-size: {_pt(12, base)}; font-weight: 700; }}
QDialog {{ background: #282828; }}
QComboBox, QLineEdit {{
    background: #3E3E3E; border: 1px solid #535353; border-radius: 4px; padding: 5px 8px;
    color: {TEXT};
}}
QComboBox QAbstractItemView {{ background: #282828; color: {TEXT};
    selection-background-color: #3E3E3E; }}
QComboBox::drop-down {{ border: none; width: 24px; }}
QComboBox::down-arrow {{ image: url("{_CHEVRON}"); width: 14px; height: 14px; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QSplitter::handle {{ background: transparent; }}
QSplitter::handle:hover {{ background: rgba(255,255,255,0.06); border-radius: 4px; }}
#central QScrollBar::handle:vertical:hover {{ background: rgba(255,255,255,0.4); }}
#central QScrollBar::add-page, #central QScrollBar::sub-page {{ background: transparent; }}
QCheckBox {{ color: {TEXT}; spacing: 8px; }}
QDialog#settings QPushButton {{
    background: #3E3E3E; border: none; border-radius: 14px; padding: 6px 18px; color: {TEXT};
}}
QDialog#settings QPushButton:default {{
    background: {ACCENT}; color: {ON_ACCENT}; font-weight: 700;
}}
QMenu {{ background: #282828; color: {TEXT}; border: 1px solid #3E3E3E; }}
QMenu::item:selected {{ background: #3E3E3E; }}
"""


STYLE = style_sheet()


def apply_theme(app: QApplication) -> None:
    """Give ``app`` the dark palette and the Smootify style sheet."""
    app.setStyle("Fusion")
    pal = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, SIDEBAR), (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Base, BG), (QPalette.ColorRole.AlternateBase, PANEL),
        (QPalette.ColorRole.Text, TEXT), (QPalette.ColorRole.Button, "#282828"),
        (QPalette.ColorRole.ButtonText, TEXT), (QPalette.ColorRole.Highlight, ACCENT),
        (QPalette.ColorRole.HighlightedText, ON_ACCENT), (QPalette.ColorRole.ToolTipBase, PANEL),
        (QPalette.ColorRole.ToolTipText, TEXT), (QPalette.ColorRole.PlaceholderText, MUTED),
    ):
        pal.setColor(role, QColor(color))
    app.setPalette(pal)
    app.setStyleSheet(style_sheet(base_point_size(app)))


def base_point_size(app: QApplication) -> float:
    """The application font's size in points (the system font's, as the platform gives it)."""
    font = app.font()
    size = font.pointSizeF()
    if size <= 0:  # a font given in pixels
        size = QFontInfo(font).pointSizeF()
    return size if size > 0 else DEFAULT_POINT_SIZE
