"""The audio in a process of its own: the Engine and its live sink in a child, fed timeline edits.

FluidSynth's driver thread calls into Python for every period. In the player's own
interpreter that thread waits for the GIL whenever analysis, planning or the interface hold
it, and the sound drops out. Here the synth, the Engine and the sink live in a child process
whose interpreter does nothing else: the owner sends it the timeline's segments (their event
arrays, once each) whenever the timeline changes, and transport commands; the child publishes
its render position in shared memory. The owner's :class:`~smootify_player.music.timeline.
Timeline` stays the one the scheduler and the views read; the child holds a mirror.

Threads: an :class:`AudioProcess` belongs to the thread that edits the timeline and calls
its methods (the Player's owner); its reader thread only stores the child's replies.
"""

from __future__ import annotations

import json
import logging
import mmap
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from ..music.timeline import Segment, Timeline

__all__ = ["AudioProcess", "AudioProcessError"]

log = logging.getLogger(__name__)

# Shared slots the child writes and the owner reads.
_HEAD, _ACK, _HEARD = range(3)
_SLOTS = 3
START_TIMEOUT_S = 30.0
CALL_TIMEOUT_S = 30.0


class AudioProcessError(RuntimeError):
    """The audio process could not start, or stopped; the message is one line."""


@dataclass
class _Piece:
    """A segment as the child needs it: where it sits and its events (sent once per array)."""

    token: int
    kind: str
    start: int
    length: int
    block: int
    events: np.ndarray | None  # None: the child already has this token's events


class AudioProcess:
    """The owner's handle on the audio child: the same surface as an Engine with its sink.

    Creating one starts the child and returns at once (it loads the synth meanwhile);
    :meth:`wait_ready` waits for it and :meth:`attach` gives it the timeline to mirror.
    :meth:`open` does all three.

    Parameters
    ----------
    sample_rate, n_blocks : int
        Those of the timeline it will play.
    soundfont : str or Path, optional
        SoundFont to load (None: the shipped one).
    mode : str, optional
        ``"auto"``, ``"pulse"``, ``"silent"`` or a FluidSynth driver (see
        :func:`audio.choose.open_sink`).
    speed : float, optional
        Speed of a silent clock.

    Raises
    ------
    AudioProcessError
        When the child could not be started.
    """

    def __init__(self, sample_rate: int = 44100, n_blocks: int = 8,
                 soundfont: str | Path | None = None, mode: str | None = None,
                 speed: float | None = None) -> None:
        if not hasattr(socket, "AF_UNIX"):
            raise AudioProcessError("no Unix sockets here")
        self.timeline: Timeline | None = None
        self.config = (int(sample_rate), int(n_blocks), str(soundfont) if soundfont else None,
                       mode, speed)
        self._dir = tempfile.TemporaryDirectory(prefix="smootify-audio-")
        shm_path = Path(self._dir.name) / "position"
        shm_path.write_bytes(bytes(8 * _SLOTS))
        with shm_path.open("r+b") as f:
            self._map = mmap.mmap(f.fileno(), 8 * _SLOTS)
        self.shared = np.frombuffer(self._map, np.int64)
        ours, theirs = socket.socketpair()
        self._conn = Connection(ours.detach())
        self._send_lock = threading.Lock()
        self._seq = 0
        self._replies: dict[int, Any] = {}
        self._waiting: dict[int, threading.Event] = {}
        self.error: str | None = None
        self.notes: list[str] = []
        self.name = "starting"
        self.latency = 0
        self.speed = 1.0
        self.volume = 1.0
        self.paused = True
        self._seek_to: tuple[int, int] | None = None  # (seq, sample) until the child acks it
        self._sent: dict[int, np.ndarray] = {}  # token -> events the child holds
        self._version = -1
        self._closed = False
        config = {"fd": theirs.fileno(), "shared": str(shm_path),
                  "sample_rate": int(sample_rate), "n_blocks": int(n_blocks),
                  "soundfont": str(soundfont) if soundfont else None, "mode": mode,
                  "speed": speed}
        try:
            # A fresh interpreter (not multiprocessing's spawn, which re-runs the caller's
            # main script): it imports only the engine, numpy and FluidSynth.
            self._proc = subprocess.Popen(
                [sys.executable, "-m", __name__, json.dumps(config)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise AudioProcessError(f"could not start the audio process ({exc})") from None
        finally:
            theirs.close()
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, name="smootify-audio-reader",
                                        daemon=True)
        self._reader.start()

    @classmethod
    def open(cls, timeline: Timeline, soundfont: str | Path | None = None,
             mode: str | None = None, speed: float | None = None) -> AudioProcess:
        """Start a child for ``timeline``, wait until it plays and attach the timeline."""
        proc = cls(timeline.sample_rate, timeline.n_blocks, soundfont, mode, speed)
        proc.wait_ready()
        proc.attach(timeline)
        return proc

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        """Wait until the child has its synth and sink (blocking; from a background job).

        Raises
        ------
        AudioProcessError
            When it could not start them (closed, then).
        """
        if not self._ready.wait(timeout) or self.name == "starting":
            why = self.error or "the audio process did not start in time"
            self.close()
            raise AudioProcessError(why)

    def attach(self, timeline: Timeline) -> None:
        """Mirror ``timeline`` (now and on every change) to the child."""
        self.timeline = timeline
        timeline.watchers.append(self._mirror)
        with timeline.lock:
            self._mirror(timeline)

    # ------------------------------------------------------------------ plumbing
    def _send(self, *msg: Any, wait: threading.Event | None = None) -> int:
        with self._send_lock:
            self._seq += 1
            if wait is not None:
                self._waiting[self._seq] = wait
            try:
                self._conn.send((self._seq, *msg))
            except (OSError, ValueError) as exc:
                self.error = self.error or f"audio process unreachable ({exc})"
            return self._seq

    def _send_quiet(self, *msg: Any) -> None:
        with self._send_lock:
            try:
                self._conn.send((0, *msg))
            except (OSError, ValueError):
                pass

    def _call(self, *msg: Any, timeout: float = CALL_TIMEOUT_S) -> Any:
        """Send ``msg`` and wait for the child's reply (from a background job, not the UI)."""
        if self._closed or self._proc.poll() is not None:
            raise AudioProcessError("the audio process is not running")
        done = threading.Event()
        seq = self._send(*msg, wait=done)
        if not done.wait(timeout):
            self._waiting.pop(seq, None)
            raise AudioProcessError("the audio process did not answer")
        if seq not in self._replies:
            raise AudioProcessError("the audio process stopped before it answered")
        return self._replies.pop(seq)

    def _read(self) -> None:
        while True:
            try:
                msg = self._conn.recv()
            except (EOFError, OSError):
                if not self._closed:
                    code = self._proc.poll()
                    self.error = self.error or (
                        f"the audio process stopped (exit code {code})" if code is not None
                        else "the audio process stopped")
                self._ready.set()
                for event in list(self._waiting.values()):
                    event.set()  # nobody will answer them
                return
            kind = msg[0]
            if kind == "ready":
                _, self.name, self.latency, self.speed, self.notes = msg
                self._ready.set()
            elif kind == "error":
                self.error = msg[1]
                self._ready.set()
            elif kind == "reply":
                _, seq, value = msg
                self._replies[seq] = value
                waiter = self._waiting.pop(seq) if seq in self._waiting else None
                if waiter is not None:
                    waiter.set()

    def _mirror(self, timeline: Timeline) -> None:
        """Send the timeline's segments (new event arrays only); runs under its lock."""
        if timeline.version == self._version or self._closed:
            return
        self._version = timeline.version
        pieces, keep = [], {}
        for seg in timeline.segments:
            token = id(seg.events)
            known = self._sent.get(token) is seg.events
            keep[token] = seg.events
            pieces.append(_Piece(token, seg.kind, seg.start, seg.length, seg.block,
                                 None if known else seg.events))
        self._sent = keep  # holding the arrays keeps their ids from being reused
        self._send("timeline", pieces)

    # ------------------------------------------------------------------ the Engine's surface
    @property
    def render_head(self) -> int:
        """Timeline sample the child renders next."""
        if self._seek_to is not None:
            seq, sample = self._seek_to
            if self.shared[_ACK] < seq:
                return sample
            self._seek_to = None
        return int(self.shared[_HEAD])

    @property
    def position(self) -> int:
        """Timeline sample being heard now."""
        if self._seek_to is not None and self.shared[_ACK] < self._seek_to[0]:
            return self._seek_to[1]
        return int(self.shared[_HEARD])

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None and not self._closed

    def start(self) -> None:
        """The child's sink runs from its start; playback starts when unpaused."""

    def set_paused(self, paused: bool) -> None:
        self.paused = bool(paused)
        self._send("pause", self.paused)

    def seek(self, sample: int) -> None:
        sample = int(max(0, sample))
        self._seek_to = (self._send("seek", sample), sample)

    def set_volume(self, volume: float) -> None:
        self.volume = float(volume)
        self._send("volume", self.volume)

    def load_soundfont(self, path: str | None) -> tuple[str, list[str]]:
        """Swap in ``path``'s soundfont (blocking; from a background job).

        Returns the soundfont's file name and the notices finding it gave.

        Raises
        ------
        AudioProcessError
            When it could not be loaded (the old soundfont plays on).
        """
        ok, value, notes = self._call("soundfont", path)
        if not ok:
            raise AudioProcessError(value)
        return value, notes

    def mirror(self) -> list[tuple[str, int, int, int, int]]:
        """The child's timeline as (kind, start, length, block, events) rows (blocking)."""
        return self._call("mirror")

    def take_error(self) -> str | None:
        err, self.error = self.error, None
        if err is None and not self._closed and self._proc.poll() is not None:
            err = f"the audio process stopped (exit code {self._proc.returncode})"
            self._closed = True
        return err

    def close(self) -> None:
        """Stop the child (it silences the synth and exits); waits up to a second."""
        if self._map.closed:
            return
        self._closed = True  # from here an end of the connection is expected
        if self.timeline is not None and self._mirror in self.timeline.watchers:
            self.timeline.watchers.remove(self._mirror)
        if self._proc.poll() is None:
            if self._ready.is_set():
                self._send_quiet("close")
                try:
                    self._proc.wait(1.0)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
            else:  # still loading the soundfont (in C, deaf to messages): nothing to keep
                self._proc.kill()
            self._proc.wait(1.0)
        self._conn.close()
        self._reader.join(1.0)
        self.shared = np.zeros(_SLOTS, np.int64)  # the map is gone; positions read 0
        self._map.close()
        self._dir.cleanup()


# ---------------------------------------------------------------------- the child
def _serve(conn: Connection, shared: np.ndarray, sample_rate: int, n_blocks: int,
           soundfont: str | None, mode: str | None, speed: float | None) -> None:
    """The audio process: build the Engine and its sink, then apply the owner's messages."""
    from .choose import open_sink
    from .engine import Engine
    from .synth import Synth, find_soundfont

    notes: list[str] = []
    timeline = Timeline(sample_rate, n_blocks)
    try:
        engine = Engine(timeline, soundfont, notice=notes.append)
        sink = open_sink(engine, mode, speed, notice=notes.append)
    except Exception as exc:  # noqa: BLE001 - reported to the owner in one line
        conn.send(("error", f"{type(exc).__name__}: {exc}".splitlines()[0]))
        return
    def publish() -> None:
        shared[_HEAD] = engine.position
        shared[_HEARD] = sink.position

    sink.on_render = publish
    conn.send(("ready", sink.name, int(sink.latency), float(getattr(sink, "speed", 1.0)),
               notes))
    from . import sfcache

    # A compressed soundfont is decoded once, in the background, so the next start is fast.
    sfcache.decode_in_background(engine.synth.soundfont)
    events: dict[int, np.ndarray] = {}
    send_lock = threading.Lock()

    def reply(seq: int, value: Any) -> None:
        with send_lock:
            conn.send(("reply", seq, value))

    def swap_soundfont(seq: int, path: str | None) -> None:
        found: list[str] = []
        try:
            synth = Synth(find_soundfont(path, found.append), sample_rate, timeline.n_channels)
        except Exception as exc:  # noqa: BLE001 - the old soundfont plays on
            reply(seq, (False, f"{type(exc).__name__}: {exc}".splitlines()[0], found))
            return
        engine.replace_synth(synth).close()
        reply(seq, (True, synth.soundfont.name, found))

    reported: str | None = None
    while True:
        if sink.error and sink.error != reported:
            reported = sink.error
            with send_lock:
                conn.send(("error", reported))
        try:
            if not conn.poll(0.2):
                continue
            seq, kind, *args = conn.recv()
        except (EOFError, OSError):
            break  # the owner is gone
        if kind == "timeline":
            segments = []
            for p in args[0]:
                if p.events is not None:
                    events[p.token] = p.events
                segments.append(Segment(p.kind, "", p.start, p.length, p.block,
                                        events[p.token], np.zeros(0, np.int64)))
            live = {p.token for p in args[0]}
            for token in [t for t in events if t not in live]:
                del events[token]
            with timeline.lock:
                timeline.segments = segments
                timeline.version += 1
        elif kind == "pause":
            sink.set_paused(args[0])
        elif kind == "seek":
            sink.seek(args[0])
        elif kind == "volume":
            engine.volume = args[0]
        elif kind == "soundfont":
            threading.Thread(target=swap_soundfont, args=(seq, args[0]), daemon=True).start()
        elif kind == "mirror":
            with timeline.lock:
                rows = [(g.kind, g.start, g.length, g.block, len(g.events))
                        for g in timeline.segments]
            reply(seq, rows)
        elif kind == "close":
            shared[_ACK] = seq
            break
        publish()
        shared[_ACK] = seq
    sink.set_paused(True)
    sink.close()
    engine.close()


def main(argv: list[str] | None = None) -> int:
    """Entry of the audio process: ``python -m smootify_player.audio.process CONFIG_JSON``."""
    config = json.loads((argv or sys.argv[1:])[0])
    conn = Connection(config["fd"])
    with open(config["shared"], "r+b") as f:
        mapped = mmap.mmap(f.fileno(), 8 * _SLOTS)
    shared = np.frombuffer(mapped, np.int64)
    try:
        _serve(conn, shared, config["sample_rate"], config["n_blocks"], config["soundfont"],
               config["mode"], config["speed"])
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
