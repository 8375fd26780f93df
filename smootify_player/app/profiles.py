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
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
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
    """The listeners (a colour dot and a name each), the one listening now selected, a row
    to add one (a name and a colour), and Rename / Delete for the one selected (not the
    Default listener). :meth:`chosen` after it is accepted; what was changed is in
    :attr:`changes`, in order (the caller stores it)."""

    def __init__(self, profiles: Sequence[tuple[str, str]], current: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Who's listening?"))
        self.setMinimumWidth(380)
        #: ("add", name, colour), ("rename", old name, new name), ("delete", name)
        self.changes: list[tuple[str, str, str]] = []
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
        self.list.currentItemChanged.connect(lambda *_: self._selected())
        lay.addWidget(self.list, 1)
        lay.addLayout(self._edit_row())
        lay.addLayout(self._new_row())
        self.problem = QLabel("")  # why a rename was refused
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.problem.hide()
        lay.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._selected()

    @property
    def added(self) -> list[tuple[str, str]]:
        """(name, colour) of the listeners added here (some may be renamed or deleted since:
        see :attr:`changes`)."""
        return [(c[1], c[2]) for c in self.changes if c[0] == "add"]

    def _edit_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.rename_btn = QPushButton(self.tr("Rename…"))
        self.rename_btn.setAccessibleName(self.tr("Rename the listener selected"))
        self.rename_btn.clicked.connect(self._ask_rename)
        self.delete_btn = QPushButton(self.tr("Delete…"))
        self.delete_btn.setAccessibleName(self.tr("Delete the listener selected"))
        self.delete_btn.clicked.connect(self._ask_delete)
        row.addWidget(self.rename_btn)
        row.addWidget(self.delete_btn)
        row.addStretch(1)
        return row

    def _selected(self) -> None:
        item = self.list.currentItem()
        editable = item is not None and item.data(NAME_ROLE) != DEFAULT_NAME
        self.rename_btn.setEnabled(editable)
        self.delete_btn.setEnabled(editable)

    def selected_name(self) -> str | None:
        """The name of the listener selected (None when none is)."""
        item = self.list.currentItem()
        return str(item.data(NAME_ROLE)) if item is not None else None

    def _ask_rename(self) -> None:
        old = self.selected_name()
        if old is None or old == DEFAULT_NAME:
            return
        new, ok = QInputDialog.getText(self, self.tr("Rename listener"),
                                       self.tr("New name for {name}:").format(name=old),
                                       QLineEdit.EchoMode.Normal, old)
        if ok:
            self.rename_listener(new)

    def rename_listener(self, new: str) -> bool:
        """Rename the listener selected (their ratings and queue go with them); a name
        empty, too long or another listener's is refused with a line saying why."""
        item = self.list.currentItem()
        new = " ".join(new.split())
        if item is None or item.data(NAME_ROLE) == DEFAULT_NAME:
            return False
        old = str(item.data(NAME_ROLE))
        other = self._find(new) if new else None
        why = (self.tr("A listener needs a name") if not new
               else self.tr("At most {n} characters").format(n=MAX_NAME) if len(new) > MAX_NAME
               else self.tr("A listener called {name} already exists").format(
                   name=other.text()) if other is not None and other is not item
               else "")
        self.problem.setText(why)
        self.problem.setVisible(bool(why))
        if why:
            return False
        if new != old:
            item.setText(new)
            item.setData(NAME_ROLE, new)
            self.changes.append(("rename", old, new))
        return True

    def _ask_delete(self) -> None:
        name = self.selected_name()
        if name is None or name == DEFAULT_NAME:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete listener"),
            self.tr("Delete {name}? Their ratings of joins, listening tests included, and "
                    "their saved queue are deleted too.").format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_listener()

    def delete_listener(self) -> bool:
        """Delete the listener selected (not the Default one); the Default is selected."""
        item = self.list.currentItem()
        if item is None or item.data(NAME_ROLE) == DEFAULT_NAME:
            return False
        self.changes.append(("delete", str(item.data(NAME_ROLE)), ""))
        self.list.takeItem(self.list.row(item))
        if self._find(DEFAULT_NAME) is None:
            self._add_item(DEFAULT_NAME, ACCENT.lower())
        self.select(DEFAULT_NAME)
        return True

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
            self.changes.append(("add", name, self._colour))
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
