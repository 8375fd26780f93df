"""Single instance: a second launch hands its files to the running window over a local socket."""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = ["server_name", "send_to_running", "InstanceServer"]


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
    ok = sock.waitForReadyRead(timeout_ms) and bytes(sock.readAll()).startswith(b"ok")
    sock.disconnectFromServer()
    return bool(ok)


class InstanceServer(QObject):
    """Listens for later launches; calls ``on_open(paths)`` on the UI thread."""

    def __init__(self, name: str, on_open: Callable[[list[str]], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_open = on_open
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
            return
        try:
            msg = json.loads(bytes(sock.readLine()).decode())
            paths = [str(p) for p in msg.get("open", [])]
        except (ValueError, AttributeError):
            return
        sock.write(b"ok\n")
        sock.flush()
        self._on_open(paths)

    def close(self) -> None:
        self.server.close()
