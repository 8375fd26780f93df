"""Song-change notifications on a private session bus, with a fake notification server.

The bus is the private ``dbus-daemon`` of ``test_mpris.session_bus``; the server is a small
QtDBus object in the test's process that takes ``org.freedesktop.Notifications.Notify``.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtCore import ClassInfo, QObject, Slot
from PySide6.QtDBus import QDBusAbstractAdaptor, QDBusConnection

from smootify_player.app.desktop_install import APP_ID
from smootify_player.app.notify import NOTIFY_PATH, NOTIFY_SERVICE

from .test_mpris import WAIT, session_bus  # noqa: F401  (a fixture)

NOTIFY = {"transition": "crossfade", "notify": True}


@ClassInfo({"D-Bus Interface": "org.freedesktop.Notifications"})
class _ServerAdaptor(QDBusAbstractAdaptor):
    def __init__(self, owner: FakeServer) -> None:
        super().__init__(owner)
        self.owner = owner

    @Slot(str, "uint", str, str, str, "QStringList", "QVariantMap", int, result="uint")
    def Notify(self, app: str, replaces: int, icon: str, summary: str, body: str,
               actions: list, hints: dict, timeout: int) -> int:
        self.owner.calls.append({"app": app, "replaces": replaces, "icon": icon,
                                 "summary": summary, "body": body, "hints": dict(hints)})
        return 40 + len(self.owner.calls)


class FakeServer(QObject):
    """org.freedesktop.Notifications on the bus at ``address``; ``calls`` are the Notifys."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.calls: list[dict[str, Any]] = []
        self._adaptor = _ServerAdaptor(self)
        self.bus = QDBusConnection.connectToBus(address, "fake-notifications")
        assert self.bus.isConnected()
        assert self.bus.registerObject(NOTIFY_PATH, self,
                                       QDBusConnection.RegisterOption.ExportAdaptors)
        assert self.bus.registerService(NOTIFY_SERVICE)

    def close(self) -> None:
        self.bus.unregisterService(NOTIFY_SERVICE)
        self.bus.unregisterObject(NOTIFY_PATH)
        QDBusConnection.disconnectFromBus("fake-notifications")


@pytest.fixture
def server(session_bus):  # noqa: F811
    s = FakeServer(session_bus)
    yield s
    s.close()


def test_a_song_change_sends_one_notification(make_app, songs, qtbot, server):
    app = make_app("--new-instance", *map(str, songs[:2]), settings=NOTIFY)
    p, n = app.player, app.window.notifier
    n.active = lambda: False  # the window is in the background
    qtbot.waitUntil(lambda: p.state == "playing" and p.current.title == "alpha", timeout=WAIT)
    p.next()  # into beta through a join at the next bar
    qtbot.waitUntil(lambda: p.current.title == "beta", timeout=WAIT)
    qtbot.waitUntil(lambda: any(c["summary"] == "beta" for c in server.calls), timeout=WAIT)
    beta = [c for c in server.calls if c["summary"] == "beta"]
    assert len(beta) == 1
    call = beta[0]
    assert call["app"] == "Smootify" and call["icon"] == APP_ID
    assert call["hints"] == {"desktop-entry": APP_ID}
    assert "alpha + beta" in call["body"]  # it came in through the join: the card's line
    assert call["replaces"] in (0, 40 + len(server.calls) - 1)  # replaces the one before
    # while the window is active, nothing is sent
    n.active = lambda: True
    sent = len(server.calls)
    p.next()
    qtbot.waitUntil(lambda: p.current.title == "alpha", timeout=WAIT)
    qtbot.wait(200)
    assert len(server.calls) == sent


def test_off_by_default(make_app, songs, qtbot, server):
    app = make_app("--new-instance", *map(str, songs[:2]))
    p, n = app.player, app.window.notifier
    assert p.settings.notify is False
    n.active = lambda: False
    qtbot.waitUntil(lambda: p.state == "playing", timeout=WAIT)
    p.next()
    qtbot.waitUntil(lambda: p.current.title == "beta", timeout=WAIT)
    qtbot.wait(200)
    assert server.calls == [] and n.sent == 0


def play_two_changes(make_app, songs, qtbot) -> Any:
    """Play alpha, then beta and alpha again with the window in the background; returns the
    window's notifier."""
    app = make_app("--new-instance", *map(str, songs[:2]), settings=NOTIFY)
    p, n = app.player, app.window.notifier
    n.active = lambda: False
    qtbot.waitUntil(lambda: p.state == "playing", timeout=WAIT)
    for title in ("beta", "alpha"):
        p.next()
        qtbot.waitUntil(lambda t=title: p.current.title == t, timeout=WAIT)
    return n


def test_no_notification_server_is_logged_once(make_app, songs, qtbot, session_bus,  # noqa: F811
                                               caplog):
    with caplog.at_level(logging.INFO, logger="smootify.app"):
        n = play_two_changes(make_app, songs, qtbot)
        qtbot.waitUntil(lambda: n._failed, timeout=WAIT)
        qtbot.wait(300)
    assert n.sent >= 2
    lines = [r.getMessage() for r in caplog.records if "Notifications" in r.getMessage()]
    assert len(lines) == 1 and NOTIFY_SERVICE in lines[0]


def test_without_a_session_bus_it_logs_once(make_app, songs, qtbot, caplog):
    with caplog.at_level(logging.INFO, logger="smootify.app"):
        n = play_two_changes(make_app, songs, qtbot)
    lines = [r.getMessage() for r in caplog.records if "Notifications" in r.getMessage()]
    assert len(lines) == 1 and "no session bus" in lines[0]
    assert n.sent == 0
