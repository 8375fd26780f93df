"""File dialogs: the platform's own, and Qt's own (where there is none) free of the theme."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QPushButton,
    QScrollBar,
    QToolButton,
)

Option = QFileDialog.Option


def test_file_dialogs_ask_for_the_platforms_own(make_app, monkeypatch):
    from smootify_player.app.settings_dialog import SettingsDialog

    calls: dict[str, Any] = {}

    def fake(name: str, result: Any):
        def dialog(*args: Any, **kwargs: Any) -> Any:
            calls[name] = kwargs.get("options", "not given")
            return result
        return dialog

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake("add files", ([], "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", fake("add folder", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake("export", ("", "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake("soundfont", ("", "")))
    app = make_app("--new-instance")
    w = app.window
    w.add_files_dialog()
    w.add_folder_dialog()
    w.export_dialog()
    dlg = SettingsDialog(app.player.settings, w)
    dlg._browse()
    dlg.deleteLater()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", fake("library folder", ""))
    w.library_page.add_folder_dialog()
    assert set(calls) == {"add files", "add folder", "export", "soundfont", "library folder"}
    for name, options in calls.items():
        assert isinstance(options, Option), f"{name}: options {options}"
        assert not options & Option.DontUseNativeDialog, name
    assert calls["add folder"] & Option.ShowDirsOnly
    assert calls["library folder"] & Option.ShowDirsOnly
    assert not calls["add files"] & Option.ShowDirsOnly


def test_qts_own_file_dialog_keeps_out_of_the_theme(make_app, qtbot):
    """Where the platform has no dialog of its own Qt shows its widgets: the window's rules
    (scroll bars without a horizontal one, round icon buttons, pill buttons, the queue's
    header) must not reach them: a hidden horizontal scroll bar could not scroll the
    detail view."""
    from smootify_player.app.settings_dialog import SettingsDialog

    app = make_app("--new-instance")
    w = app.window
    d = QFileDialog(w, "Add files")
    d.setOption(Option.DontUseNativeDialog)
    d.setViewMode(QFileDialog.ViewMode.Detail)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    bars = d.findChildren(QScrollBar)
    assert bars
    for sb in bars:
        assert sb.sizeHint() == QScrollBar(sb.orientation()).sizeHint(), sb.orientation()
        assert sb.sizeHint().height() > 0 and sb.sizeHint().width() > 0
    for b in d.findChildren(QToolButton):
        plain = QToolButton()
        plain.setIcon(b.icon())
        plain.setIconSize(b.iconSize())
        plain.setAutoRaise(b.autoRaise())
        assert b.sizeHint() == plain.sizeHint(), b.objectName()
    for b in d.findChildren(QPushButton):
        assert b.sizeHint() == QPushButton(b.text()).sizeHint(), b.text()
    d.close()
    # the window and the Settings dialog keep their look
    assert w.table.horizontalScrollBar().sizeHint().height() == 0
    dlg = SettingsDialog(app.player.settings, w)
    ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert ok.sizeHint() != QPushButton(ok.text()).sizeHint()  # its pill
    dlg.deleteLater()
