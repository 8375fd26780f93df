"""MPRIS2 on the session bus: media keys, desktop media panels, KDE Connect and ``playerctl``.

:class:`Mpris` exports ``org.mpris.MediaPlayer2`` and ``org.mpris.MediaPlayer2.Player`` at
``/org/mpris/MediaPlayer2`` under the bus name ``org.mpris.MediaPlayer2.smootify`` (another
instance takes ``...smootify.instance<pid>``, as the specification asks). It drives the core
:class:`~smootify_player.player.Player` the way the window does (``toggle``, ``next``,
``previous``, ``seek``) and follows it through its listeners and the :class:`Ticker`'s
``ticked`` signal: each change of a property is sent as one
``org.freedesktop.DBus.Properties.PropertiesChanged``, a jump in position as ``Seeked``.
During a bridge the title is "A + B", as on the now-playing card. ``Position``,
``mpris:length``, ``Seek`` and ``SetPosition`` count the song's own time, as the seek bar does
(:func:`~smootify_player.player.view.now_playing`).

Without a session bus (no ``DBUS_SESSION_BUS_ADDRESS`` and no ``$XDG_RUNTIME_DIR/bus``, or
``DBUS_SESSION_BUS_ADDRESS`` set empty) it does nothing and logs one line.

Types: properties and arguments declared in the adaptors go out with their D-Bus types
(``Position`` and ``Seeked`` as int64). Inside ``Metadata`` (an ``a{sv}`` built from a
Python dict) PySide6 would send an integer below 2**31 as int32, and it offers no int64
writer of its own (``QDBusArgument << int`` picks the ``ushort`` overload), while the
specification, and strict readers such as ``playerctl``'s ``duration()``, want
``mpris:length`` as int64: :func:`int64` calls ``QDBusArgument::operator<<(qlonglong)`` of
the loaded QtDBus library through ctypes, checks what it wrote, and falls back to the plain
integer if that ever fails (:func:`uint32` likewise, for the notifications' ``replaces_id``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlparse

from PySide6.QtCore import ClassInfo, Property, QMetaType, QObject, Signal, Slot
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
)

from ..player import NowPlaying, Player
from ..player.states import PlayerEvent, PlayState
from .desktop_install import APP_ID

__all__ = ["Mpris", "MprisHooks", "BUS_NAME", "OBJECT_PATH", "APP_ID", "session_address",
           "metadata", "wire_metadata", "int64", "uint32", "playback_status"]

log = logging.getLogger("smootify.app")

BUS_NAME = "org.mpris.MediaPlayer2.smootify"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT_IFACE = "org.mpris.MediaPlayer2"
PLAYER_IFACE = "org.mpris.MediaPlayer2.Player"
PROPS_IFACE = "org.freedesktop.DBus.Properties"
TRACK_PREFIX = "/io/github/smootify/Smootify/track/"
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"
MIME_TYPES = ["audio/midi", "audio/x-midi", "audio/x-mpegurl"]

_STATUS = {PlayState.PLAYING: "Playing", PlayState.LOADING: "Playing",
           PlayState.PAUSED: "Paused", PlayState.STOPPED: "Stopped"}

# PySide6's stubs say less than PySide6 does: Property and Signal also take a C++ type name,
# which gives the D-Bus type ("QStringList" is "as", "qlonglong" "x", "QVariantMap" "a{sv}"),
# and ClassInfo also takes a dict (the key "D-Bus Interface" is no keyword) and decorates a
# class. The casts change nothing at run time; they tell the type checker so.
_STRING_LIST = cast(type, "QStringList")
_INT64 = cast(type, "qlonglong")
_VARIANT_MAP = cast(type, "QVariantMap")
_class_info = cast(Callable[[dict[str, str]], Callable[[type], type]], ClassInfo)


def session_address() -> str:
    """The session bus address: ``DBUS_SESSION_BUS_ADDRESS`` (set empty: none), else the
    per-user socket ``$XDG_RUNTIME_DIR/bus`` when it exists, else ``""``."""
    env = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if env is not None:
        return env.strip()
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and (Path(runtime) / "bus").exists():
        return f"unix:path={Path(runtime) / 'bus'}"
    return ""


def playback_status(state: PlayState | str) -> str:
    """MPRIS ``PlaybackStatus`` of a player state (loading means asked to play)."""
    return _STATUS.get(PlayState(state), "Stopped")


def track_id(np_: NowPlaying) -> str:
    """The ``mpris:trackid`` of what plays: the song (during a bridge, the song it leads to)."""
    return f"{TRACK_PREFIX}{np_.entry.uid}" if np_.entry is not None else NO_TRACK


def _writer(symbol: str, ctype: Any, signature: str) -> Callable[[Any, int], Any] | None:
    """``QDBusArgument::operator<<`` for one integer type (its mangled ``symbol``) of the
    QtDBus library PySide6 loaded; None when it cannot be found or writes the wrong type."""
    try:
        import ctypes
        import ctypes.util

        import shiboken6

        path = None
        if Path("/proc/self/maps").is_file():
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
                path = next((line.split(maxsplit=5)[-1].strip() for line in maps
                             if "libQt6DBus.so" in line), None)
        path = path or ctypes.util.find_library("Qt6DBus")
        if not path:
            return None
        fn = getattr(ctypes.CDLL(path), symbol)
        fn.argtypes = [ctypes.c_void_p, ctypes.c_longlong if ctype == "x" else ctypes.c_uint]
        fn.restype = ctypes.c_void_p

        def write(arg: Any, value: int) -> None:
            fn(shiboken6.getCppPointer(arg)[0], value)

        probe = QDBusArgument()
        write(probe, 1 << 20)
        return write if probe.currentSignature() == signature else None
    except (OSError, AttributeError, ImportError, TypeError, ValueError):
        return None


_WRITE_INT64 = _writer("_ZN13QDBusArgumentlsEx", "x", "x")  # operator<<(qlonglong)
_WRITE_UINT32 = _writer("_ZN13QDBusArgumentlsEj", "u", "u")  # operator<<(uint)


def int64(value: int) -> Any:
    """``value`` as a D-Bus int64 inside a map (a plain int when that cannot be done)."""
    if _WRITE_INT64 is None:
        return int(value)
    arg = QDBusArgument()
    _WRITE_INT64(arg, int(value))
    return arg


def uint32(value: int) -> Any:
    """``value`` as a D-Bus uint32 argument (a plain int, sent as int32, when that cannot be
    done)."""
    if _WRITE_UINT32 is None:
        return int(value)
    arg = QDBusArgument()
    _WRITE_UINT32(arg, int(value) & 0xFFFFFFFF)
    return arg


def wire_metadata(md: dict[str, Any]) -> dict[str, Any]:
    """``md`` as it goes on the bus: ``mpris:length`` as int64."""
    if "mpris:length" not in md:
        return md
    return {**md, "mpris:length": int64(md["mpris:length"])}


def metadata(np_: NowPlaying) -> dict[str, Any]:
    """``Metadata`` for the now-playing card ``np_``: title ("A + B" in a bridge), length in
    microseconds, the credit as artist, the file as URL."""
    if np_.entry is None and not np_.title:
        return {"mpris:trackid": QDBusObjectPath(NO_TRACK)}
    md: dict[str, Any] = {"mpris:trackid": QDBusObjectPath(track_id(np_)),
                          "xesam:title": np_.title}
    if np_.duration > 0:
        md["mpris:length"] = int(round(np_.duration * 1_000_000))
    e = np_.entry
    if e is not None:
        if e.credit and not np_.in_bridge:
            md["xesam:artist"] = [e.credit]
        path = Path(e.path)
        if path.is_absolute():
            md["xesam:url"] = path.as_uri()
    return md


@dataclass
class MprisHooks:
    """What the bus may ask of the window: each is optional."""

    raise_window: Callable[[], None] | None = None
    quit: Callable[[], None] | None = None
    #: Set the volume (0..1) the way the window's slider does, so the slider follows.
    set_volume: Callable[[float], None] | None = None
    #: Queue files and play the first (``OpenUri``).
    open_paths: Callable[[list[Path]], None] | None = None


@_class_info({"D-Bus Interface": ROOT_IFACE})
class _RootAdaptor(QDBusAbstractAdaptor):
    """``org.mpris.MediaPlayer2``: identity, raise and quit."""

    def __init__(self, owner: Mpris) -> None:
        super().__init__(owner)
        self.owner = owner

    @Slot()
    def Raise(self) -> None:
        if self.owner.hooks.raise_window is not None:
            self.owner.hooks.raise_window()

    @Slot()
    def Quit(self) -> None:
        if self.owner.hooks.quit is not None:
            self.owner.hooks.quit()

    def _can_quit(self) -> bool:
        return self.owner.hooks.quit is not None

    def _can_raise(self) -> bool:
        return self.owner.hooks.raise_window is not None

    def _false(self) -> bool:
        return False

    def _identity(self) -> str:
        return "Smootify"

    def _desktop_entry(self) -> str:
        return APP_ID

    def _schemes(self) -> list[str]:
        return ["file"]

    def _mimes(self) -> list[str]:
        return list(MIME_TYPES)

    CanQuit = Property(bool, _can_quit)
    CanRaise = Property(bool, _can_raise)
    HasTrackList = Property(bool, _false)
    Identity = Property(str, _identity)
    DesktopEntry = Property(str, _desktop_entry)
    SupportedUriSchemes = Property(_STRING_LIST, _schemes)
    SupportedMimeTypes = Property(_STRING_LIST, _mimes)


def _can(name: str) -> Callable[[Any], bool]:
    """A getter of the announced ``Can...`` property ``name``."""
    return lambda adaptor: bool(adaptor.owner.props[name])


@_class_info({"D-Bus Interface": PLAYER_IFACE})
class _PlayerAdaptor(QDBusAbstractAdaptor):
    """``org.mpris.MediaPlayer2.Player``: the transport, what plays, the volume."""

    Seeked = Signal(_INT64)

    def __init__(self, owner: Mpris) -> None:
        super().__init__(owner)
        self.owner = owner
        self.player = owner.player

    # ------------------------------------------------------------------ methods
    @Slot()
    def PlayPause(self) -> None:
        self.player.toggle()
        self.owner.refresh()

    @Slot()
    def Play(self) -> None:
        self.player.play()
        self.owner.refresh()

    @Slot()
    def Pause(self) -> None:
        self.player.pause()
        self.owner.refresh()

    @Slot()
    def Stop(self) -> None:
        """Pause at the start of the song (the queue and the song stay)."""
        self.player.pause()
        self.player.seek(0.0)
        self.owner.refresh()

    @Slot()
    def Next(self) -> None:
        self.player.next()
        self.owner.refresh()

    @Slot()
    def Previous(self) -> None:
        self.player.previous()
        self.owner.refresh()

    @Slot("qlonglong")
    def Seek(self, offset: int) -> None:
        """Seek ``offset`` microseconds from here; past the end goes to the next song."""
        np_ = self.owner.now
        target = np_.position + offset / 1_000_000
        if np_.duration > 0 and target >= np_.duration:
            self.player.next()
        else:
            self.player.seek(max(0.0, target))
        self.owner.refresh()

    @Slot(QDBusObjectPath, "qlonglong")
    def SetPosition(self, track: QDBusObjectPath, position: int) -> None:
        """Go to ``position`` microseconds into ``track`` if it is what plays."""
        np_ = self.owner.now
        if track.path() != track_id(np_) or position < 0:
            return
        if np_.duration and position > np_.duration * 1_000_000:
            return
        self.player.seek(position / 1_000_000)
        self.owner.refresh()

    @Slot(str)
    def OpenUri(self, uri: str) -> None:
        parsed = urlparse(uri)
        if parsed.scheme == "file" and self.owner.hooks.open_paths is not None:
            self.owner.hooks.open_paths([Path(unquote(parsed.path))])

    # ------------------------------------------------------------------ properties
    def _status(self) -> str:
        return self.owner.props["PlaybackStatus"]

    def _metadata(self) -> dict[str, Any]:
        return wire_metadata(self.owner.props["Metadata"])

    def _volume(self) -> float:
        return float(self.player.volume)

    def _set_volume(self, value: float) -> None:
        self.owner.set_volume(value)

    def _position(self) -> int:
        self.owner.now = self.player.now_playing()
        return int(round(self.owner.now.position * 1_000_000))

    def _rate(self) -> float:
        return 1.0

    def _set_rate(self, value: float) -> None:
        pass  # one speed only: the specification says to ignore other rates

    def _true(self) -> bool:
        return True

    PlaybackStatus = Property(str, _status)
    Metadata = Property(_VARIANT_MAP, _metadata)
    Volume = Property(float, _volume, _set_volume)
    Position = Property(_INT64, _position)
    Rate = Property(float, _rate, _set_rate)
    MinimumRate = Property(float, _rate)
    MaximumRate = Property(float, _rate)
    CanGoNext = Property(bool, _can("CanGoNext"))
    CanGoPrevious = Property(bool, _can("CanGoPrevious"))
    CanPlay = Property(bool, _can("CanPlay"))
    CanPause = Property(bool, _can("CanPause"))
    CanSeek = Property(bool, _can("CanSeek"))
    CanControl = Property(bool, _true)


class Mpris(QObject):
    """The MPRIS2 service of one window's Player; :meth:`start` puts it on the session bus.

    Parameters
    ----------
    player : Player
    ticked : Signal, optional
        The :class:`~smootify_player.app.ticker.Ticker`'s ``ticked`` (a NowPlaying per poll).
    hooks : MprisHooks, optional
    """

    def __init__(self, player: Player, ticked: Any = None, hooks: MprisHooks | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.hooks = hooks or MprisHooks()
        self.now = player.now_playing()
        self.props = self._properties(self.now)
        self.bus: QDBusConnection | None = None
        self.bus_name = ""
        self._conn_name = f"smootify-mpris-{id(self):x}"
        self._root = _RootAdaptor(self)
        self._adaptor = _PlayerAdaptor(self)
        self._ticked = ticked

    # ------------------------------------------------------------------ bus
    def start(self) -> bool:
        """Register on the session bus; False (and one log line) when there is none."""
        address = session_address()
        if not address:
            log.info("MPRIS: no session bus; media keys and panels will not see Smootify")
            return False
        bus = QDBusConnection.connectToBus(address, self._conn_name)
        if not bus.isConnected():
            log.info("MPRIS: cannot reach the session bus (%s); media keys and panels will "
                     "not see Smootify", bus.lastError().message() or address)
            QDBusConnection.disconnectFromBus(self._conn_name)
            return False
        if not bus.registerObject(OBJECT_PATH, self,
                                  QDBusConnection.RegisterOption.ExportAdaptors):
            log.info("MPRIS: cannot export %s: %s", OBJECT_PATH, bus.lastError().message())
            QDBusConnection.disconnectFromBus(self._conn_name)
            return False
        for name in (BUS_NAME, f"{BUS_NAME}.instance{os.getpid()}"):
            if bus.registerService(name):
                self.bus_name = name
                break
        if not self.bus_name:
            log.info("MPRIS: the bus name %s is taken", BUS_NAME)
            bus.unregisterObject(OBJECT_PATH)
            QDBusConnection.disconnectFromBus(self._conn_name)
            return False
        self.bus = bus
        self.player.listeners.append(self._on_player)
        if self._ticked is not None:
            self._ticked.connect(self._on_tick)
        log.debug("MPRIS: on the session bus as %s", self.bus_name)
        return True

    def close(self) -> None:
        """Leave the bus (the window is closing)."""
        if self.bus is None:
            return
        if self._on_player in self.player.listeners:
            self.player.listeners.remove(self._on_player)
        if self._ticked is not None:
            try:
                self._ticked.disconnect(self._on_tick)
            except (RuntimeError, TypeError):
                pass
        self.bus.unregisterObject(OBJECT_PATH)
        self.bus.unregisterService(self.bus_name)
        self.bus = None
        QDBusConnection.disconnectFromBus(self._conn_name)

    # ------------------------------------------------------------------ state
    def _properties(self, np_: NowPlaying) -> dict[str, Any]:
        """The Player interface's properties that are announced when they change."""
        p = self.player
        has_queue = bool(p.queue)
        seekable = p.state in (PlayState.PLAYING, PlayState.PAUSED) and bool(
            p.timeline.segments)
        return {"PlaybackStatus": playback_status(p.state), "Metadata": metadata(np_),
                "Volume": round(float(p.volume), 4), "CanGoNext": has_queue,
                "CanGoPrevious": has_queue, "CanPlay": has_queue,
                "CanPause": has_queue, "CanSeek": seekable}

    def refresh(self, np_: NowPlaying | None = None) -> None:
        """Re-read the player; announce what changed (``PropertiesChanged``)."""
        self.now = np_ if np_ is not None else self.player.now_playing()
        new = self._properties(self.now)
        changed = {k: v for k, v in new.items() if not _same(self.props.get(k), v)}
        self.props = new
        if "Metadata" in changed:
            changed["Metadata"] = wire_metadata(changed["Metadata"])
        if changed and self.bus is not None:
            msg = QDBusMessage.createSignal(OBJECT_PATH, PROPS_IFACE, "PropertiesChanged")
            invalidated = QDBusArgument()  # an empty 'as' (a bare [] would go out as 'av')
            invalidated.beginArray(QMetaType(QMetaType.Type.QString))
            invalidated.endArray()
            msg.setArguments([PLAYER_IFACE, changed, invalidated])
            self.bus.send(msg)

    def set_volume(self, value: float) -> None:
        """``Volume`` written on the bus: through the window's slider when there is one."""
        value = min(max(float(value), 0.0), 1.0)
        if self.hooks.set_volume is not None:
            self.hooks.set_volume(value)
        else:
            self.player.set_volume(value)
        self.refresh()

    def _on_player(self, kind: str, payload: Any) -> None:
        if kind == PlayerEvent.SEEK:
            self.refresh()
            self._seeked()
        elif kind in (PlayerEvent.STATE, PlayerEvent.CURRENT, PlayerEvent.QUEUE,
                      PlayerEvent.TIMELINE):
            self.refresh()

    def _on_tick(self, np_: NowPlaying) -> None:
        self.refresh(np_)

    def _seeked(self) -> None:
        if self.bus is not None:
            self._adaptor.Seeked.emit(int(round(self.now.position * 1_000_000)))


def _same(a: Any, b: Any) -> bool:
    """Equal, object paths compared by their text."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, QDBusObjectPath) and isinstance(b, QDBusObjectPath):
        return a.path() == b.path()
    return bool(a == b)
