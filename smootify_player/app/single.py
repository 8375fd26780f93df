"""Single instance: a second launch hands its files to the running window over a local socket."""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ..notices import Notice, NoticeLevel
from .state import valid_path

__all__ = ["server_name", "send_to_running", "InstanceServer", "parse_message",
           "MAX_MESSAGE_BYTES"]

#: A message longer than this (without its newline) is refused: 100,000 long paths fit.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


def server_name(state_dir: Path) -> str:
    """One name per user and state folder (tests with their own folder don't collide)."""
    key = f"{getpass.getuser()}:{Path(state_dir).resolve()}"
    return "smootify-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def send_to_running(name: str, paths: list[str], timeout_ms: int = 1000) -> bool:
    """Hand ``paths`` to a running Smootify; False when none answers."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(json.dumps({"open": paths}).encode() + b"\n")
    sock.flush()
    while sock.bytesToWrite() and sock.waitForBytesWritten(timeout_ms):
        pass
    # The server answers "ok" once it has the paths.
    ok = sock.waitForReadyRead(timeout_ms) and bytes(sock.readAll().data()).startswith(b"ok")
    sock.disconnectFromServer()
    return bool(ok)


def parse_message(line: bytes) -> tuple[list[str] | None, str | None]:
    """The paths in one message line ``{"open": [PATH, ...]}``, and what was wrong with it.

    (None, why) when it is not such a message; (paths, why) when some entries were not file
    names and were dropped; (paths, None) when all was well. Never raises.
    """
    try:
        msg = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None, "not JSON"
    if not isinstance(msg, dict) or not isinstance(msg.get("open"), list):
        return None, 'not {"open": [files]}'
    raw = msg["open"]
    paths = [p for p in raw if valid_path(p)]
    if len(paths) < len(raw):
        bad = len(raw) - len(paths)
        return paths, f"{bad} entr{'y was' if bad == 1 else 'ies were'} not a file name"
    return paths, None


class InstanceServer(QObject):
    """Listens for later launches; calls ``on_open(paths)`` on the UI thread.

    A message that is not ``{"open": [PATH, ...]}`` is answered "error" and ignored, and
    ``on_notice`` (when given) gets one line saying so; entries that are not file names are
    dropped the same way.
    """

    def __init__(self, name: str, on_open: Callable[[list[str]], None],
                 parent: QObject | None = None,
                 on_notice: Callable[[Notice], None] | None = None) -> None:
        super().__init__(parent)
        self._on_open = on_open
        self._on_notice = on_notice
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # a stale socket from a crashed run
            self.server.listen(name)
        self.server.newConnection.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self.server.isListening()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)

    def _read(self, sock: QLocalSocket) -> None:
        if not sock.canReadLine():
            if sock.bytesAvailable() > MAX_MESSAGE_BYTES:
                sock.abort()
                self._notice("too long")
            return
        paths, why = parse_message(bytes(sock.readLine().data()))
        sock.write(b"ok\n" if paths is not None else b"error\n")
        sock.flush()
        if why is not None:
            self._notice(why)
        if paths is not None:
            self._on_open(paths)

    def _notice(self, why: str) -> None:
        if self._on_notice is not None:
            self._on_notice(Notice(f"A second launch sent a message Smootify could not use "
                                   f"({why}); that part was ignored", NoticeLevel.WARNING))

    def close(self) -> None:
        self.server.close()
