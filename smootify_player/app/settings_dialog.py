"""The Settings dialog: soundfont, transition mode, mix-point method, full songs, repeat."""

from __future__ import annotations

from pathlib import Path

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

__all__ = ["SettingsDialog", "TRANSITION_LABELS", "METHOD_LABELS"]

TRANSITION_LABELS = {
    "ai": "AI bridge (composed by the model)",
    "crossfade": "Crossfade (A fades out while B fades in)",
    "cut": "Straight cut (no bridge)",
}
METHOD_LABELS = {
    "smart": "Smart (harmony, rhythm, key, phrase)",
    "jsd": "Pitch-class similarity (JSD)",
    "dtw": "Rhythm alignment (DTW)",
    "random": "Random bars",
}


class SettingsDialog(QDialog):
    """Edits a copy of the player's settings; ``result_settings()`` after ``exec()``."""

    def __init__(self, settings: PlayerSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Smootify settings")
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.setSpacing(12)
        sf_row = QHBoxLayout()
        self.soundfont = QLineEdit(settings.soundfont)
        self.soundfont.setPlaceholderText("Shipped: MuseScore General Lite")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        sf_row.addWidget(self.soundfont, 1)
        sf_row.addWidget(browse)
        form.addRow("Soundfont", sf_row)
        self.transition = QComboBox()
        for key, label in TRANSITION_LABELS.items():
            self.transition.addItem(label, key)
        self.transition.setCurrentIndex(list(TRANSITION_LABELS).index(settings.transition))
        form.addRow("Transition", self.transition)
        self.method = QComboBox()
        for key in METHODS:
            self.method.addItem(METHOD_LABELS.get(key, key), key)
        self.method.setCurrentIndex(list(METHODS).index(settings.method)
                                    if settings.method in METHODS else 0)
        form.addRow("Mix points", self.method)
        self.full_songs = QCheckBox("Play every song to its end (off: mix at the best bars)")
        self.full_songs.setChecked(settings.full_songs)
        form.addRow("Song length", self.full_songs)
        self.repeat = QCheckBox("At the end of the queue, continue from the top")
        self.repeat.setChecked(settings.repeat)
        form.addRow("Repeat", self.repeat)
        lay.addLayout(form)
        hint = QLabel("Changes apply to the next transition.")
        hint.setObjectName("nowSub")
        lay.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a soundfont",
                                              str(Path(self.soundfont.text() or Path.home())),
                                              "SoundFonts (*.sf2 *.sf3);;All files (*)")
        if path:
            self.soundfont.setText(path)

    def result_settings(self) -> PlayerSettings:
        """The settings as edited."""
        return PlayerSettings(soundfont=self.soundfont.text().strip(),
                              transition=self.transition.currentData(),
                              method=self.method.currentData(),
                              full_songs=self.full_songs.isChecked(),
                              repeat=self.repeat.isChecked())
