"""Feedback and visual defects of #10: queued notices, progress while adding, the toast's
place, elided titles, the bridge chip, stable widths, empty state, Clear and Undo, playhead,
volume click, filter, sort, auto-scroll."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QImage, QPainter
from PySide6.QtTest import QTest

from smootify_player.app.widgets import elide_pair

WAIT = 15_000


def test_notices_queue_up_and_the_corrupt_state_notice_shows_first(make_app, tmp_path, qtbot):
    state = tmp_path / "state"
    state.mkdir()
    (state / "state.json").write_text("{ not json")
    app = make_app("--new-instance", state_dir=state, settings=None)
    banner = app.window.notice_label
    assert "unreadable" in banner.current  # the corrupt state notice is what shows
    assert any("demo playlist" in t for t, *_ in banner.pending)  # the welcome waits its turn
    assert "+1" in banner.text()
    banner.MIN_MS = 50
    app.window.post_notice("third")
    assert [t for t, *_ in banner.pending][-1] == "third"
    banner.next()
    assert "demo playlist" in banner.current
    banner.next()
    assert banner.current == "third" and not banner.pending
    banner.next()
    assert not banner.isVisible()


def test_a_waiting_notice_shortens_the_one_showing(make_app, qtbot):
    app = make_app("--new-instance")
    banner = app.window.notice_label
    banner.MIN_MS = 200
    app.window.post_notice("one")
    app.window.post_notice("two")
    assert banner.current == "one"
    qtbot.waitUntil(lambda: banner.current == "two", timeout=3000)


def test_toast_is_centred_over_the_main_pane(make_app, qtbot):
    app = make_app("--new-instance", settings=None)  # the welcome toast
    w = app.window
    qtbot.waitExposed(w)
    banner = w.notice_label
    assert banner.isVisible()
    assert abs(banner.geometry().center().x() - w.main.width() / 2) <= 2
    w.resize(1000, 700)
    qtbot.waitUntil(lambda: abs(banner.geometry().center().x() - w.main.width() / 2) <= 2)


def test_adding_many_songs_counts_them_as_the_queue_fills(make_app, songs, tmp_path, qtbot,
                                                          monkeypatch):
    from smootify_player.player import loading

    monkeypatch.setattr(loading, "CHUNK_FILES", 5)  # small chunks: several steps to see
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(30):
        shutil.copy(songs[i % 4], folder / f"s{i:02d}.mid")
    app = make_app("--new-instance")
    w = app.window
    seen: list[tuple[int, str]] = []
    app.player.listeners.append(
        lambda kind, _: kind == "queue" and seen.append((len(app.player.queue),
                                                         w.status_label.text())))
    w.add_paths([folder])
    assert w.status_label.text().startswith("Adding")
    qtbot.waitUntil(lambda: len(app.player.queue) == 30 and w.status_label.text() == "",
                    timeout=60_000)
    partial = [(n, t) for n, t in seen if 0 < n < 30]
    assert partial, seen  # rows came in before the last one
    assert any(f"{n} songs so far" in t for n, t in partial), partial


def test_long_bridge_title_keeps_the_second_name():
    from PySide6.QtGui import QFont

    fm = QFontMetrics(QFont())
    a = "A very long song title that goes on and on " * 3
    b = "Second Song"
    shown = elide_pair(f"{a} + {b}", fm, 280)
    assert shown.endswith(" + Second Song") and "…" in shown
    assert fm.horizontalAdvance(shown) <= 280
    both_long = elide_pair(f"{a} + {a}", fm, 280)
    assert both_long.count("…") == 2 and " + " in both_long


def test_card_title_elides_in_the_window(make_app, qtbot):
    app = make_app("--new-instance")
    title = app.window.now_bar.title
    qtbot.waitExposed(app.window)
    title.set_full("Some really very long title of a MIDI song " * 2 + " + The Next One")
    assert title.text().endswith("+ The Next One") and "…" in title.text()
    assert title.toolTip().startswith("Some really")


def test_bridge_chip_stays_clear_of_the_legend(make_app, qtbot):
    app = make_app("--new-instance")
    roll = app.window.roll
    roll.resize(800, 200)
    img = QImage(800, 200, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    roll.legend_rect = roll._legend_rect()
    roll.chips = []
    for band in (QRectF(0, 0, 200, 200), QRectF(100, 0, 300, 200), QRectF(500, 0, 200, 200)):
        roll._paint_chip(p, band, "AI", 800)
    p.end()
    assert len(roll.chips) == 3
    for chip in roll.chips:
        assert not chip.intersects(roll.legend_rect), (chip, roll.legend_rect)


def test_play_pause_pill_keeps_its_width(make_app, qtbot):
    app = make_app("--new-instance")
    qp = app.window.queue_page
    qtbot.waitExposed(app.window)
    qp.set_playing(False)
    app.window.show_page(1)
    QTest.qWait(10)
    w_play, x_shuffle = qp.play_pill.width(), qp.shuffle_pill.x()
    qp.set_playing(True)
    QTest.qWait(10)
    assert qp.play_pill.width() == w_play and qp.shuffle_pill.x() == x_shuffle


def test_number_column_fits_three_digits(make_app, songs, qtbot):
    app = make_app("--new-instance")
    app.player.add(songs * 26)  # 104 rows
    t = app.window.table
    qtbot.waitExposed(app.window)
    t.scrollToBottom()
    fm = t.fontMetrics()
    assert t.columnWidth(0) >= fm.horizontalAdvance("100") + 16 + 4
    assert t.columnWidth(0) >= t.sizeHintForColumn(0)


def test_empty_queue_shows_an_empty_state(make_app, songs, qtbot):
    app = make_app("--new-instance")
    t = app.window.table
    qtbot.waitExposed(app.window)
    assert t.empty.isVisible()
    app.player.add(songs[:1])
    assert not t.empty.isVisible()
    app.player.clear()
    assert t.empty.isVisible() and "empty" in t.empty.text()


def test_clear_stops_and_undo_puts_the_rows_back(make_app, songs, qtbot):
    app = make_app("--new-instance", *map(str, songs[:3]))
    w, player = app.window, app.player
    qtbot.waitUntil(lambda: player.state == "playing" and len(player.queue) == 3, timeout=WAIT)
    qtbot.wait(300)
    w.queue_page.clear_btn.click()
    assert player.queue == [] and player.current is None and player.state == "stopped"
    qtbot.waitUntil(lambda: w.now_bar.title.text() == "Nothing playing", timeout=3000)
    assert not w.roll.playhead_shown()
    w.play_pill.click()  # nothing queued: nothing plays
    assert player.state == "stopped" and player.current is None
    assert "cleared" in w.notice_label.current and "Undo" in w.notice_label.text()
    w.notice_label.linkActivated.emit("action")  # the notice's Undo link
    assert [e.title for e in player.queue] == ["alpha", "beta", "gamma"]
    assert all(e.song is not None for e in player.queue)  # not analysed again
    w.queue_page.clear_btn.click()  # again, and Ctrl+Z puts them back
    assert player.queue == []
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e.title for e in player.queue] == ["alpha", "beta", "gamma"]
    w.play_pill.click()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    assert player.current is player.queue[0]


def test_no_playhead_before_anything_plays(make_app, songs, qtbot):
    app = make_app("--new-instance", *map(str, songs[:1]))
    assert not app.window.roll.playhead_shown()
    qtbot.waitUntil(lambda: app.player.state == "playing", timeout=WAIT)
    assert app.window.roll.playhead_shown()


def test_volume_click_jumps_to_the_click(make_app, qtbot):
    app = make_app("--new-instance")
    v = app.window.now_bar.volume
    qtbot.waitExposed(app.window)
    v.setValue(80)
    QTest.mouseClick(v, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(v.width() * 0.25), v.height() // 2))
    assert abs(v.value() - 25) <= 8, v.value()


def test_filter_box_hides_rows_that_do_not_match(make_app, songs, qtbot):
    app = make_app("--new-instance")
    w = app.window
    app.player.add(songs)
    w.show_page(0)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.pages.currentIndex() == 1 and w.focusWidget() is w.queue_page.search
    w.queue_page.search.setText("ALP")
    assert w.table.visible_rows() == [0]
    app.player.add(songs[:1])  # a new matching row shows, others stay hidden
    assert w.table.visible_rows() == [0, 4]
    w.queue_page.search.clear()
    assert w.table.visible_rows() == [0, 1, 2, 3, 4]


def test_header_click_sorts_the_queue(make_app, songs, qtbot):
    app = make_app("--new-instance")
    w, player = app.window, app.player
    player.add([songs[2], songs[0], songs[3], songs[1]])
    w.sort_by(1)
    assert [e.title for e in player.queue] == ["alpha", "beta", "delta", "gamma"]
    w.sort_by(1)
    assert [e.title for e in player.queue] == ["gamma", "delta", "beta", "alpha"]
    assert w.model.data(w.model.index(0, 1)) == "gamma"
    w.sort_by(4)  # tempo: all 180 BPM, a stable sort keeps the order
    assert [e.title for e in player.queue] == ["gamma", "delta", "beta", "alpha"]
    w.shuffle_play()
    assert w.shuffle_btn.isChecked()
    qtbot.waitUntil(lambda: all(e.song is not None for e in player.queue), timeout=WAIT)
    w.sort_by(5)  # a sort replaces the shuffle
    assert not w.shuffle_btn.isChecked() and player.shuffled_from is None
    keys = [(e.song.key.minor, e.song.key.tonic) for e in player.queue]
    assert keys == sorted(keys)


def test_playing_song_scrolls_into_view(make_app, songs, qtbot):
    app = make_app("--new-instance")
    w, player = app.window, app.player
    player.add(songs * 15)  # 60 rows
    qtbot.waitExposed(w)
    t = w.table
    assert t.rowAt(t.viewport().height() - 1) < 50
    player.play_entry(player.queue[55])
    qtbot.waitUntil(lambda: player.current is player.queue[55], timeout=WAIT)
    qtbot.waitUntil(lambda: t.viewport().rect().contains(
        t.visualRect(w.model.index(55, 1)).center()), timeout=3000)


def test_settings_dialog_title_is_plain(make_app):
    from smootify_player.app.settings_dialog import SettingsDialog

    app = make_app("--new-instance")
    dlg = SettingsDialog(app.player.settings, app.window)
    assert dlg.windowTitle() == "Settings"
    dlg.deleteLater()


def test_settings_dialog_keeps_radio_at_the_end_of_the_queue(make_app):
    """The dialog has no radio choice yet: saving it must not turn radio back to repeat."""
    import dataclasses

    from smootify_player.app.settings_dialog import SettingsDialog

    app = make_app("--new-instance")
    radio = dataclasses.replace(app.player.settings, end_of_queue="radio")
    dlg = SettingsDialog(radio, app.window)
    assert dlg.result_settings().end_of_queue == "radio"
    dlg.deleteLater()


def test_volume_icon_follows_the_level(make_app):
    app = make_app("--new-instance")
    nb = app.window.now_bar
    for value, name in ((80, "volume"), (20, "volume-low"), (0, "volume-off"), (55, "volume")):
        nb.volume.setValue(value)
        assert nb.vol_btn.property("iconName") == name, value


def test_settings_buttons_have_no_stock_icons(make_app):
    from PySide6.QtWidgets import QDialogButtonBox

    from smootify_player.app.settings_dialog import SettingsDialog

    app = make_app("--new-instance")
    dlg = SettingsDialog(app.player.settings, app.window)
    box = dlg.findChild(QDialogButtonBox)
    dlg.show()
    for b in box.buttons():
        assert b.icon().isNull(), b.text()
    dlg.close()


def test_default_size_shows_nine_rows_on_one_line(make_app, songs, qtbot):
    app = make_app("--new-instance")
    app.player.add(songs * 5)
    w = app.window
    qtbot.waitExposed(w)
    t = w.table
    assert not t.wordWrap()
    assert t.rowAt(t.viewport().height() - 1) in (-1, *range(8, 20)), "fewer than 9 rows show"


def test_theme_styles_only_the_queue_header(make_app):
    """The file dialogs' headers keep Qt's look (no upper-case, clipped 'DATE MODIFIE')."""
    from smootify_player.app.theme import STYLE

    assert "\nQHeaderView::section" not in STYLE and "#queueTable QHeaderView::section" in STYLE
