"""QueueModel: row signals instead of resets; the selection and the scroll position hold."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QIdentityProxyModel, QItemSelectionModel, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QTableView

from smootify_player.app.queue_model import QueueModel, diff_rows
from smootify_player.player import Player
from smootify_player.player.states import EntryStatus


class Spy:
    """Counts the model's structural signals (and keeps their arguments)."""

    NAMES = ("modelReset", "rowsInserted", "rowsRemoved", "rowsMoved", "layoutChanged",
             "dataChanged")

    def __init__(self, model: QueueModel) -> None:
        self.calls: dict[str, list[tuple]] = {n: [] for n in self.NAMES}
        for n in self.NAMES:
            getattr(model, n).connect(self._record(n))

    def _record(self, name: str) -> Callable:
        def record(*args) -> None:
            self.calls[name].append(args)
        return record

    def count(self, name: str) -> int:
        return len(self.calls[name])

    def clear(self) -> None:
        for v in self.calls.values():
            v.clear()


def held(fn: Callable, on_done: Callable, priority: int = 0) -> None:
    """A background runner that never runs: entries stay waiting, nothing is loaded."""


@pytest.fixture
def player():
    p = Player(held, audio="silent", model_process=False)
    yield p
    p.close()


class StableNumbers(QIdentityProxyModel):
    """The model as the tester sees it: column 0 shows the entry's uid, not its row number.

    QAbstractItemModelTester checks that the rows after an insertion or removal keep their
    column-0 data; the queue's column 0 is the row number ("#"), which renumbers by design.
    An identity proxy forwards every row signal unchanged, so all the other checks hold.
    """

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.column() == 0 and role == Qt.ItemDataRole.DisplayRole:
            entry = super().data(index, Qt.ItemDataRole.UserRole)
            return None if entry is None else str(entry.uid)
        return super().data(index, role)


@pytest.fixture
def model(qapp, player):
    """The queue model, watched by Qt's model tester (pytest-qt fails on what it reports)."""
    m = QueueModel(player, lambda paths, at: None)
    proxy = StableNumbers()
    proxy.setSourceModel(m)
    tester = QAbstractItemModelTester(
        proxy, QAbstractItemModelTester.FailureReportingMode.Warning)
    yield m
    del tester


def paths(n: int, tag: str = "s") -> list[Path]:
    return [Path(f"/nowhere/{tag}{i:03d}.mid") for i in range(n)]


def shown(model: QueueModel) -> list[str]:
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def test_adding_to_a_500_row_queue_inserts_one_row(player, model):
    player.add(paths(500))
    spy = Spy(model)
    player.add(paths(1, "new"))
    assert spy.count("rowsInserted") == 1 and spy.calls["rowsInserted"][0][1:] == (500, 500)
    assert spy.count("modelReset") == 0 and spy.count("layoutChanged") == 0
    assert spy.count("rowsRemoved") == 0 and model.rowCount() == 501
    assert model.index(500, 1).data() == "new000"
    spy.clear()
    player.add(paths(3, "top"), at=0)
    assert spy.calls["rowsInserted"] == [(spy.calls["rowsInserted"][0][0], 0, 2)]
    assert spy.count("modelReset") == 0
    assert shown(model) == [e.title for e in player.queue]
    assert model.index(3, 0).data() == "4", "the # column renumbers"


def test_remove_move_shuffle_clear_use_row_signals(player, model):
    player.add(paths(10))
    spy = Spy(model)
    player.remove([2, 3, 7])
    assert [a[1:] for a in spy.calls["rowsRemoved"]] == [(7, 7), (2, 3)]
    player.move([0, 1], 5)  # a block of two moves down
    assert spy.count("rowsMoved") == 1 and spy.count("layoutChanged") == 0
    player.move([4], 0)  # one row moves up
    assert spy.count("rowsMoved") == 2
    assert shown(model) == [e.title for e in player.queue]
    player.shuffle(seed=3)
    player.unshuffle()
    assert shown(model) == [e.title for e in player.queue]
    player.clear()
    assert model.rowCount() == 0 and spy.count("modelReset") == 0


def test_status_and_current_changes_update_their_rows_only(player, model):
    player.add(paths(20))
    spy = Spy(model)
    e = player.queue[7]
    e.status = EntryStatus.FAILED
    player._emit("entry", e)
    assert [(a[0].row(), a[1].row()) for a in spy.calls["dataChanged"]] == [(7, 7)]
    assert model.index(7, 6).data() == "Failed"
    spy.clear()
    player.current = player.queue[3]
    player._emit("current", player.queue[3])
    player.current = player.queue[9]
    player._emit("current", player.queue[9])
    rows = [(a[0].row(), a[1].row()) for a in spy.calls["dataChanged"]]
    assert rows == [(3, 3), (3, 3), (9, 9)]
    assert model.index(9, 1).data(0) == player.queue[9].title


def test_selection_and_scroll_position_hold(qtbot, player, model):
    player.add(paths(500))
    view = QTableView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    selected = player.queue[250]
    view.selectionModel().select(
        model.index(250, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    view.scrollTo(model.index(240, 0))
    bar = view.verticalScrollBar()
    before = bar.value()
    assert before > 0

    def selected_entries() -> list:
        return [model.entry(i.row()) for i in view.selectionModel().selectedRows()]

    player.add(paths(1, "end"))
    assert bar.value() == before and selected_entries() == [selected]
    player.add(paths(2, "top"), at=0)
    assert selected_entries() == [selected]
    player.move([300], 0)
    player.remove([5])
    assert selected_entries() == [selected]
    player.shuffle(seed=1)
    assert selected_entries() == [selected], "a new order keeps the selected entry selected"


def test_diff_rows_turns_any_edit_into_the_new_rows():
    def apply(rows: list[int], edits: list) -> list[int]:
        rows = list(rows)
        for op, *args in edits:
            if op == "remove":
                del rows[args[0]:args[1] + 1]
            elif op == "move":
                first, last, to = args
                assert not first <= to <= last + 1
                block = rows[first:last + 1]
                del rows[first:last + 1]
                at = to if to < first else to - len(block)
                rows[at:at] = block
            elif op == "order":
                assert sorted(args[0]) == sorted(rows)
                rows = list(args[0])
            else:
                rows[args[0]:args[0]] = args[1]
        return rows

    r = random.Random(8)
    for _ in range(3000):
        old = list(range(r.randrange(12)))
        new = [u for u in old if r.random() < 0.85]
        if new and r.random() < 0.5:
            a, b = sorted((r.randrange(len(new)), r.randrange(len(new) + 1)))
            block, rest = new[a:b], new[:a] + new[b:]
            at = r.randrange(len(rest) + 1)
            new = rest[:at] + block + rest[at:]
        elif r.random() < 0.3:
            r.shuffle(new)
        at = r.randrange(len(new) + 1)
        new[at:at] = list(range(100, 100 + r.randrange(3)))
        edits = diff_rows(old, new)
        assert apply(old, edits) == new
        assert sum(op in ("move", "order") for op, *_ in edits) <= 1
    assert diff_rows([1, 2, 3, 4, 5], [1, 4, 2, 3, 5]) == [("move", 3, 3, 1)]
    assert diff_rows([1, 2, 3], [1, 2, 3, 9]) == [("insert", 3, [9])]
