"""A private PulseAudio server with a null sink, for the live-audio test and benchmark.

It runs as the calling user with no realtime or raised priority (as a desktop's would for an
ordinary user without rtkit), logs at debug level with timestamps (where the underruns of
each stream are counted), and records the sink's monitor on request.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SINK = "smootify_null"
RATE = 44100
_UNDERRUN = re.compile(r"Implicit underrun of|Underrun on ")


def missing() -> str | None:
    """Why no server can be started here (None: it can)."""
    for tool in ("pulseaudio", "parecord", "pacat", "pactl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: pulseaudio, pulseaudio-utils)"
    return None


@dataclass
class PulseServer:
    """A running server: ``env`` points clients at it; ``log`` is its debug log."""

    folder: Path
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen
    started: float  # time.time() when the server was launched (its log counts from about here)

    def underruns(self, since_line: int = 0) -> int:
        """Stream underruns the server logged after line ``since_line``."""
        lines = self.log.read_text(errors="replace").splitlines()[since_line:]
        return sum(1 for line in lines if _UNDERRUN.search(line))

    def log_lines(self) -> int:
        return len(self.log.read_text(errors="replace").splitlines())

    @contextmanager
    def recording(self, path: Path) -> Iterator[Path]:
        """Record the null sink's monitor (16-bit stereo WAV at 44.1 kHz) while inside."""
        rec = subprocess.Popen(
            ["parecord", f"--device={SINK}.monitor", "--file-format=wav", "--format=s16le",
             f"--rate={RATE}", "--channels=2", "--latency-msec=10", str(path)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)  # the recording stream connects
        try:
            yield path
        finally:
            rec.terminate()
            rec.wait(5)


@contextmanager
def pulse_null_sink(folder: Path, high_priority: bool = False) -> Iterator[PulseServer]:
    """Start a server in ``folder`` with only a null sink; stop it on leaving.

    ``high_priority`` lets the server raise its own priority (nice -11, realtime where
    allowed), as PulseAudio on a desktop does through rtkit; by default it runs as a plain
    process, as an unprivileged user's would without rtkit.
    """
    folder.mkdir(parents=True, exist_ok=True)
    run = folder / "run"
    run.mkdir(exist_ok=True)
    script = folder / "default.pa"
    script.write_text(
        f"load-module module-null-sink sink_name={SINK} rate={RATE} channels=2\n"
        f"set-default-sink {SINK}\n"
        f"load-module module-native-protocol-unix auth-anonymous=1 socket={run}/native\n")
    log = folder / "pulse.log"
    started = time.time()
    env = dict(os.environ, PULSE_RUNTIME_PATH=str(run), PULSE_SERVER=f"unix:{run}/native",
               HOME=str(folder), PULSE_STATE_PATH=str(folder / "state"))
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "-F", str(script), "--daemonize=no", "--exit-idle-time=-1",
         f"--log-target=file:{log}", "--log-level=debug", "--log-time=1",
         f"--realtime={'yes' if high_priority else 'no'}",
         f"--high-priority={'yes' if high_priority else 'no'}", "--disallow-exit"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 10
        while time.monotonic() < end:
            ok = subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0
            if ok or proc.poll() is not None:
                break
            time.sleep(0.1)
        if proc.poll() is not None or not ok:
            raise RuntimeError(f"pulseaudio did not start (see {log})")
        # A null sink left idle sleeps in 2 s cycles and lets a new stream wait that long
        # before it takes any audio (a sound card's sink does not); a silent low-latency
        # stream keeps it running as a sink in use would.
        keep = subprocess.Popen(["pacat", "--playback", "--raw", "--latency-msec=10",
                                 "--stream-name=keep-alive", "/dev/zero"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _settle(env)
        try:
            yield PulseServer(folder, env, log, proc, started)
        finally:
            keep.terminate()
            keep.wait(5)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def _settle(env: dict[str, str], timeout: float = 5.0) -> None:
    """Wait until the null sink has worked off the 2 s block it starts with."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        out = subprocess.run(["pactl", "list", "sinks"], env=env, capture_output=True,
                             text=True).stdout
        m = re.search(r"Latency: (\d+) usec", out)
        if m and int(m.group(1)) < 50_000:
            return
        time.sleep(0.1)


def read_wav(path: Path) -> np.ndarray:
    """A 16-bit stereo WAV as float32 (n, 2)."""
    with wave.open(str(path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    return (data.astype(np.float32) / 32768.0).reshape(-1, 2)


def dropouts_ms(audio: np.ndarray, rate: int = RATE, min_ms: float = 3.0) -> list[float]:
    """Lengths (ms) of the runs of digital silence inside ``audio``, between its first and
    last sound: what a starved stream leaves in a null sink's monitor (music fades through
    reverb and never sits at exact zero mid-song)."""
    loud = np.abs(audio).max(axis=1) > 0
    idx = np.flatnonzero(loud)
    if len(idx) < 2:
        return []
    inner = loud[idx[0]:idx[-1] + 1]
    edges = np.flatnonzero(np.diff(inner.astype(np.int8)))
    starts, ends = edges[0::2] + 1, edges[1::2] + 1
    runs = (ends - starts[:len(ends)]) / rate * 1000.0
    return [float(r) for r in runs if r >= min_ms]
