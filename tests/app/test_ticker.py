"""The Ticker drives Player.poll() and hands the now-playing data to whoever listens."""

from __future__ import annotations

from smootify_player.app.ticker import Ticker
from smootify_player.player import NowPlaying


class FakePlayer:
    def __init__(self) -> None:
        self.polls = 0

    def poll(self) -> None:
        self.polls += 1

    def now_playing(self) -> NowPlaying:
        return NowPlaying(title="A", position=self.polls / 10, duration=60.0)


def test_the_ticker_polls_and_emits_the_position(qtbot):
    player = FakePlayer()
    ticker = Ticker(player, interval_ms=5)  # type: ignore[arg-type]
    seen: list[NowPlaying] = []
    ticker.ticked.connect(seen.append)
    assert not ticker.active
    ticker.start()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=2000)
    assert player.polls >= 3 and seen[-1].title == "A"
    assert [n.position for n in seen[:3]] == [0.1, 0.2, 0.3], "each poll comes before its emit"
    ticker.stop()
    n = player.polls
    qtbot.wait(40)
    assert player.polls == n and not ticker.active


def test_the_window_follows_the_ticker_and_does_not_poll(make_app, songs, qtbot):
    app = make_app()
    w, player, ticker = app.window, app.player, app.ticker
    assert ticker.active and ticker.parent() is w
    ticker.stop()
    player.add(songs[:1])
    player.play()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=15_000)
    qtbot.wait(200)
    assert w.now_bar.title.text() == "Nothing playing", "only the ticker refreshes the bar"
    np_ = ticker.tick()
    assert w.now_bar.title.text() == np_.title == "alpha"
    ticker.start()
    w.close()
    assert not ticker.active, "closing the window stops the clock before the player closes"
