"""Worker processes end with their app, even when it is killed (no orphans left behind)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

PARENT = r"""
import multiprocessing, os, sys
from concurrent.futures import ProcessPoolExecutor
from smootify_player.child import init_child
if __name__ == "__main__":
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_child, initargs=(5,))
    pid, nice = pool.submit(os.getpid).result(), pool.submit(os.nice, 0).result()
    print(pid, nice, flush=True)
    os._exit(0)  # as an app killed with kill -9: no shutdown, no atexit
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_pool_worker_exits_when_its_parent_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)
    pid, nice = (int(x) for x in out.stdout.split())
    assert nice == min(os.nice(0) + 5, 19)  # and it runs below its parent
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid), "the worker outlived its killed parent"
