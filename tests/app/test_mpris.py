"""MPRIS2 on a private session bus: dbus-send (and playerctl when installed) drive the window.

The test starts its own ``dbus-daemon --session``, so it never touches the desktop's bus.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess

import pytest

from smootify_player.app.mpris import BUS_NAME, OBJECT_PATH, PLAYER_IFACE
from smootify_player.app.widgets import fmt_time

from .conftest import RULE

WAIT = 15_000
DEST = f"--dest={BUS_NAME}"


@pytest.fixture
def session_bus(monkeypatch):
    """A private session bus for this test: its address in DBUS_SESSION_BUS_ADDRESS."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None or shutil.which("dbus-send") is None:
        pytest.skip("dbus-daemon/dbus-send not installed (Debian: apt-get install dbus-daemon "
                    "dbus-bin); scripts/setup.sh installs them")
    proc = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1"],
                            stdout=subprocess.PIPE, text=True)
    try:
        address = proc.stdout.readline().strip()
        assert address.startswith(("unix:", "tcp:")), address
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run(qtbot, *cmd: str) -> str:
    """Run a bus client while the Qt event loop keeps serving the bus; its stdout."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=WAIT)
    out, err = proc.communicate()
    assert proc.returncode == 0, f"{cmd}: {err}"
    return out


def call(qtbot, method: str, *args: str) -> str:
    return run(qtbot, "dbus-send", "--session", "--print-reply", DEST, OBJECT_PATH,
               f"{PLAYER_IFACE}.{method}", *args)


def get(qtbot, prop: str, iface: str = PLAYER_IFACE) -> str:
    return run(qtbot, "dbus-send", "--session", "--print-reply", DEST, OBJECT_PATH,
               "org.freedesktop.DBus.Properties.Get", f"string:{iface}", f"string:{prop}")


def status(qtbot) -> str:
    m = re.search(r'variant\s+string "(\w+)"', get(qtbot, "PlaybackStatus"))
    assert m is not None
    return m.group(1)


def title(qtbot) -> str:
    m = re.search(r'string "xesam:title"\s+variant\s+string "(.*)"', get(qtbot, "Metadata"))
    return m.group(1) if m else ""


def test_dbus_send_drives_play_pause_next_and_reads_the_title(make_app, songs, qtbot,
                                                                session_bus):
    monitor = subprocess.Popen(
        ["dbus-monitor", "--session", f"type='signal',path='{OBJECT_PATH}'"],
        stdout=subprocess.PIPE, text=True) if shutil.which("dbus-monitor") else None
    try:
        app = make_app("--new-instance", *map(str, songs[:2]), speed=2.0, settings=RULE)
        p, w = app.player, app.window
        assert app.mpris is not None and app.mpris.bus_name == BUS_NAME
        qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 2, timeout=WAIT)
        assert status(qtbot) == "Playing"
        assert title(qtbot) == "alpha"
        assert w.windowTitle() == "alpha — Smootify"
        md = get(qtbot, "Metadata")
        # the song's full length in microseconds (as the seek bar counts it), as int64
        length = re.search(r'"mpris:length"\s+variant\s+int64 (\d+)\b', md)
        assert length is not None, md
        assert int(length.group(1)) == int(round(p.queue[0].song.duration * 1_000_000))
        assert re.search(r'"mpris:trackid"\s+variant\s+object path "/', md), md
        identity = run(qtbot, "dbus-send", "--session", "--print-reply", DEST, OBJECT_PATH,
                       "org.freedesktop.DBus.Properties.GetAll", "string:org.mpris.MediaPlayer2")
        assert '"Smootify"' in identity and '"io.github.smootify.Smootify"' in identity
        props = run(qtbot, "dbus-send", "--session", "--print-reply", DEST, OBJECT_PATH,
                    "org.freedesktop.DBus.Properties.GetAll", f"string:{PLAYER_IFACE}")
        for name in ("CanGoNext", "CanGoPrevious", "CanPlay", "CanPause", "CanSeek",
                     "CanControl"):
            assert re.search(rf'"{name}"\s+variant\s+boolean true', props), name
        assert re.search(r'"Position"\s+variant\s+int64 \d+', props)

        call(qtbot, "PlayPause")
        assert p.state == "paused" and status(qtbot) == "Paused"
        call(qtbot, "PlayPause")
        assert p.state == "playing" and status(qtbot) == "Playing"

        # Volume is read and written through the window's slider
        run(qtbot, "dbus-send", "--session", "--print-reply", DEST, OBJECT_PATH,
            "org.freedesktop.DBus.Properties.Set", f"string:{PLAYER_IFACE}", "string:Volume",
            "variant:double:0.25")
        assert w.now_bar.volume.value() == 25 and abs(p.volume - 0.25) < 1e-6
        assert "double 0.25" in get(qtbot, "Volume")

        # Next mixes into beta through a bridge: the title reads "alpha + beta", then "beta"
        call(qtbot, "Next")
        qtbot.waitUntil(lambda: w.windowTitle() == "alpha + beta — Smootify", timeout=WAIT)
        qtbot.waitUntil(lambda: p.current is not None and p.current.title == "beta"
                        and w.windowTitle() == "beta — Smootify", timeout=WAIT)
        qtbot.waitUntil(lambda: title(qtbot) == "beta", timeout=WAIT)

        # Seek and SetPosition move within the song
        call(qtbot, "Pause")
        tid = re.search(r'object path "([^"]+)"', get(qtbot, "Metadata")).group(1)
        call(qtbot, "SetPosition", f"objpath:{tid}", "int64:3000000")
        assert abs(p.now_playing().position - 3.0) < 0.1
        call(qtbot, "Seek", "int64:2000000")
        assert abs(p.now_playing().position - 5.0) < 0.1
        pos = int(re.search(r"int64 (\d+)", get(qtbot, "Position")).group(1))
        assert abs(pos - 5_000_000) < 100_000
        # the seek bar shows the same time (paused: it holds there)
        qtbot.waitUntil(lambda: w.now_bar.elapsed.text() == fmt_time(pos / 1_000_000),
                        timeout=WAIT)
        assert w.now_bar.total.text() == fmt_time(p.current.song.duration)
    finally:
        if monitor is not None:
            qtbot.wait(200)
            monitor.terminate()
            signals = monitor.communicate(timeout=10)[0]
    if monitor is not None:
        # every change went out as PropertiesChanged: the bridge's "A + B" title too
        assert "PropertiesChanged" in signals and "Seeked" in signals
        assert re.search(r'string "xesam:title"\s+variant\s+string "alpha \+ beta"', signals)
        assert re.search(r'string "PlaybackStatus"\s+variant\s+string "Paused"', signals)


@pytest.mark.skipif(shutil.which("playerctl") is None,
                    reason="playerctl not installed (Debian: apt-get install playerctl)")
def test_playerctl_drives_the_player(make_app, songs, qtbot, session_bus):
    app = make_app("--new-instance", *map(str, songs[:2]), speed=2.0, settings=RULE)
    p = app.player
    qtbot.waitUntil(lambda: p.state == "playing" and len(p.queue) == 2, timeout=WAIT)
    ctl = ("playerctl", "--player=smootify")
    assert run(qtbot, *ctl, "status").strip() == "Playing"
    assert run(qtbot, *ctl, "metadata", "title").strip() == "alpha"
    assert run(qtbot, *ctl, "metadata", "--format",
               "{{title}} {{duration(mpris:length)}}").strip() in ("alpha 0:15",
                                                                   "alpha 0:16")
    # a follower sees the changes as they are announced (PropertiesChanged, typed as GLib
    # expects: a signal of the wrong signature would be dropped)
    follow = subprocess.Popen([*ctl, "--follow", "status"], stdout=subprocess.PIPE, text=True)
    try:
        qtbot.wait(500)
        run(qtbot, *ctl, "play-pause")
        assert p.state == "paused"
        assert run(qtbot, *ctl, "status").strip() == "Paused"
        run(qtbot, *ctl, "play")
        assert p.state == "playing"
        qtbot.wait(500)
    finally:
        follow.terminate()
        followed = follow.communicate(timeout=10)[0].split()
    assert followed[-3:] == ["Playing", "Paused", "Playing"], followed
    run(qtbot, *ctl, "next")
    qtbot.waitUntil(lambda: p.current is not None and p.current.title == "beta", timeout=WAIT)
    qtbot.waitUntil(lambda: run(qtbot, *ctl, "metadata", "title").strip() == "beta",
                    timeout=WAIT)


def test_without_a_session_bus_it_stays_quiet(make_app, songs, qtbot, caplog):
    with caplog.at_level(logging.INFO, logger="smootify.app"):
        app = make_app("--new-instance", *map(str, songs[:1]))
    assert app.mpris is None and app.window.mpris is None
    lines = [r.getMessage() for r in caplog.records if "MPRIS" in r.getMessage()]
    assert len(lines) == 1 and "no session bus" in lines[0]
    qtbot.waitUntil(lambda: app.player.state == "playing", timeout=WAIT)
    qtbot.waitUntil(lambda: app.window.windowTitle() == "alpha — Smootify", timeout=WAIT)


def test_raise_and_quit(make_app, songs, qtbot, session_bus):
    app = make_app("--new-instance", *map(str, songs[:1]), settings=RULE)
    w = app.window
    qtbot.waitUntil(lambda: app.player.state == "playing", timeout=WAIT)
    root = "org.mpris.MediaPlayer2"
    run(qtbot, "dbus-send", "--session", "--print-reply", DEST, OBJECT_PATH, f"{root}.Raise")
    assert w.isVisible()
    run(qtbot, "dbus-send", "--session", "--print-reply", DEST, OBJECT_PATH, f"{root}.Quit")
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=WAIT)
    assert app.mpris.bus is None  # off the bus: the name is free for the next Smootify
    names = run(qtbot, "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames")
    assert BUS_NAME not in names
