"""Smoothest-flow order: a playlist reordered to lower its total transition cost."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..music.song import Song

__all__ = ["OrderResult", "order_songs", "path_cost", "smooth_order"]


@dataclass
class OrderResult:
    """A reordering.

    Attributes
    ----------
    order : list of int
        Positions of the original playlist in their new order.
    cost_before, cost_after : float
        Total transition cost of the original and the new order (sum over the joins).
    seconds : float
        Time taken.
    """

    order: list[int]
    cost_before: float
    cost_after: float
    seconds: float


def path_cost(costs: np.ndarray, order: np.ndarray | list[int]) -> float:
    """Sum of ``costs[order[k], order[k + 1]]`` over the joins of ``order``."""
    o = np.asarray(order, np.int64)
    return float(costs[o[:-1], o[1:]].sum()) if o.size > 1 else 0.0


def _nearest_neighbour(costs: np.ndarray, start: int) -> np.ndarray:
    n = costs.shape[0]
    left = np.ones(n, bool)
    out = np.empty(n, np.int64)
    cur = start
    for k in range(n):
        out[k] = cur
        left[cur] = False
        if k + 1 < n:
            row = np.where(left, costs[cur], np.inf)
            cur = int(np.argmin(row))
    return out


def _two_opt(c: np.ndarray, tour: np.ndarray, deadline: float) -> tuple[np.ndarray, bool]:
    """Best-improvement 2-opt on a cycle with asymmetric costs (a reversed run's inner joins
    are priced backwards); one move per call."""
    n = tour.size
    nxt = np.roll(tour, -1)
    fwd = c[tour, nxt]  # join k: tour[k] -> tour[k + 1]
    bwd = c[nxt, tour]
    cf = np.concatenate([[0.0], np.cumsum(fwd)])
    cb = np.concatenate([[0.0], np.cumsum(bwd)])
    i = np.arange(n - 2)[:, None]
    j = np.arange(n)[None, :]
    valid = (j >= i + 2) & (j <= n - 1)
    jj = np.minimum(j, n - 1)
    # Reverse tour[i+1 .. j]: joins i and j are replaced, the inner joins i+1..j-1 reverse.
    inner = (cb[jj] - cb[i + 1]) - (cf[jj] - cf[i + 1])
    delta = (c[tour[i], tour[jj]] + c[tour[i + 1], nxt[jj]] - fwd[i] - fwd[jj] + inner)
    delta = np.where(valid & ~((i == 0) & (jj == n - 1)), delta, 0.0)
    best = int(np.argmin(delta))
    bi, bj = divmod(best, n)
    if delta[bi, bj] < -1e-12 and time.perf_counter() < deadline:
        tour = tour.copy()
        tour[bi + 1:bj + 1] = tour[bi + 1:bj + 1][::-1]
        return tour, True
    return tour, False


def _or_opt(c: np.ndarray, tour: np.ndarray) -> tuple[np.ndarray, bool]:
    """Best move of a run of 1-3 songs, kept in its direction, to another place."""
    n = tour.size
    best: tuple[float, tuple[list[int], int] | None] = (-1e-12, None)
    for length in (1, 2, 3):
        if n < length + 3:
            break
        for s in range(n):
            run = [(s + t) % n for t in range(length)]
            prev, after = (s - 1) % n, (s + length) % n
            first, last = tour[run[0]], tour[run[-1]]
            gain = c[tour[prev], first] + c[last, tour[after]] - c[tour[prev], tour[after]]
            keep = np.ones(n, bool)
            keep[run] = False
            keep[prev] = False
            rest = np.flatnonzero(keep)
            # Insert between rest[k] and its successor.
            succ = (rest + 1) % n
            succ = np.where(np.isin(succ, run), after, succ)
            add = c[tour[rest], first] + c[last, tour[succ]] - c[tour[rest], tour[succ]]
            k = int(np.argmin(add))
            delta = add[k] - gain
            if delta < best[0]:
                best = (delta, (run, int(rest[k])))
    if best[1] is None:
        return tour, False
    run, at = best[1]
    moved = [int(tour[r]) for r in run]
    anchor = int(tour[at])
    rest_list = [int(x) for k, x in enumerate(tour) if k not in run]
    pos = rest_list.index(anchor) + 1
    return np.array(rest_list[:pos] + moved + rest_list[pos:], np.int64), True


def smooth_order(costs: np.ndarray, keep_first: bool = False, budget_s: float = 1.5,
                 starts: int = 64) -> OrderResult:
    """Reorder to lower the total transition cost: nearest neighbour, then 2-opt and or-opt.

    The playlist is an open path (no join from the last song back to the first); a dummy
    song that joins anything at no cost turns it into a cycle for the local search.

    Parameters
    ----------
    costs : np.ndarray
        (n, n) cost of joining song i into song j (the diagonal is ignored).
    keep_first : bool
        Keep the first song first (the one playing).
    budget_s : float
        Local search stops after this long (the result is still a valid order).
    starts : int
        Nearest-neighbour tours tried (from the first songs, evenly spread).

    Returns
    -------
    OrderResult
        Never costlier than the original order.
    """
    t0 = time.perf_counter()
    costs = np.asarray(costs, np.float64)
    n = costs.shape[0]
    identity = np.arange(n)
    before = path_cost(costs, identity)
    if n < 3:
        return OrderResult(list(range(n)), before, before, time.perf_counter() - t0)
    big = float(np.abs(costs).max()) * n + 1.0
    c = np.zeros((n + 1, n + 1))
    c[:n, :n] = costs
    np.fill_diagonal(c, big)
    if keep_first:
        c[n, 1:n] = big  # the dummy leads only into the first song
    dummy = n
    firsts = [0] if keep_first else np.unique(np.linspace(0, n - 1, min(starts, n)).astype(int))
    best_tour, best_cost = None, np.inf
    for s in firsts:
        path = _nearest_neighbour(costs if not keep_first else _no_return(costs, 0), int(s))
        total = path_cost(costs, path)
        if total < best_cost:
            best_tour, best_cost = path, total
    assert best_tour is not None
    tour = np.concatenate([[dummy], best_tour])
    deadline = t0 + budget_s
    while time.perf_counter() < deadline:
        tour, moved = _two_opt(c, tour, deadline)
        if moved:
            continue
        tour, moved = _or_opt(c, tour)
        if not moved:
            break
    k = int(np.flatnonzero(tour == dummy)[0])
    order = np.concatenate([tour[k + 1:], tour[:k]])
    after = path_cost(costs, order)
    if after > before or (keep_first and order[0] != 0):
        order, after = identity, before
    return OrderResult([int(x) for x in order], before, after, time.perf_counter() - t0)


def _no_return(costs: np.ndarray, first: int) -> np.ndarray:
    """Costs where no song leads back into ``first`` (it stays at the start)."""
    c = costs.copy()
    c[:, first] = np.inf
    return c


def order_songs(songs: Sequence[Song], keep_first: bool = False,
                budget_s: float = 1.5) -> OrderResult:
    """:func:`smooth_order` of analysed songs (a queue): costs from their features.

    Songs with the same content are separate rows; the result orders ``songs``' positions.
    """
    from .catalog import catalog_of
    from .cost import cost_matrix
    from .features import extract_features

    feats = [extract_features(s, s.digest) for s in songs]
    cat = catalog_of(feats, [str(s.path) for s in songs], [s.title for s in songs])
    return smooth_order(cost_matrix(cat, np.arange(len(songs))), keep_first, budget_s)
