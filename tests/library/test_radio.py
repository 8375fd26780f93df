"""Radio: join-cost picks, no repeats within N, no credit twice in a row, seeded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from smootify_player.library import Library, Radio
from smootify_player.library.cost import join_costs

from .conftest import write_library


@pytest.fixture
def big(tmp_path: Path) -> Library:
    write_library(tmp_path / "big", 30, credits=5)
    lib = Library(tmp_path / "big.sqlite3")
    lib.scan([tmp_path / "big"], workers=0)
    yield lib
    lib.close()


def _run(lib: Library, seed: int, count: int, no_repeat: int = 10) -> list:
    radio = Radio(lib.catalog(), lib.sketches, seed=seed, no_repeat=no_repeat)
    radio.start(0)
    return [radio.next() for _ in range(count)]


def test_no_repeat_within_n_and_no_credit_twice(big: Library):
    cat = big.catalog()
    picks = _run(big, seed=3, count=60, no_repeat=10)
    rows = [0] + [p.index for p in picks]
    for k in range(1, len(rows)):
        assert rows[k] not in rows[max(0, k - 10):k]
        assert cat.credit_id[rows[k]] != cat.credit_id[rows[k - 1]]
    assert all(not p.relaxed for p in picks)
    assert len(set(rows)) > 11


def test_same_seed_same_picks(big: Library):
    a = [p.path for p in _run(big, seed=7, count=15)]
    assert a == [p.path for p in _run(big, seed=7, count=15)]
    others = [[p.path for p in _run(big, seed=s, count=15)] for s in range(8, 12)]
    assert any(o != a for o in others)


def test_a_pick_says_why_and_scores(big: Library):
    cat = big.catalog()
    pick = _run(big, seed=0, count=1)[0]
    assert " → " in pick.reason and "BPM" in pick.reason
    assert 0 <= pick.cost <= 1 and 0 <= pick.score <= 1 and 0 <= (pick.mix_score or 0) <= 1
    assert pick.exit_bar is not None and 1 <= pick.exit_bar <= cat.bars[0]
    assert set(pick.parts) == {"key", "tempo", "texture", "meter", "mix"}
    costs, _ = join_costs(cat, 0)
    # the pick is among the cheaper half by features
    assert (costs < pick.cost).sum() < len(cat) // 2


def test_the_radio_never_runs_dry(tmp_path: Path):
    write_library(tmp_path / "two", 2, credits=1)
    lib = Library(tmp_path / "two.sqlite3")
    lib.scan([tmp_path / "two"], workers=0)
    radio = Radio(lib.catalog(), lib.sketches, seed=0)
    radio.start(0)
    picks = [radio.next() for _ in range(6)]
    assert [p.index for p in picks] == [1, 0, 1, 0, 1, 0]
    assert all("credit" in p.relaxed for p in picks)
    lib.close()


def test_start_by_path_and_errors(big: Library):
    cat = big.catalog()
    radio = Radio(cat, seed=0)  # without sketches: features only
    assert radio.start(cat.paths[5]) == 5
    pick = radio.next()
    assert pick.mix_score is None and pick.index != 5
    with pytest.raises(KeyError):
        radio.start("/no/such.mid")
    with pytest.raises(RuntimeError):
        Radio(cat).next()


def test_pick_speed_is_milliseconds(big: Library):
    picks = _run(big, seed=1, count=10)
    assert np.median([p.ms for p in picks]) < 200


def test_the_player_radio_picks_songs_scanned_after_it_started(tmp_path: Path):
    from smootify_player.library import LibraryRadio

    folder = tmp_path / "grows"
    first = write_library(folder, 2, credits=1)
    lib = Library(tmp_path / "grows.sqlite3")
    lib.scan([folder], workers=0)
    radio = LibraryRadio(lib, seed=0, no_repeat=1)
    assert radio.next_after(str(first[0])).path == str(first[1])
    more = write_library(tmp_path / "more", 6, seed=5, credits=1)
    for f in more:
        f.rename(folder / f"new_{f.name}")
    changes = lib.changes
    lib.scan([folder], workers=0)
    assert lib.changes > changes
    picks = {radio.next_after(str(first[1])).path for _ in range(4)}
    assert any("new_" in p for p in picks), picks
    lib.close()
