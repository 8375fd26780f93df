"""Desktop app benchmark: time to a visible window, longest UI-thread stall, memory; screenshot.

Run under a display (``xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python
bench/bench_app.py``) or with ``QT_QPA_PLATFORM=offscreen``. Prints one JSON object.

``--screenshot docs/screenshot.png`` instead plays the demo playlist, jumps to just before
the first bridge and saves the real window as it shows "A + B" with the bridge in the roll;
``--lang ko`` takes it in Korean (docs/screenshot-ko.png; needs a Korean font, e.g.
fonts-nanum).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

__all__ = ["main"]


def _demo() -> list[Path]:
    """The demo playlist, with the titles and credits its M3U8 gives."""
    from smootify_player.player import expand_paths

    return expand_paths([ROOT / "resources" / "demo" / "demo.m3u8"])

_CHILD = r"""
import sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
from smootify_player.app.main import build, parse_args
from smootify_player.app.theme import apply_theme
app = QApplication(["smootify"])
apply_theme(app)
built = build(parse_args(["--state-dir", sys.argv[1], "--silent", "--new-instance"]), t0)
w = built.window
w.show()
while not (w.windowHandle() and w.windowHandle().isExposed()):
    app.processEvents()
app.processEvents()
print("visible", time.perf_counter() - t0, flush=True)
w.close()
"""


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def time_to_window(runs: int = 3) -> dict:
    """Wall time from process start to an exposed window, over ``runs`` fresh processes."""
    out = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as state:
            t = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", _CHILD, state],
                                    stdout=subprocess.PIPE, text=True, cwd=ROOT)
            line = ""
            for line in proc.stdout:  # "visible ..." is printed the moment the window shows
                if line.startswith("visible"):
                    break
            wall = time.perf_counter() - t
            proc.wait(60)
            inner = float(line.split()[1]) if line.startswith("visible") else float("nan")
            out.append({"process_s": round(wall, 3), "in_process_s": round(inner, 3)})
    best = min(out, key=lambda r: r["process_s"])
    return {"runs": out, "best_process_s": best["process_s"],
            "median_process_s": sorted(r["process_s"] for r in out)[len(out) // 2]}


def children_rss_mb() -> float:
    """Resident memory of this process's children (the model's process) in MB (Linux)."""
    total = 0.0
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[1] != me:
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += float(line.split()[1]) / 1024
        except (OSError, IndexError):
            continue
    return total


def stall_and_memory(seconds: float, transition: str) -> dict:
    """Play the demo playlist and record the longest gap between 5 ms UI timer ticks.

    Meanwhile the worker analyses the 10 demo songs, loads the soundfont, plans the first
    transition and composes its bridge (``transition`` "ai" loads torch).
    """
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from smootify_player.app.main import build, parse_args
    from smootify_player.app.theme import apply_theme

    app = QApplication.instance() or QApplication(["smootify"])
    apply_theme(app)
    rss0 = rss_mb()
    with tempfile.TemporaryDirectory() as state:
        Path(state, "state.json").write_text(json.dumps(
            {"queue": [], "settings": {"transition": transition}}))
        built = build(parse_args(["--state-dir", state, "--silent", "--new-instance"]))
        w, p = built.window, built.player
        w.show()
        settle = time.perf_counter() + 1.0  # first paints and the soundfont, not measured
        while time.perf_counter() < settle:
            app.processEvents()
            time.sleep(0.002)
        rss0 = rss_mb()
        # Precompute starts now: 10 songs to analyse, then the first plan and bridge.
        p.add(_demo())
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]
        planned: list[float] = []
        p.listeners.append(lambda k, x: planned.append(clock.elapsed() / 1000)
                           if k == "planned" else None)

        def tick() -> None:
            now = clock.nsecsElapsed()
            gaps.append((now - last[0]) / 1e6)
            last[0] = now

        t = QTimer()
        t.setInterval(5)
        t.timeout.connect(tick)
        t.start()
        QTimer.singleShot(200, p.play)
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.001)
        t.stop()
        controls = _controls(app, p) if p.state == "playing" else {}
        analysed = sum(1 for e in p.queue if e.status == "ready")
        result = {
            "transition": transition,
            "seconds": seconds,
            "max_ui_stall_ms": round(max(gaps) - 5.0, 1) if gaps else None,
            "p99_tick_gap_ms": round(sorted(gaps)[int(len(gaps) * 0.99)], 1) if gaps else None,
            "ticks": len(gaps),
            "songs_analysed": analysed,
            "first_plan_ready_s": round(planned[0], 2) if planned else None,
            "rss_mb_before": round(rss0, 1),
            "rss_mb_playing": round(rss_mb(), 1),
            "rss_mb_children": round(children_rss_mb(), 1),
            "torch_loaded": "torch" in sys.modules,
            "audio": p.audio_name,
            "controls": controls,
        }
        w.close()
    return result


def _controls(app, p) -> dict:
    """How fast pause, seek, volume and next take effect on the engine (silent clock)."""
    def pump(sec: float, until=None) -> float:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < sec:
            app.processEvents()
            if until is not None and until():
                break
            time.sleep(0.0005)
        return (time.perf_counter() - t0) * 1000

    out = {}
    t0 = time.perf_counter()
    p.pause()
    pos, last_change = p.engine.position, time.perf_counter()
    while time.perf_counter() - t0 < 0.3:  # when does the engine stop advancing?
        if p.engine.position != pos:
            pos, last_change = p.engine.position, time.perf_counter()
        time.sleep(0.0005)
    out["pause_ms"] = round((last_change - t0) * 1000, 1)
    t0 = time.perf_counter()
    p.play()
    start = p.engine.position
    out["resume_ms"] = round(pump(1.0, lambda: p.engine.position != start), 1)
    t0 = time.perf_counter()
    p.seek(10.0)
    out["seek_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    p.set_volume(0.5)
    out["volume_ms"] = round(pump(1.0, lambda: p.engine.volume == 0.5), 1)
    t0 = time.perf_counter()
    at = p.position_seconds()
    p.next()
    out["next_ui_ms"] = round(pump(1.0, lambda: "Mixing into" in p.now_playing().subtitle or
                                   p.now_playing().in_bridge), 1)
    pump(10.0, lambda: p.now_playing().in_bridge)
    out["next_bridge_after_audio_s"] = round(p.position_seconds() - at, 2)
    return out


def screenshot(path: Path, at_bridge: bool = True, lang: str = "en") -> dict:
    """Save the real window while the first bridge plays (or, failing that, while playing),
    in ``lang`` (en, ko)."""
    from PySide6.QtWidgets import QApplication

    from smootify_player.app import i18n
    from smootify_player.app.main import build, parse_args
    from smootify_player.app.theme import apply_theme

    app = QApplication.instance() or QApplication(["smootify"])
    app.setApplicationDisplayName("Smootify")
    apply_theme(app)
    i18n.install(app, lang)
    with tempfile.TemporaryDirectory() as state:
        Path(state, "state.json").write_text(json.dumps(
            {"queue": [], "settings": {"transition": "ai"}, "volume": 0.8}))
        built = build(parse_args(["--state-dir", state, "--silent", "--new-instance"]))
        w, p = built.window, built.player
        from smootify_player.player import expand

        demo = expand([ROOT / "resources" / "demo" / "demo.m3u8"])  # with its titles
        p.add(demo.paths, labels=demo.labels)
        w.show()

        def pump(sec: float, until=None) -> bool:
            end = time.perf_counter() + sec
            while time.perf_counter() < end:
                app.processEvents()
                if until is not None and until():
                    return True
                time.sleep(0.005)
            return until() if until else True

        pump(0.5)
        p.play()
        pump(60, lambda: len(p.timeline.segments) >= 3 and
             all(e.status != "analysing" and e.status != "waiting" for e in p.queue))
        if at_bridge and len(p.timeline.segments) >= 3:
            bridge = p.timeline.segments[1]
            p.seek(p.scheduler.song_seconds(0, bridge.start) - 3.0)  # the song's own time
            pump(15, lambda: p.now_playing().in_bridge and
                 p.position >= bridge.start + (bridge.end - bridge.start) // 3)
        from PySide6.QtGui import QCursor

        QCursor.setPos(w.mapToGlobal(w.rect().bottomRight()) + w.rect().bottomRight())
        w.notice_label.pending.clear()
        w.notice_label.next()  # no notice over the picture
        w.table.clearSelection()
        pump(0.3)
        screen = w.screen()
        img = screen.grabWindow(w.winId()) if os.environ.get("QT_QPA_PLATFORM") != \
            "offscreen" else w.grab()
        if img.isNull() or img.width() < 100:
            img = w.grab()
        path.parent.mkdir(parents=True, exist_ok=True)
        img.save(str(path))
        info = {"saved": str(path), "size": [img.width(), img.height()],
                "now_playing": p.now_playing().title}
        w.close()
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--screenshot", type=Path, default=None)
    ap.add_argument("--lang", default="en", help="the screenshot's language: en or ko")
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    if args.screenshot:
        print(json.dumps(screenshot(args.screenshot, lang=args.lang), indent=1,
                         ensure_ascii=False))
        return 0
    os.environ.setdefault("SMOOTIFY_AUDIO", "silent")
    report = {"time_to_window": time_to_window(args.runs),
              "precompute_rule": stall_and_memory(args.seconds, "crossfade")}
    report["precompute_ai"] = stall_and_memory(args.seconds, "ai")
    report["targets"] = {"time_to_window_s": 1.5, "max_ui_stall_ms": 50}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
