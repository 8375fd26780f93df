"""Drag and drop from other applications: the answer to the source is Copy (or Link), never
Move, so a file manager never deletes the files it dragged onto Smootify."""

from __future__ import annotations

import warnings
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

WAIT = 15_000
MOVE, COPY, LINK = (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction,
                    Qt.DropAction.LinkAction)
#: Shift over a file manager's drag proposes Move, as a file manager does between folders.
SHIFT = Qt.KeyboardModifier.ShiftModifier


def drag_and_drop(widget, paths: list[Path], actions, pos: QPoint | None = None,
                  modifiers=SHIFT) -> list:
    """Enter, move and drop ``paths`` on ``widget`` as another application would; the three
    events, after ``widget`` handled them."""
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = pos or QPoint(widget.width() // 2, widget.height() // 2)
    buttons = Qt.MouseButton.LeftButton
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(pos, actions, md, buttons, modifiers)
        move = QDragMoveEvent(pos, actions, md, buttons, modifiers)
    drop = QDropEvent(QPointF(pos), actions, md, buttons, modifiers)
    assert drop.proposedAction() == (MOVE if actions & MOVE else drop.proposedAction())
    for ev in (enter, move, drop):
        QApplication.sendEvent(widget, ev)
    return [enter, move, drop]


def test_window_answers_copy_when_the_source_proposes_move(make_app, songs, qtbot):
    app = make_app("--new-instance")
    app.player.clear()
    events = drag_and_drop(app.window, songs[:2], MOVE | COPY)
    for ev in events:
        assert ev.isAccepted() and ev.dropAction() == COPY, ev
    qtbot.waitUntil(lambda: len(app.player.queue) == 2, timeout=WAIT)
    assert all(p.is_file() for p in songs[:2])


def test_queue_table_answers_copy_when_the_source_proposes_move(make_app, songs, qtbot):
    app = make_app("--new-instance")
    app.player.clear()
    table = app.window.table
    app.window.show_page(1)
    vp = table.viewport()
    events = drag_and_drop(vp, songs[:1], MOVE | COPY, QPoint(vp.width() // 2,
                                                             vp.height() - 5))
    for ev in events:
        assert ev.isAccepted() and ev.dropAction() == COPY, ev
    qtbot.waitUntil(lambda: len(app.player.queue) == 1, timeout=WAIT)
    # files dropped onto a row go there
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=WAIT)
    drag_and_drop(vp, songs[1:2], MOVE | COPY, QPoint(vp.width() // 2, vp.height() - 5))
    qtbot.waitUntil(lambda: len(app.player.queue) == 2, timeout=WAIT)
    row0 = table.visualRect(table.model().index(0, 1)).center()
    events = drag_and_drop(vp, songs[2:3], MOVE | COPY, QPoint(row0.x(), row0.y() - 12))
    assert events[-1].dropAction() == COPY
    qtbot.waitUntil(lambda: len(app.player.queue) == 3, timeout=WAIT)
    assert app.player.queue[0].title == "gamma"


def test_link_when_copy_is_not_offered_and_refused_when_only_move_is(make_app, songs, qtbot):
    app = make_app("--new-instance")
    app.player.clear()
    events = drag_and_drop(app.window, songs[:1], MOVE | LINK)
    assert events[-1].isAccepted() and events[-1].dropAction() == LINK
    qtbot.waitUntil(lambda: len(app.player.queue) == 1, timeout=WAIT)
    for target in (app.window, app.window.table.viewport()):
        events = drag_and_drop(target, songs[1:2], MOVE)
        assert not any(ev.isAccepted() for ev in events), target
    qtbot.wait(300)
    assert len(app.player.queue) == 1
