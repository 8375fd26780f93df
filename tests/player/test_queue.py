"""PlayQueue: editing and the next-song policy, pure and synchronous (no audio, no threads)."""

from __future__ import annotations

from pathlib import Path

from smootify_player.player.queue import PlayQueue, QueueEntry


def make(*names: str) -> PlayQueue:
    q = PlayQueue()
    q.add([Path(f"{n}.mid") for n in names])
    return q


def names(q: PlayQueue) -> list[str]:
    return [e.path.stem for e in q]


def test_add_at_a_row_and_lookup_by_uid():
    q = make("a", "b")
    new = q.add([Path("x.mid"), Path("y.mid")], at=1)
    assert names(q) == ["a", "x", "y", "b"]
    assert q.get(new[0].uid) is new[0] and q.get(None) is None
    q.add([Path("z.mid")], at=99)
    assert names(q)[-1] == "z" and q.row_of(new[1]) == 2
    assert q.row_of(QueueEntry(Path("other.mid"))) is None


def test_labels_and_analysed_songs_land_on_the_entries():
    q = PlayQueue()
    (e,) = q.add(["~/m/a.mid"], labels={"~/m/a.mid": ["Shut It", "Korp"]})
    assert (e.title, e.credit, e.status) == ("Shut It", "Korp", "waiting")
    (f,) = q.add([Path("track_01.mid")])
    assert f.title == "track 01" and f.credit == ""


def test_move_rows_before_a_row():
    q = make("a", "b", "c", "d")
    assert q.move([3], 1)
    assert names(q) == ["a", "d", "b", "c"]
    assert q.move([0, 1], 4)
    assert names(q) == ["b", "c", "a", "d"]
    assert not q.move([9], 0)


def test_remove_keeps_the_place_of_the_playing_song():
    q = make("a", "b", "c", "d")
    playing = q[2]
    assert q.remove([0, 2], current=playing)
    assert names(q) == ["b", "d"]
    # the playing song left: what now sits at its row plays next
    assert q.hint == 1
    assert q.next_after(playing.uid, repeat=True).path.stem == "d"
    assert not q.remove([7])


def test_clear_forgets_the_shuffle():
    q = make("a", "b")
    q.shuffle(seed=1)
    q.clear()
    assert len(q) == 0 and q.shuffled_from is None
    assert q.next_after(None, repeat=True) is None


def test_shuffle_then_unshuffle_restores_the_order_with_additions_at_the_end():
    q = make(*"abcdefgh")
    q.shuffle(seed=3)
    assert sorted(names(q)) == list("abcdefgh") and names(q) != list("abcdefgh")
    order = q.original_order()
    assert [names(q)[i] for i in order] == list("abcdefgh")
    q.add([Path("z.mid")], at=0)
    q.remove([q.row_of(next(e for e in q if e.path.stem == "c"))])
    assert q.unshuffle()
    assert names(q) == list("abdefgh") + ["z"]
    assert not q.unshuffle() and q.original_order() is None


def test_next_after_wraps_only_with_repeat():
    q = make("a", "b", "c")
    a, b, c = q.entries
    assert q.next_after(a.uid, repeat=False) is b
    assert q.next_after(c.uid, repeat=False) is None
    assert q.next_after(c.uid, repeat=True) is a
    assert q.next_after(None, repeat=True) is a  # nothing played yet: the top


def test_next_after_passes_over_failed_entries():
    q = make("a", "b", "c")
    a, b, c = q.entries
    b.status = "failed"
    assert q.next_after(a.uid, repeat=False) is c
    c.status = "failed"
    assert q.next_after(a.uid, repeat=False) is None
    assert q.next_after(a.uid, repeat=True) is a  # one song on repeat plays itself again
    assert q.next_after(a.uid, repeat=True, skip_self=True) is None  # others queued, all failed
    a.status = "failed"
    assert q.next_after(a.uid, repeat=True) is None


def test_skip_self_moves_on_when_there_is_another():
    q = make("a", "b")
    a, b = q.entries
    assert q.next_after(b.uid, repeat=True, skip_self=True) is a
    q2 = make("solo")
    (s,) = q2.entries
    assert q2.next_after(s.uid, repeat=True, skip_self=True) is s


def test_the_removed_playing_song_continues_at_its_row():
    q = make("a", "b", "c")
    a, b, c = q.entries
    q.follow(b)
    assert q.hint == 1
    q.remove([1], current=b)
    assert q.next_after(b.uid, repeat=False) is c
    q.remove([1], current=b)  # c too: the end of the queue
    assert q.next_after(b.uid, repeat=False) is None
    assert q.next_after(b.uid, repeat=True) is a


def test_follow_and_previous_before():
    q = make("a", "b", "c")
    a, b, c = q.entries
    q.follow(QueueEntry(Path("gone.mid")))
    assert q.hint == 0
    q.follow(c)
    q.follow(QueueEntry(Path("gone.mid")))  # not queued: the hint stays
    assert q.hint == 2
    q.follow(QueueEntry(Path("gone.mid")), or_top=True)
    assert q.hint == 0
    assert q.previous_before(b) is a
    assert q.previous_before(a) is c  # wraps
    b.status = "failed"
    assert q.previous_before(c) is a
    assert PlayQueue().previous_before(None) is None


def test_first_playable_and_wraps():
    q = make("a", "b", "c")
    a, b, c = q.entries
    a.status = "failed"
    assert q.first_playable() is b and q.first_playable(c) is c
    assert q.first_playable(QueueEntry(Path("gone.mid"))) is b
    assert q.wraps(c, a) and q.wraps(b, b) and not q.wraps(a, c)
    assert not q.wraps(QueueEntry(Path("gone.mid")), a)
