"""The Player's radio: past the end of the queue, and "Start radio" on demand (#12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_player import Harness

from smootify_player.audio.synth import fallback_soundfont
from smootify_player.library import Library, LibraryRadio
from smootify_player.player import Player, PlayerSettings, facade
from smootify_player.player.states import PlayState

SPEED = 32.0
NO_REPEAT = 5


@pytest.fixture(autouse=True)
def _small_soundfont(monkeypatch: pytest.MonkeyPatch) -> None:
    sf = fallback_soundfont()
    if sf is not None:
        monkeypatch.setenv("SMOOTIFY_SOUNDFONT", str(sf))


def _player(h: Harness, lib: Library, **settings) -> Player:
    return Player(h, PlayerSettings(transition="crossfade", **settings), notice=lambda m: None,
                  audio="silent", clock_speed=SPEED,
                  radio=LibraryRadio(lib, seed=3, no_repeat=NO_REPEAT))


def test_settings_keep_repeat_and_add_the_end_of_queue_choice():
    old = PlayerSettings.from_dict({"repeat": False})  # saved before the choice existed
    assert old.end_of_queue == "repeat" and not old.wraps and not old.radio
    s = PlayerSettings.from_dict({"repeat": True, "end_of_queue": "radio"})
    assert s.radio and not s.wraps and s.repeat
    assert PlayerSettings.from_dict(s.to_dict()) == s
    assert PlayerSettings.from_dict({"end_of_queue": "nonsense"}).end_of_queue == "repeat"


def test_radio_plays_on_past_the_end_of_the_queue(library: Library, music: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(facade, "RADIO_KEEP", 3)  # picks long played leave the queue
    h = Harness()
    p = _player(h, library, end_of_queue="radio")
    files = sorted(music.glob("*.mid"))
    p.add(files[:2])
    p.play()
    seen: list[str] = []

    def until() -> bool:
        c = p.current
        if c is not None and (not seen or seen[-1] != str(c.path)):
            seen.append(str(c.path))
            if c.radio:
                assert p.now_playing().reason == c.reason
        return len(seen) >= 10

    try:
        assert h.run(p, until, timeout=60), (seen, p.state)
        assert p.state == PlayState.PLAYING
        picks = [e for e in p.queue if e.radio]
        assert all("→" in e.reason and "BPM" in e.reason for e in picks)
        # the queue then the radio, in play order, no song again within NO_REPEAT
        assert seen[:2] == [str(f) for f in files[:2]]
        row = p.play_queue.row_of(p.current)
        assert row is not None and sum(e.radio for e in p.queue[:row]) <= 3 + 1
        assert len(p.play_queue._known) <= len(p.queue) + 4  # hours of radio stay small
        for i in range(1, len(seen)):
            assert seen[i] not in seen[max(0, i - NO_REPEAT):i], seen
        assert p.up_next() is not None and p.up_next().radio
    finally:
        p.close()


def test_start_radio_on_demand_queues_picks_after_the_song(library: Library, music: Path):
    h = Harness()
    p = _player(h, library)  # the queue repeats: radio only on demand
    files = sorted(music.glob("*.mid"))
    p.add(files[:3])
    first = p.queue[0]
    p.start_radio(first)
    try:
        assert h.run(p, lambda: p.current is not None and p.current.radio
                     and p.play_queue.row_of(p.current) >= 3, timeout=60)
        rows = p.queue
        assert rows[0] is first and all(e.radio for e in rows[1:4])
        assert [e.path for e in rows if not e.radio] == files[:3]  # the queue is kept
        # playing a queued song ends the radio: no more picks after it
        p.play_entry(rows[-1])
        assert not p.radio_on
    finally:
        p.close()
