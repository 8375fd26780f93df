"""The Library page at scale: index a folder of generated songs from the real window.

Builds the app (offscreen, silent clock, its own state folder and database), opens the
Library page, adds a folder of ``--songs`` generated songs (written once by
``bench_library.make_library``) and measures, with a 5 ms timer on the UI thread, the
longest gap while the scan runs, until the page lists every song; then builds the app again
on the same database and times the page listing them all (a reopen). The scan starts once
the launch has settled (the demo queue analysed); the launch's own UI gaps are printed
apart. Prints one JSON object.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_library_page.py [--songs 10000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

__all__ = ["main"]


def _wait(app, until, timeout: float, gaps: list[float] | None = None) -> bool:
    """Process events until ``until()``; with ``gaps``, record every UI-timer gap (ms)."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick() -> None:
        now = clock.nsecsElapsed()
        if gaps is not None:
            gaps.append((now - last[0]) / 1e6 - 5.0)
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    end = time.perf_counter() + timeout
    try:
        while time.perf_counter() < end:
            app.processEvents()
            if until():
                return True
            time.sleep(0.001)
        return False
    finally:
        timer.stop()


def _settled(player) -> bool:
    """Every queued song analysed (or failed)."""
    from smootify_player.player.queue import EntryStatus

    return all(e.status in (EntryStatus.READY, EntryStatus.FAILED) for e in player.queue)


def _build(state: Path, db: Path):
    from smootify_player.app.main import build, parse_args

    built = build(parse_args(["--state-dir", str(state), "--db", str(db), "--silent",
                              "--new-instance"]))
    built.window.show()
    return built


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--songs", type=int, default=10_000)
    ap.add_argument("--timeout", type=float, default=900.0)
    args = ap.parse_args(argv)

    from bench_library import make_library
    from PySide6.QtWidgets import QApplication

    from smootify_player.app.theme import apply_theme

    folder = Path(tempfile.gettempdir()) / "smootify_bench_library" / f"n{args.songs}"
    made = make_library(folder, args.songs)
    app = QApplication.instance() or QApplication(["smootify"])
    apply_theme(app)
    out: dict = {"songs": args.songs, "files_made_s": round(made, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        state, db = Path(tmp) / "state", Path(tmp) / "library.sqlite3"
        built = _build(state, db)
        w = built.window
        w.show_page(w.pages.indexOf(w.library_page))
        page = w.library_page
        # The launch settles first (its first paint, the demo queue's analyses): its own
        # stalls are the launch's, reported apart, not the scan's.
        launch: list[float] = []
        _wait(app, lambda: not page.busy and not page.searching and _settled(built.player),
              30, launch)
        _wait(app, lambda: False, 1.0, launch)
        out["launch"] = {"longest_ui_gap_ms": round(max(launch), 1),
                         "gaps_over_50ms": sum(g > 50 for g in launch)}
        gaps: list[float] = []
        t = time.perf_counter()
        page.add_folder(folder)
        done = _wait(app, lambda: not page.busy and not page.searching
                     and page.model.rowCount() >= args.songs, args.timeout, gaps)
        out["index"] = {"done": done, "seconds": round(time.perf_counter() - t, 1),
                        "rows": page.model.rowCount(),
                        "longest_ui_gap_ms": round(max(gaps), 1) if gaps else None,
                        "gaps_over_50ms": sum(g > 50 for g in gaps)}
        w.close()
        t = time.perf_counter()
        again = _build(state, db)
        w2 = again.window
        w2.show_page(w2.pages.indexOf(w2.library_page))
        page2 = w2.library_page
        gaps2: list[float] = []
        shown = _wait(app, lambda: page2.model.rowCount() >= args.songs, 60, gaps2)
        out["reopen"] = {"done": shown, "seconds": round(time.perf_counter() - t, 2),
                         "longest_ui_gap_ms": round(max(gaps2), 1) if gaps2 else None}
        w2.close()
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
