"""The Settings dialog: soundfont, transition, mix points, full songs, the queue's end,
notifications."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..music.mixpoint import METHODS
from ..player import PlayerSettings
from .i18n import QT_TRANSLATE_NOOP
from .widgets import file_dialog_options

__all__ = ["SettingsDialog", "TRANSITION_LABELS", "METHOD_LABELS", "END_OF_QUEUE_LABELS"]

translate = QCoreApplication.translate

#: The choices' labels (marked for translation; shown through ``translate("Settings", ...)``).
TRANSITION_LABELS = {
    "ai": QT_TRANSLATE_NOOP("Settings", "AI bridge (composed by the model)"),
    "crossfade": QT_TRANSLATE_NOOP("Settings", "Crossfade (A fades out while B fades in)"),
    "cut": QT_TRANSLATE_NOOP("Settings", "Straight cut (no bridge)"),
}
END_OF_QUEUE_LABELS = {
    "repeat": QT_TRANSLATE_NOOP("Settings", "Repeat (or stop when Repeat is off)"),
    "radio": QT_TRANSLATE_NOOP("Settings", "Radio: play on with songs that join well"),
}
METHOD_LABELS = {
    "smart": QT_TRANSLATE_NOOP("Settings", "Smart (harmony, rhythm, key, phrase)"),
    "jsd": QT_TRANSLATE_NOOP("Settings", "Pitch-class similarity (JSD)"),
    "dtw": QT_TRANSLATE_NOOP("Settings", "Rhythm alignment (DTW)"),
    "random": QT_TRANSLATE_NOOP("Settings", "Random bars"),
}


class SettingsDialog(QDialog):
    """Edits a copy of the player's settings; ``result_settings()`` after ``exec()``."""

    def __init__(self, settings: PlayerSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings")  # the theme styles its buttons (not the file dialogs')
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.setSpacing(12)
        sf_row = QHBoxLayout()
        self.soundfont = QLineEdit(settings.soundfont)
        self.soundfont.setPlaceholderText(self.tr("Shipped: MuseScore General Lite"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        sf_row.addWidget(self.soundfont, 1)
        sf_row.addWidget(browse)
        form.addRow(self.tr("Soundfont"), sf_row)
        self.transition = QComboBox()
        for key, label in TRANSITION_LABELS.items():
            self.transition.addItem(translate("Settings", label), key)
        self.transition.setCurrentIndex(list(TRANSITION_LABELS).index(settings.transition))
        form.addRow(self.tr("Transition"), self.transition)
        self.method = QComboBox()
        for key in METHODS:
            self.method.addItem(translate("Settings", METHOD_LABELS.get(key, key)), key)
        self.method.setCurrentIndex(list(METHODS).index(settings.method)
                                    if settings.method in METHODS else 0)
        form.addRow(self.tr("Mix points"), self.method)
        self.full_songs = QCheckBox(self.tr("Play every song to its end (off: mix at the best "
                                            "bars)"))
        self.full_songs.setChecked(settings.full_songs)
        form.addRow(self.tr("Song length"), self.full_songs)
        self.end_of_queue = QComboBox()
        for key, label in END_OF_QUEUE_LABELS.items():
            self.end_of_queue.addItem(translate("Settings", label), key)
        self.end_of_queue.setCurrentIndex(max(self.end_of_queue.findData(settings.end_of_queue),
                                              0))
        self.end_of_queue.setAccessibleName(self.tr("At the end of the queue"))
        form.addRow(self.tr("At the end of the queue"), self.end_of_queue)
        self.repeat = QCheckBox(self.tr("At the end of the queue, continue from the top"))
        self.repeat.setChecked(settings.repeat)
        form.addRow(self.tr("Repeat"), self.repeat)
        self.notify = QCheckBox(self.tr("Show a desktop notification when the song changes "
                                        "(not while Smootify is the active window)"))
        self.notify.setChecked(settings.notify)
        form.addRow(self.tr("Notifications"), self.notify)
        self.end_of_queue.currentIndexChanged.connect(self._radio_chosen)
        self._radio_chosen()
        lay.addLayout(form)
        hint = QLabel(self.tr("Changes apply to the next transition."))
        hint.setObjectName("nowSub")
        lay.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _radio_chosen(self, *_: object) -> None:
        """The radio plays on past the queue's end: repeat has nothing to say then."""
        self.repeat.setEnabled(self.end_of_queue.currentData() != "radio")

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a soundfont"),
                                              str(Path(self.soundfont.text() or Path.home())),
                                              self.tr("SoundFonts") + " (*.sf2 *.sf3);;"
                                              + self.tr("All files") + " (*)",
                                              options=file_dialog_options())
        if path:
            self.soundfont.setText(path)

    def result_settings(self) -> PlayerSettings:
        """The settings as edited."""
        return PlayerSettings(soundfont=self.soundfont.text().strip(),
                              transition=self.transition.currentData(),
                              method=self.method.currentData(),
                              full_songs=self.full_songs.isChecked(),
                              repeat=self.repeat.isChecked(),
                              end_of_queue=self.end_of_queue.currentData(),
                              notify=self.notify.isChecked())
