"""Search: filters by title, credit, key, tempo and meter; sorting by column."""

from __future__ import annotations

import pytest

from smootify_player.library import Library
from smootify_player.library.query import SORT_COLUMNS, parse_key, parse_meter


def test_filters(library: Library):
    everything = library.search()
    assert len(everything) == 12
    assert [r.title for r in library.search("SONG 03")] == ["song 03"]
    by_credit = library.search(credit="composer 1")
    assert len(by_credit) == 4 and all(r.credit == "Composer 1" for r in by_credit)
    assert len(library.search("composer 2")) == 4  # text finds credits too
    waltzes = library.search(meter="3/4")
    assert len(waltzes) == 4 and {r.meter for r in waltzes} == {"3/4"}
    assert {r.meter for r in library.search(meter=(6, 8))} == {"6/8"}
    slow = library.search(tempo=(80, 110))
    assert slow and all(80 <= (r.tempo or 0) <= 110 for r in slow)
    some = everything[0]
    assert some.key is not None
    keyed = library.search(key=some.key)
    assert some in keyed and all(r.key == some.key for r in keyed)
    assert library.search("100%_") == []  # LIKE wildcards are literal


def test_sorting_and_paging(library: Library):
    tempi = [r.tempo for r in library.search(sort="tempo")]
    assert tempi == sorted(tempi)
    assert [r.tempo for r in library.search(sort="tempo", descending=True)] == tempi[::-1]
    for column in SORT_COLUMNS:
        assert len(library.search(sort=column)) == 12
    page = library.search(sort="title", limit=5, offset=5)
    assert [r.title for r in page] == [r.title for r in library.search(sort="title")][5:10]
    with pytest.raises(ValueError, match="sort column"):
        library.search(sort="nope")


@pytest.mark.parametrize(("text", "index"), [
    ("C major", 0), ("Eb major", 3), ("eb", 3), ("D# minor", 15), ("Am", 21), ("Bb", 10),
    ("F♯ minor", 18), (7, 7),
])
def test_parse_key(text, index):
    assert parse_key(text) == index


def test_parse_errors():
    with pytest.raises(ValueError):
        parse_key("H major")
    with pytest.raises(ValueError):
        parse_meter("4/0")
    assert parse_meter(" 6 / 8 ") == (6, 8)
