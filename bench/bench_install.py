"""What a user installs and runs: install size, `smootify mix` memory and time, render speed.

Run: .venv/bin/python bench/bench_install.py [--json OUT.json] [--skip install,mix,render]

(a) install: builds the wheel, installs it with its dependencies into a fresh virtual
    environment in a temporary folder (pip as configured here; PyPI must be reachable), and
    reports the size of its site-packages on disk, the 5 biggest distributions and whether any
    ``torch``/``nvidia-*``/``triton`` distribution came along. The old runtime (commit
    c9c5752, which required torch) is estimated as that plus torch and what torch needs, as
    installed in this checkout's .venv (torch's CPU build; plain PyPI on Linux gives CUDA).
(b) mix: peak RSS and wall time of ``smootify mix --bridge unet`` to WAV of the 10 demo songs
    (``resources/demo/demo.m3u8``), and of them repeated 3 times (about an hour of audio),
    for the new code and the old, paired in this run. Each side runs from its own git worktree
    (``--new``, default HEAD; ``--old``, default c9c5752) on this interpreter (the old code
    needs torch, which .venv has); peak RSS is the child's ``ru_maxrss``, measured by a fresh
    wrapper process per run.
(c) render: ``fluidsynth -ni -F out.wav -r 44100 SF.sf3 song.mid`` per demo song, summed,
    against ``smootify mix --full-songs --bridge unet`` of the same songs (new and old):
    seconds of audio per second of wall time, and the ratio. Needs the FluidSynth
    command-line player (Debian: ``apt-get install fluidsynth``); without it this part is
    skipped with a note. This script installs nothing on the system.

Outputs are written to a temporary folder and deleted; the worktrees are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo"
SOUNDFONT = "soundfonts/MuseScore_General_Lite.sf3"
OLD_REF = "c9c5752"

# Runs a command with its output to a log, then writes its wall time and peak RSS as JSON.
# A fresh wrapper per run, so RUSAGE_CHILDREN holds that run alone.
_WRAPPER = r"""
import json, resource, subprocess, sys, time
result, log, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(log, "wb") as f:
    t = time.perf_counter()
    rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
rss_kb = ru.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
with open(result, "w") as f:
    json.dump({"rc": rc, "wall_s": wall, "peak_rss_mb": rss_kb / 1024,
               "cpu_s": ru.ru_utime + ru.ru_stime}, f)
"""


def _log(msg: str) -> None:
    print(f"bench_install: {msg}", file=sys.stderr, flush=True)


def _demo_songs() -> list[Path]:
    """The demo playlist in its order (the M3U8 lists them)."""
    lines = (DEMO / "demo.m3u8").read_text(encoding="utf-8").splitlines()
    return [DEMO / ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def _disk_mb(folder: Path) -> tuple[float, float]:
    """Disk usage (as ``du``: allocated blocks) and apparent size of a tree, in MB."""
    blocks = size = 0
    seen: set[tuple[int, int]] = set()
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            st = os.lstat(os.path.join(dirpath, name))
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            blocks += st.st_blocks * 512
            size += st.st_size
    return blocks / 2**20, size / 2**20


# Sizes of every distribution of an environment, by the files its RECORD lists.
_DIST_SIZES = r"""
import json, re, sys
from importlib.metadata import distributions
out = {}
for d in distributions():
    total = 0
    for f in d.files or ():
        p = d.locate_file(f)
        try:
            total += p.stat().st_size
        except OSError:
            pass
    req = [re.match(r"[A-Za-z0-9._-]+", r).group(0)
           for r in (d.requires or ()) if "extra ==" not in r]
    out[d.metadata["Name"]] = {"mb": total / 2**20, "version": d.version, "requires": req}
json.dump(out, sys.stdout)
"""


def _dist_sizes(python: Path | str) -> dict[str, dict]:
    out = subprocess.run([str(python), "-c", _DIST_SIZES], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def _norm(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def bench_install(work: Path) -> dict:
    """(a) Build the wheel, install it with its dependencies into a fresh venv, measure."""
    dist = work / "dist"
    _log("building the wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w",
                    str(dist)], check=True, stdout=subprocess.DEVNULL)
    wheel = next(dist.glob("smootify_player-*.whl"))
    venv = work / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _log(f"pip install {wheel.name} with its dependencies into a fresh venv")
    t = time.perf_counter()
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)],
                       capture_output=True, text=True)
    install_s = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"bench_install: pip install failed:\n{r.stderr[-2000:]}")
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    du_mb, apparent_mb = _disk_mb(site)
    dists = _dist_sizes(py)
    biggest = sorted(dists.items(), key=lambda kv: -kv[1]["mb"])[:5]
    heavy = sorted(n for n in dists if _norm(n) in ("torch", "triton")
                   or _norm(n).startswith("nvidia-"))
    # The old runtime also required torch: add torch and what it pulls, as in .venv.
    here = {_norm(n): v for n, v in _dist_sizes(sys.executable).items()}
    closure, todo = set(), ["torch"]
    while todo:
        n = _norm(todo.pop())
        if n in closure or n not in here:
            continue
        closure.add(n)
        todo.extend(here[n]["requires"])
    new_names = {_norm(n) for n in dists}
    torch_extra = sum(here[n]["mb"] for n in closure if n not in new_names)
    torch_mb = here.get("torch", {}).get("mb", 0.0)
    return {
        "wheel": wheel.name, "wheel_mb": wheel.stat().st_size / 2**20,
        "install_s": install_s, "site_packages_du_mb": du_mb,
        "site_packages_apparent_mb": apparent_mb, "distributions": len(dists),
        "biggest": [{"name": n, "version": v["version"], "mb": v["mb"]} for n, v in biggest],
        "torch_or_cuda_installed": heavy,
        "old_estimate": {
            "torch_version": here.get("torch", {}).get("version"),
            "torch_mb": torch_mb, "torch_with_deps_mb": torch_extra,
            "site_packages_mb": apparent_mb + torch_extra
            - next((v["mb"] for n, v in dists.items() if _norm(n) == "threadpoolctl"), 0.0),
        },
    }


def _worktree(ref: str, path: Path) -> str:
    """A detached worktree of ``ref`` at ``path`` (a stale one there is replaced)."""
    if path.exists():
        listed = subprocess.run(["git", "-C", str(ROOT), "worktree", "list", "--porcelain"],
                                capture_output=True, text=True, check=True).stdout
        if f"worktree {path.resolve()}" not in listed:
            raise SystemExit(f"bench_install: {path} exists and is no worktree of this "
                             "repository; move it away or pass another --*-dir")
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                       check=True)
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(path), ref],
                   check=True)
    sf = path / SOUNDFONT
    if not sf.is_file():  # a checkout whose soundfont is not in git (or is a pointer)
        sf.parent.mkdir(parents=True, exist_ok=True)
        sf.unlink(missing_ok=True)
        sf.symlink_to(ROOT / SOUNDFONT)
    return subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()


def _remove_worktree(path: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def _measured(cmd: list[str], work: Path, env: dict | None = None) -> dict:
    """Run ``cmd`` under the wrapper: wall time, peak RSS, CPU; its log is kept on failure."""
    result, log = work / "run.json", work / "run.log"
    subprocess.run([sys.executable, "-c", _WRAPPER, str(result), str(log), *cmd], env=env,
                   cwd=work, check=True)  # not the checkout: its package would come first
    out = json.loads(result.read_text())
    if out["rc"] != 0:
        raise SystemExit(f"bench_install: {' '.join(cmd[:4])}... failed (exit {out['rc']}):\n"
                         + log.read_text(errors="replace")[-2000:])
    out["log_tail"] = log.read_text(errors="replace").strip().splitlines()[-1:]
    return out


def _mix(code: Path, songs: list[Path], work: Path, full: bool = False) -> dict:
    """``smootify mix --bridge unet`` of ``songs`` to WAV, by the code in worktree ``code``."""
    out, report = work / "mix.wav", work / "plan.json"
    cmd = [sys.executable, "-m", "smootify_player", "mix", *map(str, songs), "-o", str(out),
           "--bridge", "unet", "--report", str(report)] + (["--full-songs"] if full else [])
    env = dict(os.environ, PYTHONPATH=str(code))
    env.pop("SMOOTIFY_SOUNDFONT", None)
    r = _measured(cmd, work, env)
    plan = json.loads(report.read_text())
    r["audio_s"] = _wav_seconds(out)
    r["speed_x"] = r["audio_s"] / r["wall_s"]
    bridges: dict[str, int] = {}
    for t in plan["transitions"]:
        bridges[t.get("bridge", "?")] = bridges.get(t.get("bridge", "?"), 0) + 1
    r["bridges"] = bridges
    out.unlink()
    return r


def _check_code(code: Path, work: Path) -> None:
    """Run from ``work``, the interpreter imports smootify_player from ``code``."""
    env = dict(os.environ, PYTHONPATH=str(code))
    where = subprocess.run([sys.executable, "-c", "import smootify_player; "
                            "print(smootify_player.__file__)"], env=env, cwd=work,
                           capture_output=True, text=True, check=True).stdout.strip()
    if not Path(where).resolve().is_relative_to(code.resolve()):
        raise SystemExit(f"bench_install: PYTHONPATH={code} imports {where} instead")


def bench_mix(new: Path, old: Path, work: Path, reps: int) -> dict:
    """(b) Peak RSS and wall time of the demo mix and of the demo three times, paired."""
    songs = _demo_songs()
    res: dict[str, dict] = {}
    for label, playlist, n in (("demo_10", songs, reps), ("demo_x3", songs * 3, 1)):
        runs: dict[str, list[dict]] = {"new": [], "old": []}
        for i in range(n):
            order = [("new", new), ("old", old)]
            for side, code in order if (i + (label == "demo_x3")) % 2 == 0 else order[::-1]:
                _log(f"mix {label} ({len(playlist)} songs), {side} code, run {i + 1}/{n}")
                runs[side].append(_mix(code, playlist, work))
        res[label] = {side: _summary(rs) for side, rs in runs.items()}
    return res


def _summary(runs: list[dict]) -> dict:
    keys = ("wall_s", "peak_rss_mb", "cpu_s", "audio_s", "speed_x")
    out = {k: statistics.median(r[k] for r in runs) for k in keys if k in runs[0]}
    out["runs"] = len(runs)
    if "bridges" in runs[0]:
        out["bridges"] = runs[0]["bridges"]
    return out


def bench_render(new: Path, old: Path, work: Path, reps: int) -> dict:
    """(c) The FluidSynth CLI per song, summed, against a full-songs mix of the same songs."""
    fs = shutil.which("fluidsynth")
    if fs is None:
        _log("the FluidSynth command-line player is not installed (Debian/Ubuntu: "
             "apt-get install fluidsynth; macOS: brew install fluid-synth): render part skipped")
        return {"skipped": "fluidsynth not found"}
    version = subprocess.run([fs, "--version"], capture_output=True,
                             text=True).stdout.splitlines()[0:1]
    songs = _demo_songs()
    sf = ROOT / SOUNDFONT
    fluid, mixes = [], {"new": [], "old": []}
    for i in range(reps):
        _log(f"render: fluidsynth CLI, 10 songs, run {i + 1}/{reps}")
        wall = audio = cpu = 0.0
        peak = 0.0
        for s in songs:
            wav = work / "fs.wav"
            r = _measured([fs, "-ni", "-F", str(wav), "-r", "44100", str(sf), str(s)], work)
            wall, cpu, peak = wall + r["wall_s"], cpu + r["cpu_s"], max(peak, r["peak_rss_mb"])
            audio += _wav_seconds(wav)
            wav.unlink()
        fluid.append({"wall_s": wall, "cpu_s": cpu, "audio_s": audio, "speed_x": audio / wall,
                      "peak_rss_mb": peak})
        order = [("new", new), ("old", old)]
        for side, code in order if i % 2 == 0 else order[::-1]:
            _log(f"render: smootify mix --full-songs, {side} code, run {i + 1}/{reps}")
            mixes[side].append(_mix(code, songs, work, full=True))
    res = {"fluidsynth": _summary(fluid), "fluidsynth_version": version[0] if version else "?"}
    for side, runs in mixes.items():
        res[side] = _summary(runs)
        ratios = [m["speed_x"] / f["speed_x"] for m, f in zip(runs, fluid)]
        res[side]["vs_fluidsynth"] = statistics.median(ratios)
    return res


def _print(res: dict) -> None:
    m = res["machine"]
    print(f"\nbench_install: {m['cpus']} CPUs, Python {m['python']}, load average "
          f"{m['load_before']} before, {m.get('load_after', '?')} after"
          + (f"; new code {res['new_code']}, old code {res['old_code']}"
             if "new_code" in res else ""))
    a = res.get("install")
    if a:
        print(f"\n(a) runtime install, fresh venv ({a['wheel']}, {a['wheel_mb']:.1f} MB wheel, "
              f"pip {a['install_s']:.0f} s)")
        print(f"    site-packages: {a['site_packages_du_mb']:.0f} MB on disk (du), "
              f"{a['site_packages_apparent_mb']:.0f} MB of files, {a['distributions']} "
              "distributions")
        for b in a["biggest"]:
            print(f"      {b['name']:<22} {b['version']:<12} {b['mb']:7.1f} MB")
        heavy = a["torch_or_cuda_installed"]
        print(f"    torch / nvidia-* / triton installed: {', '.join(heavy) if heavy else 'none'}")
        o = a["old_estimate"]
        print(f"    old runtime (c9c5752 required torch), estimated: {o['site_packages_mb']:.0f} "
              f"MB of files (+ torch {o['torch_version']} CPU build {o['torch_mb']:.0f} MB, "
              f"with its dependencies {o['torch_with_deps_mb']:.0f} MB)")
    b = res.get("mix")
    if b:
        print("\n(b) smootify mix --bridge unet to WAV (median of paired runs)")
        print(f"    {'playlist':<22}{'code':<6}{'audio':>9}{'wall':>9}{'CPU':>9}{'peak RSS':>11}"
              f"{'speed':>8}  bridges")
        for label, sides in b.items():
            name = {"demo_10": "10 demo songs", "demo_x3": "demo x3 (30 songs)"}[label]
            for side in ("old", "new"):
                s = sides[side]
                print(f"    {name:<22}{side:<6}{s['audio_s'] / 60:8.1f}m{s['wall_s']:8.1f}s"
                      f"{s['cpu_s']:8.1f}s{s['peak_rss_mb']:9.0f}MB{s['speed_x']:7.0f}x  "
                      f"{s['bridges']}")
    c = res.get("render")
    if c and "skipped" not in c:
        f = c["fluidsynth"]
        print(f"\n(c) render speed, the 10 demo songs whole ({c['fluidsynth_version']})")
        print(f"    fluidsynth CLI, per song, summed: {f['audio_s'] / 60:.1f} min of audio in "
              f"{f['wall_s']:.1f} s = {f['speed_x']:.0f}x real time "
              f"(CPU {f['cpu_s']:.1f} s, peak {f['peak_rss_mb']:.0f} MB)")
        for side in ("old", "new"):
            s = c[side]
            print(f"    smootify mix --full-songs --bridge unet, {side}: {s['audio_s'] / 60:.1f} "
                  f"min in {s['wall_s']:.1f} s = {s['speed_x']:.0f}x (CPU {s['cpu_s']:.1f} s, "
                  f"peak {s['peak_rss_mb']:.0f} MB): {s['vs_fluidsynth']:.2f}x the CLI's speed")
    elif c:
        print(f"\n(c) render speed: skipped ({c['skipped']})")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", metavar="OUT.json", help="also write the figures as JSON")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: install,mix,render")
    ap.add_argument("--new", default="HEAD", help="git ref of the new code (default HEAD)")
    ap.add_argument("--old", default=OLD_REF, help=f"git ref of the old code ({OLD_REF})")
    ap.add_argument("--new-dir", type=Path, default=Path(tempfile.gettempdir()) / "new")
    ap.add_argument("--old-dir", type=Path, default=Path(tempfile.gettempdir()) / "old")
    ap.add_argument("--reps", type=int, default=2,
                    help="paired runs of the 10-song mix and of the render part (default 2)")
    args = ap.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    res: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "platform": platform.platform(), "load_before": _load()}}
    with tempfile.TemporaryDirectory(prefix="bench_install-") as tmp:
        work = Path(tmp)
        if "install" not in skip:
            res["install"] = bench_install(work)
            shutil.rmtree(work / "venv", ignore_errors=True)
        if not {"mix", "render"} <= skip:
            made = []
            try:
                res["new_code"] = _worktree(args.new, args.new_dir)
                made.append(args.new_dir)
                res["old_code"] = _worktree(args.old, args.old_dir)
                made.append(args.old_dir)
                for code in made:
                    _check_code(code, work)
                if "mix" not in skip:
                    res["mix"] = bench_mix(args.new_dir, args.old_dir, work, args.reps)
                if "render" not in skip:
                    res["render"] = bench_render(args.new_dir, args.old_dir, work, args.reps)
            finally:
                for code in made:
                    _remove_worktree(code)
    res["machine"]["load_after"] = _load()
    _print(res)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
