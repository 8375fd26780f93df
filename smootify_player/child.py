"""Start-up of the app's worker processes: a lower CPU priority, and an exit with the parent.

A process pool's worker waits on its call queue for ever, so one whose app was killed
(``kill -9``, a crash) would linger; :func:`init_child` starts a thread that ends the
process as soon as its parent is gone. Kept free of imports: a spawned child imports it
before anything else.
"""

from __future__ import annotations

import os
import threading
import time

__all__ = ["init_child", "PARENT_POLL_S"]

#: How often a child checks that its parent is still there (seconds).
PARENT_POLL_S = 1.0


def _exit_with(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL_S)
        if os.getppid() != parent:  # re-parented: the app is gone
            os._exit(0)


def init_child(nice: int = 0) -> None:
    """Pool initializer: ``nice`` more niceness (where the OS has it), and exit with the
    parent process."""
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:
            pass
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True,
                     name="smootify-exit-with-parent").start()
