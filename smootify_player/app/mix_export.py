"""Export the mix to WAV, FLAC or MIDI in a background job, with a progress dialog and Cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..errors import one_line
from ..player import Player
from ..player.export import ExportCancelledError
from .widgets import fmt_time

__all__ = ["MixExport", "SUFFIXES", "POLL_MS"]

# The formats offered, by suffix.
SUFFIXES = (".wav", ".flac", ".mid")
# How often the dialog reads the job's progress.
POLL_MS = 100
# The share of the bar the planning of the joins takes (rendering takes the rest).
PLAN_SHARE = 0.1


class MixExport(QObject):
    """One export at a time: ``Player.export`` runs in a background job (``submit``); the job
    only records its progress, which a timer on the UI thread shows in a
    :class:`QProgressDialog`; Cancel sets an event the export polls between blocks.

    :attr:`finished` carries the one-line outcome for a notice (and whether it failed).
    """

    finished = Signal(str, bool)

    def __init__(self, player: Player,
                 submit: Callable[[Callable[[], Any], Callable[[Any, BaseException | None],
                                                               None], int], None],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.player = player
        self.submit = submit
        self.dialog: QProgressDialog | None = None
        self._cancel = threading.Event()
        self._progress: tuple[int, int, str] = (0, 1, "plan")  # written by the job
        self._target: Path | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._show_progress)

    @property
    def running(self) -> bool:
        return self._target is not None

    def start(self, target: Path) -> bool:
        """Export the queue's mix to ``target`` (its suffix picks the format; none: WAV).
        False when an export is already running."""
        if self.running:
            return False
        if target.suffix.lower() not in (*SUFFIXES, ".midi"):
            target = target.with_name(target.name + ".wav")
        self._target = target
        self._cancel.clear()
        self._progress = (0, 1, "plan")
        parent = self.parent()
        dlg = QProgressDialog(self.tr("Planning the joins…"), self.tr("Cancel"), 0, 1000,
                              parent if isinstance(parent, QWidget) else None)
        dlg.setWindowTitle(self.tr("Export the mix"))
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.canceled.connect(self.cancel)
        dlg.setValue(0)
        dlg.show()
        self.dialog = dlg
        self._timer.start()
        player, cancel = self.player, self._cancel

        def progress(done: int, total: int, phase: str) -> None:
            self._progress = (int(done), max(int(total), 1), phase)  # read by the UI thread

        self.submit(player.export_job(target, progress, cancel.is_set), self._done, 0)
        return True

    def cancel(self) -> None:
        """Stop the export (nothing is left on disk)."""
        self._cancel.set()
        if self.dialog is not None:
            self.dialog.setLabelText(self.tr("Cancelling…"))

    def _show_progress(self) -> None:
        dlg = self.dialog
        if dlg is None or self._cancel.is_set():
            return
        done, total, phase = self._progress
        if phase == "plan":
            value = PLAN_SHARE * done / total
            text = self.tr("Planning the joins… {done} of {total}").format(done=done,
                                                                          total=total)
        else:
            value = PLAN_SHARE + (1 - PLAN_SHARE) * done / total
            text = self.tr("Writing {name}… {percent}%").format(
                name=self._target.name if self._target else "", percent=int(100 * done / total))
        dlg.setValue(int(round(value * 1000)))
        dlg.setLabelText(text)

    def _done(self, result: Any, error: BaseException | None) -> None:
        self._timer.stop()
        target, self._target = self._target, None
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        name = target.name if target else ""
        if isinstance(error, ExportCancelledError):
            self.finished.emit(self.tr("Export cancelled"), False)
        elif error is not None:
            self.finished.emit(self.tr("Could not export the mix: {reason}").format(
                reason=one_line(error)), True)
        else:
            self.finished.emit(self.tr("Mix exported to {name} ({time})").format(
                name=name, time=fmt_time(result.seconds)), False)
