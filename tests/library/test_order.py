"""Smoothest-flow order: lowers the total cost, keeps every song once, is quick."""

from __future__ import annotations

import time

import numpy as np

from smootify_player.library import Library, smooth_order
from smootify_player.library.cost import cost_matrix
from smootify_player.library.order import path_cost


def test_order_lowers_the_library_cost(library: Library):
    cat = library.catalog()
    costs = cost_matrix(cat, np.arange(len(cat)))
    res = smooth_order(costs)
    assert sorted(res.order) == list(range(len(cat)))
    assert res.cost_after < res.cost_before
    assert res.cost_after == path_cost(costs, res.order)


def test_keep_first_and_tiny_playlists():
    rng = np.random.default_rng(0)
    costs = rng.random((30, 30))
    res = smooth_order(costs, keep_first=True)
    assert res.order[0] == 0 and sorted(res.order) == list(range(30))
    assert res.cost_after < res.cost_before
    assert smooth_order(costs[:1, :1]).order == [0]
    assert smooth_order(costs[:2, :2]).order == [0, 1]


def test_a_planted_chain_is_found():
    n = 40
    costs = np.ones((n, n))
    chain = np.random.default_rng(1).permutation(n)
    costs[chain[:-1], chain[1:]] = 0.0
    res = smooth_order(costs)
    assert res.cost_after == 0.0 and res.order == chain.tolist()


def test_200_songs_in_under_two_seconds():
    costs = np.random.default_rng(2).random((200, 200))
    t = time.perf_counter()
    res = smooth_order(costs)
    assert time.perf_counter() - t < 2.0
    assert res.cost_after < 0.5 * res.cost_before


def test_songs_in_memory_cost_what_the_library_says(library: Library):
    """The queue's order (songs analysed in memory, no database) sees the same costs as the
    library's catalog of the same files."""
    from smootify_player.library import order_songs
    from smootify_player.library.catalog import catalog_of
    from smootify_player.library.features import extract_features
    from smootify_player.music.song import Song

    cat = library.catalog()
    songs = [Song.load(p) for p in cat.paths]
    mem = catalog_of([extract_features(s, s.digest) for s in songs], cat.paths,
                     [s.title for s in songs])
    n = np.arange(len(cat))
    assert np.allclose(cost_matrix(mem, n), cost_matrix(cat, n), atol=1e-5)
    res = order_songs(songs)
    assert sorted(res.order) == list(range(len(songs))) and res.cost_after < res.cost_before
    first = order_songs(songs, keep_first=True)
    assert first.order[0] == 0
