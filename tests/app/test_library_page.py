"""The Library page: folders scanned in the background, search, filters, sort, play (#12)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from library.conftest import write_credited, write_library
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer
from PySide6.QtTest import QTest

from smootify_player.library import Library
from smootify_player.library.db import OK, path_key
from smootify_player.library.features import analyse_file

from .conftest import RULE

WAIT = 30_000


def titles(page) -> list[str]:
    m = page.model
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def column(page, col: int) -> list[str]:
    m = page.model
    return [m.data(m.index(r, col)) for r in range(m.rowCount())]


def open_page(app, qtbot):
    w = app.window
    QTest.mouseClick(w.sidebar.nav_library, Qt.MouseButton.LeftButton)
    page = w.library_page
    assert w.pages.currentWidget() is page
    qtbot.waitUntil(lambda: idle(page), timeout=WAIT)  # the start's rescan, its search
    return page


def idle(page) -> bool:
    """No scan, search or rescan after a change on disk runs or waits."""
    return not page.busy and not page.searching and not page.watcher.pending()


def add_and_wait(page, folder: Path, qtbot) -> None:
    loads = page.loads
    page.add_folder(folder)
    qtbot.waitUntil(lambda: idle(page) and page.loads > loads, timeout=WAIT)


def click_header(page, col: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def wait_search(page, qtbot, change) -> None:
    """Make ``change`` (a keystroke, a filter) and wait for the search it starts."""
    loads = page.loads
    change()
    qtbot.waitUntil(lambda: page.loads > loads and idle(page), timeout=WAIT)


def test_add_folder_scans_in_the_background_and_lists_the_songs(make_app, tmp_path, qtbot):
    music = tmp_path / "music"
    write_library(music, 6)  # more than the scan analyses inline: its process pool
    (music / "broken.mid").write_bytes(b"MThd not really a MIDI file")
    app = make_app("--new-instance")
    w = app.window
    page = open_page(app, qtbot)
    assert page.model.rowCount() == 0 and page.table.empty.isVisible()
    assert not (tmp_path / "library.sqlite3").exists(), "reading never creates the database"
    shown: list[str] = []
    page.scanner.progress.connect(lambda *_: shown.append(page.status_label.text()))
    add_and_wait(page, music, qtbot)
    assert "Indexing…" in shown and "Indexing… 7 / 7" in shown
    assert page.status_label.text() == ""
    assert page.folders == [str(music)]
    assert [page.folder_list.item(i).text() for i in range(page.folder_list.count())] == \
        [str(music)]
    assert len(titles(page)) == 7 and not page.table.empty.isVisible()
    assert titles(page)[0] == "broken" and column(page, 6)[0] == "Broken"
    m = page.model
    assert "broken.mid" in m.data(m.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert column(page, 6)[1:] == [""] * 6
    assert column(page, 4)[1:4] == ["4/4", "3/4", "6/8"]
    assert all(t.endswith(" BPM") for t in column(page, 3)[1:])
    assert "6 songs" in page.meta.text() and "1 broken" in page.meta.text()
    assert "music: 7 MIDI files indexed" in w.notices
    # a folder gone whole (a drive unmounted) keeps its songs, marked missing at its next
    # rescan (as the start's); even one the watcher asks for
    away = tmp_path / "away"
    music.rename(away)
    page.rescan(str(music), forget_gone=True)
    qtbot.waitUntil(lambda: idle(page) and set(column(page, 6)) == {"Missing"}, timeout=WAIT)
    assert len(titles(page)) == 7 and "7 missing" in page.meta.text()
    away.rename(music)
    add_and_wait(page, music, qtbot)  # back: added again, all there
    assert column(page, 6) == ["Broken"] + [""] * 6
    # Remove forgets the folder and its songs (the files stay)
    page.folder_list.setCurrentRow(0)
    assert page.remove_btn.isEnabled()
    loads = page.loads
    QTest.mouseClick(page.remove_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.loads > loads and idle(page), timeout=WAIT)
    assert page.folders == [] and page.model.rowCount() == 0
    assert (music / "song_01.mid").exists()


@pytest.fixture
def scanned(tmp_path: Path) -> Path:
    """The window's library database with 12 songs scanned (keys, tempi, three meters)."""
    music = tmp_path / "music"
    write_library(music, 12)
    with Library(tmp_path / "library.sqlite3") as lib:
        lib.scan([music], workers=0)
    return music


def test_search_filters_and_sort(make_app, scanned, qtbot):
    app = make_app("--new-instance")
    page = open_page(app, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 12, timeout=WAIT)
    with Library(scanned.parent / "library.sqlite3") as lib:
        records = lib.search()
    # keystrokes coalesce into one search
    loads = page.loads
    wait_search(page, qtbot, lambda: QTest.keyClicks(page.search, "song 1"))
    assert page.loads == loads + 1
    assert titles(page) == ["song 10", "song 11"] and "2 found" in page.meta.text()
    wait_search(page, qtbot, lambda: page.search.setText("Composer 2"))  # the credit
    assert titles(page) == [r.title for r in records if r.credit == "Composer 2"]
    wait_search(page, qtbot, page.search.clear)
    # the key, the tempo range and the meter map to the search's parameters
    key = records[3].key
    wait_search(page, qtbot, lambda: page.key_filter.setCurrentIndex(
        page.key_filter.findText(key)))
    assert titles(page) == [r.title for r in records if r.key == key]
    wait_search(page, qtbot, lambda: page.key_filter.setCurrentIndex(0))
    wait_search(page, qtbot, lambda: (page.tempo_min.setValue(100),
                                      page.tempo_max.setValue(130)))
    assert titles(page) == [r.title for r in records if 100 <= r.tempo <= 130]
    assert page.filters()["tempo"] == (100.0, 130.0)
    wait_search(page, qtbot, lambda: (page.tempo_min.setValue(0), page.tempo_max.setValue(0)))
    wait_search(page, qtbot, lambda: page.meter_filter.setCurrentIndex(
        page.meter_filter.findText("6/8")))
    assert titles(page) == [r.title for r in records if r.meter == "6/8"]
    wait_search(page, qtbot, lambda: page.meter_filter.setCurrentIndex(0))
    assert page.model.rowCount() == 12
    # a click on a header sorts by that column, again the other way round
    tempo = [float(t.split()[0]) for t in column(page, 3)]
    assert tempo != sorted(tempo)
    wait_search(page, qtbot, lambda: click_header(page, 3))
    tempo = [float(t.split()[0]) for t in column(page, 3)]
    assert tempo == sorted(tempo) and page.filters()["sort"] == "tempo"
    wait_search(page, qtbot, lambda: click_header(page, 3))
    tempo = [float(t.split()[0]) for t in column(page, 3)]
    assert tempo == sorted(tempo, reverse=True)
    wait_search(page, qtbot, lambda: click_header(page, 5))
    lengths = [int(t.split(":")[0]) * 60 + int(t.split(":")[1]) for t in column(page, 5)]
    assert lengths == sorted(lengths)


def test_double_click_enter_and_the_row_menu(make_app, scanned, songs, qtbot):
    app = make_app("--new-instance", str(songs[0]), settings=RULE)
    p = app.player
    qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 1, timeout=WAIT)
    page = open_page(app, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 12, timeout=WAIT)
    table = page.table
    # a double click queues the song and plays it (through a bridge)
    rect = table.visualRect(page.model.index(2, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: p.current is not None and p.current.title == "song 02",
                    timeout=WAIT)
    assert [e.title for e in p.queue] == ["alpha", "song 02"]
    # Enter does the same
    table.setFocus(Qt.FocusReason.TabFocusReason)
    table.setCurrentIndex(page.model.index(3, 0))
    QTest.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: p.current is not None and p.current.title == "song 03",
                    timeout=WAIT)
    # the menu: add to queue (every selected row), play next, start radio
    menu = page.row_menu(page.model.index(5, 0))
    assert [a.text() for a in menu.actions()] == ["Add to queue", "Play next", "Start radio"]
    sel = table.selectionModel()
    sel.clearSelection()
    for row in (5, 6):
        sel.select(page.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                   | QItemSelectionModel.SelectionFlag.Rows)
    menu = page.row_menu(page.model.index(5, 0))
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: len(p.queue) == 5, timeout=WAIT)
    assert [e.title for e in p.queue] == ["alpha", "song 02", "song 03", "song 05", "song 06"]
    sel.clearSelection()
    page.row_menu(page.model.index(8, 0)).actions()[1].trigger()  # Play next
    qtbot.waitUntil(lambda: len(p.queue) == 6, timeout=WAIT)
    assert [e.title for e in p.queue][2:4] == ["song 03", "song 08"]
    assert p.up_next().title == "song 08"
    page.row_menu(page.model.index(9, 0)).actions()[2].trigger()  # Start radio
    qtbot.waitUntil(lambda: p.current is not None and p.current.title == "song 09",
                    timeout=WAIT)
    assert p.radio_on
    qtbot.waitUntil(lambda: any(e.radio for e in p.queue), timeout=WAIT)


def test_a_search_over_10000_songs_keeps_the_window_responsive(make_app, tmp_path, qtbot):
    music = tmp_path / "music"
    files = write_library(music, 1)
    features = analyse_file(str(files[0])).features
    assert features is not None
    with Library(tmp_path / "library.sqlite3") as lib:
        with lib.db.write() as conn:  # files outside any library folder: no scan sees them
            for i in range(10_000):
                f = replace(features, digest=f"{i:032x}", tempo=60.0 + i % 120, key=i % 24)
                lib.db.put_song(conn, f)
                lib.db.put_file(conn, path_key(music / f"s{i:05d}.mid"), None, f"song {i:05d}",
                                1, 1, f.digest, OK)
    app = make_app("--new-instance")
    page = open_page(app, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 10_000, timeout=WAIT)
    # What the UI thread works between two turns of its event loop, in CPU time (the wall
    # clock on a loaded machine counts other processes too), and where the searches run.
    gaps: list[float] = []
    last = [time.thread_time()]
    ui = threading.get_ident()
    threads: list[int] = []

    def tick() -> None:
        now = time.thread_time()
        gaps.append(now - last[0])
        last[0] = now

    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)
    probe.start()
    shown: list[float] = []
    show, submit = page.show_results, page.submit

    def timed(*args) -> None:
        t = time.thread_time()
        show(*args)
        shown.append(time.thread_time() - t)

    def traced(job, done, priority) -> None:
        def run():
            threads.append(threading.get_ident())
            return job()
        submit(run, done, priority)

    page.show_results = timed  # type: ignore[method-assign]
    page.submit = traced  # type: ignore[method-assign]
    for text in ("song 0", "song", "", "song 09"):
        wait_search(page, qtbot, lambda text=text: page.search.setText(text))
    wait_search(page, qtbot, lambda: click_header(page, 3))
    probe.stop()
    assert page.model.rowCount() == 1000
    assert len(threads) == 5 and ui not in threads, "searches run on the Worker"
    assert max(shown) < 0.05, shown  # the UI thread's share: replacing the rows
    assert max(gaps) < 0.05, max(gaps)  # the event loop never waited long on its own work


def test_watched_folders_follow_the_disk(make_app, scanned, qtbot):
    sub = scanned / "sub"
    sub.mkdir()
    write_credited(sub / "while away.mid", bars=6, tempo=90, tonic=2)
    app = make_app("--new-instance")
    page = open_page(app, qtbot)
    # at start every folder is rescanned in the background: a song added meanwhile is there
    qtbot.waitUntil(lambda: len(titles(page)) == 13, timeout=WAIT)
    assert "while away" in titles(page)
    assert page.watcher.folders == [str(scanned)]
    # the folder above is watched too: the library folder's own move is a change of it
    assert sorted(page.watcher.watched()) == [str(scanned.parent), str(scanned), str(sub)]

    def changed(change, present: str | None, gone: str | None) -> None:
        qtbot.waitUntil(lambda: idle(page), timeout=WAIT)
        loads = page.loads
        change()
        qtbot.waitUntil(lambda: page.watcher.pending() == [str(scanned)], timeout=WAIT)
        assert page.loads == loads, "the rescan waits for the debounce"
        qtbot.waitUntil(lambda: idle(page) and (present is None or present in titles(page))
                        and (gone is None or gone not in titles(page)), timeout=WAIT)
        assert set(column(page, 6)) == {""}, "gone means gone, not missing"

    changed(lambda: write_credited(sub / "new one.mid", bars=6, tempo=150, tonic=4),
            "new one", None)
    changed(lambda: (scanned / "song_03.mid").unlink(), None, "song 03")
    changed(lambda: (scanned / "song_04.mid").rename(scanned / "renamed.mid"), "renamed",
            "song 04")
    # a subfolder made is watched after its rescan: a song dropped in it shows
    deeper = sub / "deeper"
    changed(deeper.mkdir, None, None)
    qtbot.waitUntil(lambda: str(deeper) in page.watcher.watched(), timeout=WAIT)
    changed(lambda: write_credited(deeper / "deep.mid", bars=6, tempo=100, tonic=7), "deep",
            None)
    assert len(titles(page)) == 14
    # a folder removed from the library is no longer watched
    page.remove_folder(str(scanned))
    qtbot.waitUntil(lambda: not page.busy and page.model.rowCount() == 0, timeout=WAIT)
    assert page.watcher.folders == [] and page.watcher.watched() == []


def test_a_library_folder_moved_away_shows_missing_and_comes_back(make_app, scanned, qtbot):
    app = make_app("--new-instance")
    page = open_page(app, qtbot)
    qtbot.waitUntil(lambda: idle(page) and len(titles(page)) == 12, timeout=WAIT)
    away = scanned.with_name("away")
    scanned.rename(away)  # a drive unmounted, a folder renamed
    qtbot.waitUntil(lambda: idle(page) and set(column(page, 6)) == {"Missing"}, timeout=WAIT)
    assert len(titles(page)) == 12, "its songs stay known, marked missing"
    away.rename(scanned)  # back again
    qtbot.waitUntil(lambda: idle(page) and set(column(page, 6)) == {""}, timeout=WAIT)
    assert sorted(page.watcher.watched()) == [str(scanned.parent), str(scanned)]
