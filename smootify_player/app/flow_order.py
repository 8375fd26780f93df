""""Order for smooth flow": the queue's analysed songs reordered for the smoothest joins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..errors import one_line
from ..player import Player

__all__ = ["FlowOrder", "MIN_SONGS"]

#: Fewer analysed songs than this have one order only (the playing one stays first).
MIN_SONGS = 3

Submit = Callable[[Callable[[], Any], Callable[[Any, BaseException | None], None], int], None]


class FlowOrder(QObject):
    """Finds the smoothest order of the queue's analysed songs
    (``library.order_songs``, on the Worker) and applies it in one queue change, as a sort
    does; songs not analysed yet follow them in their order. The order before is kept for
    :meth:`undo`.

    Parameters
    ----------
    player : Player
        Whose queue is ordered.
    submit : callable
        The Worker's ``submit``.
    parent : QObject, optional
        The owner.
    """

    #: What came of it, for a notice: (text, error, undoable).
    finished = Signal(str, bool, bool)

    def __init__(self, player: Player, submit: Submit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.submit = submit
        self.running = False
        self.result: Any = None  # the last ``OrderResult``
        self._before: tuple[list[int], list[int] | None] | None = None  # (uids, shuffled)

    def start(self) -> None:
        """Order the queue (in the background); :attr:`finished` says how it went."""
        if self.running:
            return
        queue = self.player.queue
        analysed = [(e.uid, e.song) for e in queue if e.song is not None]
        if len(analysed) < MIN_SONGS:
            self.finished.emit(self.tr("Order for smooth flow needs at least {n} analysed "
                                       "songs").format(n=MIN_SONGS), False, False)
            return
        # the song playing stays first when it is the queue's first row
        keep_first = queue[0] is self.player.current and queue[0].song is not None
        songs = [song for _, song in analysed]
        uids = [uid for uid, _ in analysed]
        self.running = True

        def job() -> Any:
            from ..library import order_songs

            return order_songs(songs, keep_first=keep_first)

        self.submit(job, lambda result, error: self._done(uids, result, error), 3)

    def _done(self, uids: list[int], result: Any, error: BaseException | None) -> None:
        self.running = False
        if error is not None:
            self.finished.emit(self.tr("Could not order the queue: {reason}").format(
                reason=one_line(error)), True, False)
            return
        self.result = result
        now = [e.uid for e in self.player.queue]
        present = set(now)
        ordered = [uids[i] for i in result.order if uids[i] in present]
        placed = set(ordered)
        order = ordered + [u for u in now if u not in placed]  # not analysed: after, in order
        if order == now or result.cost_after >= result.cost_before:
            self.finished.emit(self.tr("The queue already flows as smoothly as it can "
                                       "(transition cost {cost})").format(
                                           cost=f"{result.cost_before:.2f}"), False, False)
            return
        self._before = (now, self.player.shuffled_from)
        self._apply(order)
        before, after = result.cost_before, result.cost_after
        percent = round((before - after) / before * 100) if before > 0 else 0
        self.finished.emit(self.tr("Transition cost {before} → {after} (−{percent} %)").format(
            before=f"{before:.2f}", after=f"{after:.2f}", percent=percent), False, True)

    def _apply(self, uids: list[int]) -> None:
        """The queue in the order ``uids`` in one change (rows not named: after, in order),
        as unshuffling puts an order back; a shuffle is replaced."""
        self.player.shuffled_from = uids
        self.player.unshuffle()

    def undo(self) -> bool:
        """Put back the order before the last ordering (and the shuffle it had); returns
        whether the queue is shuffled again."""
        before, self._before = self._before, None
        if before is None:
            return self.player.shuffled_from is not None
        order, shuffled = before
        self._apply(order)
        if shuffled is not None:
            present = {e.uid for e in self.player.queue}
            self.player.shuffled_from = [u for u in shuffled if u in present]
        return self.player.shuffled_from is not None

    @property
    def can_undo(self) -> bool:
        """An ordering can be undone."""
        return self._before is not None
