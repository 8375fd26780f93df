"""Keyboard and accessibility: a keyboard-only Tab walk reaches every control, Space presses
the focused button, the keys for volume and seeking, and the names a screen reader reads."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication

from .conftest import RULE

WAIT = 15_000
SPACE, TAB = Qt.Key.Key_Space, Qt.Key.Key_Tab


def focused():
    return QApplication.focusWidget()


def accessible_name(widget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def start(make_app, songs, qtbot, n: int = 3, speed: float = 1.0):
    app = make_app("--new-instance", *map(str, songs[:n]), speed=speed, settings=RULE)
    w = app.window
    w.show_page(1)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=WAIT)
    qtbot.waitUntil(lambda: app.player.state == "playing" and len(app.player.queue) == n,
                    timeout=WAIT)
    return app


def tab_walk(first, steps: int = 40, key=TAB) -> list:
    """Focus ``first``, then press Tab (only the keyboard) until focus comes back to it."""
    first.setFocus(Qt.FocusReason.TabFocusReason)
    walk = [focused()]
    for _ in range(steps):
        QTest.keyClick(focused(), key)
        if focused() is first:
            return walk
        walk.append(focused())
    raise AssertionError(f"Tab never came back to the start: {walk}")


def test_tab_reaches_every_control_in_order_and_leaves_the_table(make_app, songs, qtbot):
    app = start(make_app, songs, qtbot)
    w = app.window
    sb, qp, nb = w.sidebar, w.queue_page, w.now_bar
    # the pages are one stop, like tabs: Tab reaches the page shown, arrows the others
    expected = [sb.nav_queue, *sb.action_buttons, sb.listener, qp.play_pill, qp.shuffle_pill,
                qp.shuffle_btn, qp.order_btn, qp.repeat_btn, qp.add_btn, qp.export_btn,
                qp.clear_btn, qp.search, qp.table, nb.prev_btn, nb.play_btn, nb.next_btn,
                nb.seek, nb.vol_btn, nb.volume]
    walk = tab_walk(sb.nav_queue)
    assert walk == expected, [x.accessibleName() or x.text() for x in walk]
    QTest.keyClick(sb.nav_queue, Qt.Key.Key_Up)
    assert focused() is sb.nav_home and w.pages.currentIndex() == 0
    QTest.keyClick(sb.nav_home, Qt.Key.Key_Down)
    assert focused() is sb.nav_queue and w.pages.currentIndex() == 1
    # every control has a name for screen readers; the table says what it is
    for widget in walk:
        assert accessible_name(widget).strip(), widget
    assert accessible_name(qp.table) == "Queue"
    assert accessible_name(nb.play_btn) == "Pause"  # it is playing
    # Shift+Tab walks back out of the table too
    qp.table.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(qp.table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is qp.search
    # on the home page the playlist's controls are skipped
    w.show_page(0)
    walk = tab_walk(sb.nav_home)
    assert sb.nav_queue not in walk
    assert qp.table not in walk and nb.play_btn in walk and nb.volume in walk
    # the join ratings page: its filter, its export and its table, then the player bar
    w.show_page(2)
    rp = w.ratings_page
    walk = tab_walk(sb.nav_ratings)
    i = walk.index(rp.which)
    assert walk[i:i + 4] == [rp.which, rp.export_btn, rp.table, nb.prev_btn]
    assert all(accessible_name(x).strip() for x in walk)
    # the library page: its folders, their buttons, the search and filters, the songs
    w.show_page(3)
    lp = w.library_page
    walk = tab_walk(sb.nav_library)
    i = walk.index(lp.folder_list)
    chain = [lp.folder_list, lp.add_btn, lp.search, lp.key_filter, lp.tempo_min,
             lp.tempo_max, lp.meter_filter, lp.table, nb.prev_btn]  # Remove: no folder chosen
    assert walk[i:i + len(chain)] == chain
    assert all(accessible_name(x).strip() for x in walk)
    assert app.player.state == "playing", "walking with Tab changed nothing"


def test_space_presses_the_focused_button(make_app, songs, qtbot):
    app = start(make_app, songs, qtbot)
    p, w = app.player, app.window
    qp, nb = w.queue_page, w.now_bar
    # a checkable button toggles itself; playback goes on
    qp.repeat_btn.setFocus(Qt.FocusReason.TabFocusReason)
    before = qp.repeat_btn.isChecked()
    QTest.keyClick(qp.repeat_btn, SPACE)
    assert qp.repeat_btn.isChecked() is not before and p.settings.repeat is not before
    assert p.state == "playing"
    # SHUFFLE PLAY shuffles and plays; Space does not pause
    qp.shuffle_pill.setFocus(Qt.FocusReason.TabFocusReason)
    with qtbot.waitSignal(qp.shuffle_pill.clicked, timeout=WAIT):
        QTest.keyClick(qp.shuffle_pill, SPACE)
    assert p.shuffled_from is not None and qp.shuffle_btn.isChecked()
    assert p.state == "playing"
    # the play button toggles exactly once
    nb.play_btn.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(nb.play_btn, SPACE)
    assert p.state == "paused"
    QTest.keyClick(nb.play_btn, SPACE)
    assert p.state == "playing"
    # where Space means nothing (the table, a slider) it plays/pauses
    for widget in (qp.table, nb.volume, nb.seek):
        assert not isinstance(widget, QAbstractButton)
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        QTest.keyClick(widget, SPACE)
        assert p.state == "paused", widget
        QTest.keyClick(widget, SPACE)
        assert p.state == "playing", widget


def test_enter_on_a_row_plays_it(make_app, songs, qtbot):
    app = start(make_app, songs, qtbot, speed=4.0)
    p, w = app.player, app.window
    w.table.setFocus(Qt.FocusReason.TabFocusReason)
    w.table.setCurrentIndex(w.model.index(2, 1))
    QTest.keyClick(w.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: p.current is not None and p.current.title == "gamma",
                    timeout=WAIT)


def test_keys_for_volume_and_seeking(make_app, songs, qtbot):
    app = start(make_app, songs, qtbot)
    p, w = app.player, app.window
    nb = w.now_bar
    nb.volume.setValue(50)
    QTest.keyClick(w, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert nb.volume.value() == 55 and abs(p.volume - 0.55) < 1e-6
    QTest.keyClick(w, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(w, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert nb.volume.value() == 45
    nb.volume.setValue(0)
    assert accessible_name(nb.vol_btn) == "Unmute"
    nb.volume.setValue(45)
    p.pause()
    p.seek(2.0)
    QTest.keyClick(w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert abs(p.now_playing().position - 7.0) < 0.1
    QTest.keyClick(w, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(w, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert p.now_playing().position < 0.1
    # the seek bar itself: arrows move 5 s
    p.seek(4.0)
    w._on_tick(app.ticker.tick())  # the bar shows where play is
    nb.seek.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(nb.seek, Qt.Key.Key_Right)
    assert abs(p.now_playing().position - 9.0) < 0.1
