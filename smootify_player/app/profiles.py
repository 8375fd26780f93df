""""Who's listening?": pick the listener whose ratings these are, or add one (name, colour)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .theme import ACCENT

__all__ = ["ProfileDialog", "swatch", "DEFAULT_NAME", "MAX_NAME"]

# The profile ratings belong to when none is chosen (library.ratings.DEFAULT_PROFILE).
DEFAULT_NAME = "Default"
# A listener's name: 1 to this many characters (library.ratings).
MAX_NAME = 64
# Where a list item keeps its listener's colour and name (its text may be translated).
COLOUR_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


def swatch(colour: str, size: int = 14) -> QIcon:
    """A round dot of ``colour`` (a listener's colour)."""
    pm = QPixmap(QSize(size, size))
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pm)


class ProfileDialog(QDialog):
    """The listeners (a colour dot and a name each), the one listening now selected, and a
    row to add one: a name and a colour. :meth:`chosen` after it is accepted; the listeners
    added are in :attr:`added` (the caller stores them)."""

    def __init__(self, profiles: Sequence[tuple[str, str]], current: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Who's listening?"))
        self.setMinimumWidth(380)
        self.added: list[tuple[str, str]] = []
        self._colour = ACCENT.lower()
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Ratings of joins are stored for the listener chosen "
                                     "here.")))
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Listeners"))
        for name, colour in profiles:
            self._add_item(name, colour)
        if self.list.count() == 0:
            self._add_item(DEFAULT_NAME, ACCENT.lower())
        self.select(current or DEFAULT_NAME)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        lay.addWidget(self.list, 1)
        lay.addLayout(self._new_row())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _new_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("New listener's name"))
        self.name.setAccessibleName(self.tr("New listener's name"))
        self.name.setMaxLength(MAX_NAME)
        self.name.returnPressed.connect(self.add_listener)
        self.colour_btn = QPushButton(self.tr("Colour…"))
        self.colour_btn.setAccessibleName(self.tr("New listener's colour"))
        self.colour_btn.setIcon(swatch(self._colour))
        self.colour_btn.clicked.connect(self._pick_colour)
        self.add_btn = QPushButton(self.tr("Add"))
        self.add_btn.setAccessibleName(self.tr("Add the listener"))
        self.add_btn.clicked.connect(self.add_listener)
        row.addWidget(self.name, 1)
        row.addWidget(self.colour_btn)
        row.addWidget(self.add_btn)
        return row

    def _add_item(self, name: str, colour: str) -> QListWidgetItem:
        shown = self.tr("Default") if name == DEFAULT_NAME else name
        item = QListWidgetItem(swatch(colour), shown)
        item.setData(COLOUR_ROLE, colour)
        item.setData(NAME_ROLE, name)
        self.list.addItem(item)
        return item

    def _find(self, name: str) -> QListWidgetItem | None:
        key = " ".join(name.split()).casefold()
        for i in range(self.list.count()):
            item = self.list.item(i)
            if str(item.data(NAME_ROLE)).casefold() == key or item.text().casefold() == key:
                return item
        return None

    def select(self, name: str) -> None:
        """Select the listener ``name`` (any case), when listed."""
        item = self._find(name)
        if item is not None:
            self.list.setCurrentItem(item)

    def set_colour(self, colour: str) -> None:
        """The colour of the next listener added (``#rrggbb``)."""
        self._colour = QColor(colour).name()
        self.colour_btn.setIcon(swatch(self._colour))

    def _pick_colour(self) -> None:
        c = QColorDialog.getColor(QColor(self._colour), self, self.tr("Listener's colour"))
        if c.isValid():
            self.set_colour(c.name())

    def add_listener(self) -> None:
        """Add the name typed, in the colour chosen, and select it (a name already listed is
        selected instead)."""
        name = " ".join(self.name.text().split())
        if not name:
            return
        item = self._find(name)
        if item is None:
            item = self._add_item(name, self._colour)
            self.added.append((name, self._colour))
        self.list.setCurrentItem(item)
        self.name.clear()

    def chosen(self) -> tuple[str, str]:
        """(name, colour) of the listener selected."""
        item = self.list.currentItem() or self.list.item(0)
        return str(item.data(NAME_ROLE)), str(item.data(COLOUR_ROLE))

    def accept(self) -> None:
        if self.name.text().strip():  # a name typed and not added yet: add it
            self.add_listener()
        super().accept()

    def keyPressEvent(self, ev: Any) -> None:
        # Enter in the name field adds the listener; it does not close the dialog
        if self.name.hasFocus() and ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.add_listener()
            return
        super().keyPressEvent(ev)
