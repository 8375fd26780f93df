"""Live playback under load: underruns, dropouts and control latencies through a real PulseAudio.

Run: .venv/bin/python bench/bench_live_audio.py [--seconds 60] [--idle-seconds 600]
         [--conditions idle,adding,stress,both] [--backends process,old]

Needs the Debian packages ``pulseaudio``, ``pulseaudio-utils`` (``parecord``, ``pactl``) and
``stress-ng``; it installs nothing. It starts its own PulseAudio server with a null sink, at
normal priority and without realtime scheduling (an ordinary desktop user's), and for each
audio backend and condition runs the headless Player in a process of its own, as the app
would be, playing the demo playlist (repeated):

- ``idle``: nothing else runs;
- ``adding``: the player adds 200 generated songs to its queue, again and again;
- ``stress``: ``stress-ng --cpu 2`` keeps both cores busy;
- ``both``: the two at once.

First, ``--launch`` times starting the desktop app (offscreen, ``--demo --play``) to its first
sound in the sink's monitor, idle and beside one CPU hog: with the soundfont's decoded copy
in the cache (every launch after the first), without it (the first launch), and the old
path.

Backends: ``process`` (the player's default: the synth in a process of its own, writing
100 ms ahead into a PulseAudio stream that pause, seek and skip flush) and ``old`` (the path
before: FluidSynth's PulseAudio driver calling into the player's own interpreter for every
512-frame period). Printed per run: underruns per minute of the player's stream, from the server's
own log; dropouts (runs of digital silence of 5 ms or more mid-music in a recording of the
sink's monitor) and the longest; and, at the end of each run, the control latencies: pause
and resume from the call to the sound stopping or starting in the monitor (end to end,
slightly over-stated by the monitor's 10 ms chunks), seek and next as the time until the
synth applied the command plus the buffered audio measured by the pause.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pulse_server import RATE, SINK, missing, pulse_null_sink  # noqa: E402

CHUNK = RATE // 100  # 10 ms of frames per monitor read
#: The player's environment per backend: today's default, and the path before (#13).
BACKENDS = {
    "process": {"SMOOTIFY_AUDIO": "auto", "SMOOTIFY_AUDIO_PROCESS": "1"},
    "old": {"SMOOTIFY_AUDIO": "pulseaudio", "SMOOTIFY_AUDIO_PROCESS": "0",
            "SMOOTIFY_AUDIO_BUFFER_MS": "11.6", "SMOOTIFY_SOUNDFONT_CACHE": "0"},
}
GAP_MS = 5.0


# ---------------------------------------------------------------------- the player process
def _lower_priority() -> None:
    """As the app's worker threads: nice 10 for this thread (Linux)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


def play(args: argparse.Namespace) -> int:
    """The player: demo on repeat, optional song adding, then timed controls; JSON to stdout."""
    import queue
    from concurrent.futures import ThreadPoolExecutor

    from smootify_player.constants import URGENT_PRIORITY
    from smootify_player.data import data_path
    from smootify_player.player import Player, PlayerSettings

    # As the app's worker: urgent jobs on a thread at normal priority, the rest at nice 10.
    urgent = ThreadPoolExecutor(1)
    bulk = ThreadPoolExecutor(1, initializer=_lower_priority)
    done: queue.Queue = queue.Queue()

    def run_background(fn, on_done, priority: int = 0) -> None:
        def job() -> None:
            try:
                r, e = fn(), None
            except BaseException as exc:  # noqa: BLE001 - handed back, as the app's worker
                r, e = None, exc
            done.put((on_done, r, e))
        (urgent if priority >= URGENT_PRIORITY else bulk).submit(job)

    def pump(seconds: float, until=lambda: False) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not until():
            while not done.empty():
                cb, r, e = done.get()
                cb(r, e)
            p.poll()
            time.sleep(1 / 30)  # the app polls at 30 Hz

    demo = sorted(data_path("resources", "demo").glob("*.mid"))
    p = Player(run_background, PlayerSettings(repeat=True), notice=lambda m: None)
    t_launch = time.time()
    p.start_audio()
    p.add_checked(demo, play=True)
    pump(30, lambda: p.output.ready and p.output.render_head > 0)
    out: dict = {"backend": p.output.name, "first_render_s": round(time.time() - t_launch, 3),
                 "process": type(p.output.audio).__name__}
    t_play = time.time()
    adds = 0
    adding = {"busy": False}
    songs = sorted(Path(args.add).glob("*.mid")) if args.add else []

    def add_more() -> None:
        nonlocal adds
        adding["busy"] = True
        adds += 1
        p.add_checked(songs, done=lambda _: adding.update(busy=False))

    while time.time() - t_play < args.seconds:
        if songs and not adding["busy"]:
            add_more()
        pump(0.2)
    out["play_start"], out["play_end"] = t_play, time.time()
    out["rss_mb"] = round(_tree_rss_mb(os.getpid()), 1)
    out["batches_added"] = adds
    out["queue"] = len(p.queue)

    # Controls, each from a steady state, with the time the synth applied it.
    def acked() -> float:
        """Seconds until the synth applied the last command (the process acks; else 0)."""
        audio = p.output.audio
        if not hasattr(audio, "shared"):
            return 0.0
        t0, want = time.perf_counter(), audio._seq
        while audio.shared[1] < want and time.perf_counter() - t0 < 2:
            time.sleep(0.0005)
        return time.perf_counter() - t0

    actions = (("pause", 1.5, p.pause), ("resume", 1.0, p.play),
               ("seek", 1.5, lambda: p.seek(max(p.position / p.sample_rate - 20.0, 1.0))),
               ("next", 1.5, p.next))
    controls: dict[str, list] = {name: [] for name, _, _ in actions}
    for _ in range(args.controls):
        for name, settle, act in actions:
            pump(settle)
            t = time.time()
            act()
            controls[name].append((t, acked()))
    pump(1.0)
    out["controls"] = controls
    p.close()
    for pool in (urgent, bulk):
        pool.shutdown(wait=False, cancel_futures=True)
    print(json.dumps(out))
    return 0


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its child processes, in MB."""
    total = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                todo.extend(int(k) for k in kids)
        except (OSError, ValueError):
            continue
    return total


# ---------------------------------------------------------------------- the bench
class Monitor:
    """Reads the sink's monitor in 10 ms chunks: each chunk's arrival time and peak."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            ["parec", f"--device={SINK}.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=2", "--latency-msec=10", "--raw"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.times: list[float] = []
        self.peaks: list[int] = []
        self.zero_runs: list[tuple[float, int]] = []  # (time, frames of exact silence) per chunk
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        size = CHUNK * 4
        while True:
            data = self.proc.stdout.read(size)
            if not data or len(data) < size:
                return
            now = time.time()
            x = np.frombuffer(data, "<i2").reshape(-1, 2)
            loud = np.abs(x).max(axis=1) > 0
            self.times.append(now)
            self.peaks.append(int(np.abs(x).max()))
            self.zero_runs.append((now, loud))  # type: ignore[arg-type]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
        self.thread.join(2)

    def dropouts(self, t0: float, t1: float) -> list[float]:
        """Runs of digital silence (ms) between times ``t0`` and ``t1``, mid-music."""
        chunks = [loud for t, loud in self.zero_runs if t0 <= t <= t1]
        if not chunks:
            return []
        loud = np.concatenate(chunks)
        idx = np.flatnonzero(loud)
        if len(idx) < 2:
            return [len(loud) / RATE * 1000.0]
        inner = loud[idx[0]:idx[-1] + 1].astype(np.int8)
        edges = np.flatnonzero(np.diff(inner))
        starts, ends = edges[0::2] + 1, edges[1::2] + 1
        runs = (ends - starts[:len(ends)]) / RATE * 1000.0
        return [float(r) for r in runs if r >= GAP_MS]

    def change_after(self, t: float, to_silence: bool, within: float = 2.0) -> float | None:
        """Seconds from ``t`` to the first chunk that is all silence (or has sound)."""
        for when, peak in zip(self.times, self.peaks):
            if when < t:
                continue
            if when > t + within:
                return None
            if (peak == 0) == to_silence:
                return when - t
        return None


def _songs(folder: Path, n: int) -> Path:
    from midi_factory import write_song

    folder.mkdir(parents=True, exist_ok=True)
    meters = [(4, 4), (3, 4), (6, 8), (4, 4), (2, 4)]
    for i in range(n):
        num, den = meters[i % len(meters)]
        write_song(folder / f"s{i:03d}.mid", bars=24 + i % 9, tempo=80 + (i * 7) % 90,
                   tonic=(5 * i) % 12, numerator=num, denominator=den, seed=i)
    return folder


def run_one(server, backend: str, condition: str, seconds: float, songs: Path,
            controls: int, buffer_ms: float | None = None) -> dict:
    env = dict(server.env)
    env.update(BACKENDS[backend])
    if buffer_ms:
        env["SMOOTIFY_AUDIO_BUFFER_MS"] = str(buffer_ms)
    env["QT_QPA_PLATFORM"] = "offscreen"
    stress = None
    if condition in ("stress", "both"):
        stress = subprocess.Popen(["stress-ng", "--cpu", "2", "--quiet"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mark = server.log_lines()
    mon = Monitor(server.env)
    cmd = [sys.executable, __file__, "--play", "--seconds", str(seconds),
           "--controls", str(controls)]
    if condition in ("adding", "both"):
        cmd += ["--add", str(songs)]
    try:
        res = subprocess.run(cmd, env=env, capture_output=True, text=True,
                             timeout=seconds + 180)
    finally:
        if stress is not None:
            stress.terminate()
            stress.wait(5)
        time.sleep(0.3)
        mon.stop()
    if res.returncode != 0:
        raise RuntimeError(f"player failed: {res.stderr.strip()[-400:]}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    lines = server.log.read_text(errors="replace").splitlines()[mark:]
    # Only the player's stream underruns while it plays (the controls pause it on purpose).
    stamps = [_log_time(line) for line in lines
              if ("FluidSynth output" in line or "Smootify playback" in line) and
              ("Implicit underrun" in line or "Underrun on" in line)]
    t_start = server.started
    play_s = out["play_end"] - out["play_start"]
    in_play = [s for s in stamps if s is not None and
               out["play_start"] + 1.0 <= t_start + s <= out["play_end"]]
    drops = mon.dropouts(out["play_start"] + 1.0, out["play_end"])
    lat: dict[str, float] = {}
    for name, to_silence in (("pause", True), ("resume", False)):
        vals = [mon.change_after(t, to_silence) for t, _ in out["controls"][name]]
        got = [v for v in vals if v is not None]
        lat[name] = 1000 * float(np.median(got)) if got else float("nan")
    buffered = lat["pause"] / 1000 - float(np.median([a for _, a in out["controls"]["pause"]]))
    for name in ("seek", "next"):
        lat[name] = 1000 * (float(np.median([a for _, a in out["controls"][name]])) + buffered)
    return {"backend": backend, "condition": condition, "minutes": play_s / 60,
            "underruns_per_min": len(in_play) / max((play_s - 1.0) / 60, 1e-9),
            "underruns": len(in_play), "dropouts": len(drops),
            "longest_dropout_ms": max(drops, default=0.0), "latency_ms": lat,
            "first_render_s": out["first_render_s"], "output": out["backend"],
            "rss_mb": out["rss_mb"],
            "queue": out["queue"]}


def launch_times(server, runs: int, hogs: int, backend: str = "process",
                 cache: str | None = None, memory: list[float] | None = None) -> list[float]:
    """Seconds from starting the desktop app (offscreen, ``--demo --play``) to its first
    sound in the sink's monitor, ``runs`` times, with ``hogs`` CPU hogs beside it; ``cache``
    is the cache folder holding the decoded soundfont (None: no decoded soundfont).
    ``memory`` receives the app's memory (MB, with its child processes) 10 s after launch."""
    out = []
    memory = memory if memory is not None else []
    for _ in range(runs):
        stress = None
        if hogs:
            stress = subprocess.Popen(["stress-ng", "--cpu", str(hogs), "--quiet"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
        mon = Monitor(server.env)
        time.sleep(0.3)
        env = dict(server.env, QT_QPA_PLATFORM="offscreen", **BACKENDS[backend])
        env["SMOOTIFY_SOUNDFONT_CACHE"] = "1" if cache else "0"
        if cache:
            env["XDG_CACHE_HOME"] = cache
        with tempfile.TemporaryDirectory() as state:
            t0 = time.time()
            app = subprocess.Popen(
                [sys.executable, "-m", "smootify_player", "--demo", "--play", "--new-instance",
                 "--state-dir", state, "--quit-after", "12"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            first = None
            while first is None and time.time() - t0 < 30 and app.poll() is None:
                time.sleep(0.02)
                first = next((t for t, p in zip(list(mon.times), list(mon.peaks))
                              if t > t0 and p > 0), None)
            while time.time() - t0 < 10 and app.poll() is None:
                time.sleep(0.1)  # playing: the app's memory, its audio process included
            memory.append(_tree_rss_mb(app.pid))
            app.terminate()
            app.wait(10)
        mon.stop()
        if stress is not None:
            stress.terminate()
            stress.wait(5)
        out.append(first - t0 if first is not None else float("nan"))
    return out


def _log_time(line: str) -> float | None:
    """Seconds since the server started, from a ``--log-time`` line: ``(  12.345|  0.001)``."""
    try:
        return float(line[1:line.index("|")])
    except ValueError:
        return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="play time per run (loaded)")
    ap.add_argument("--idle-seconds", type=float, default=None,
                    help="play time of the idle run (default: --seconds)")
    ap.add_argument("--conditions", default="idle,adding,stress,both")
    ap.add_argument("--backends", default="process,old")
    ap.add_argument("--controls", type=int, default=3, help="rounds of pause/resume/seek/next")
    ap.add_argument("--launch", type=int, default=5,
                    help="app launches timed to the first sound, idle and beside a CPU hog "
                         "(0: none)")
    ap.add_argument("--server", default="plain", choices=("plain", "desktop"),
                    help="the PulseAudio server at normal priority (plain, the default) or "
                         "raising its own, as on a desktop with rtkit (desktop)")
    ap.add_argument("--buffer-ms", type=float, default=None,
                    help="SMOOTIFY_AUDIO_BUFFER_MS for the player (default: the player's own)")
    ap.add_argument("--play", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--add", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.play:
        return play(args)
    why = missing() or (None if shutil.which("stress-ng") else "stress-ng is not installed")
    if why:
        print(f"bench_live_audio: {why}", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        songs = _songs(Path(tmp) / "songs", 200)
        # Every launch after the first finds the soundfont decoded in the cache: the runs
        # see a cache where it is (the old path never used one).
        from smootify_player.audio import sfcache
        from smootify_player.audio.synth import shipped_soundfont

        cache = Path(tmp) / "cache"
        os.environ["XDG_CACHE_HOME"] = str(cache)
        sfcache.decode(shipped_soundfont())
        with pulse_null_sink(Path(tmp) / "pulse", args.server == "desktop") as server:
            variants = [(b, str(cache) if b == "process" else None)
                        for b in args.backends.split(",")]
            if "process" in args.backends.split(","):
                variants.insert(1, ("process", None))  # a first launch: no decoded copy yet
            for hogs in (0, 1) if args.launch else ():
                for backend, cached in variants:
                    mem: list[float] = []
                    times = launch_times(server, args.launch, hogs, backend, cached, mem)
                    label = backend + ("" if cached or backend != "process" else
                                       ", soundfont not decoded yet")
                    print(f"launch to first sound, {label} "
                          f"({'one CPU hog' if hogs else 'idle'}, {args.launch} runs): median "
                          f"{np.nanmedian(times):.2f} s, all "
                          f"{', '.join(f'{t:.2f}' for t in times)}; the app's memory "
                          f"(all processes) {np.median(mem):.0f} MB", flush=True)
            for backend in args.backends.split(","):
                for cond in args.conditions.split(","):
                    secs = args.idle_seconds if cond == "idle" and args.idle_seconds else \
                        args.seconds
                    r = run_one(server, backend, cond, secs, songs, args.controls,
                                args.buffer_ms)
                    results.append(r)
                    lat = r["latency_ms"]
                    print(f"{backend:8s} {cond:7s} {r['minutes']:5.1f} min  underruns "
                          f"{r['underruns']:4d} ({r['underruns_per_min']:6.1f}/min)  dropouts "
                          f"{r['dropouts']:3d}, longest {r['longest_dropout_ms']:6.1f} ms  "
                          f"pause {lat['pause']:5.0f} resume {lat['resume']:5.0f} seek "
                          f"{lat['seek']:5.0f} next {lat['next']:5.0f} ms  first render "
                          f"{r['first_render_s']:.2f} s  memory {r['rss_mb']:.0f} MB  "
                          f"({r['output']}, queue {r['queue']})",
                          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
