"""Stand-ins for an audio device on a headless machine, and waiting on what plays."""

from __future__ import annotations

import ctypes
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest


def alsa_null(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """Point alsa-lib's default PCM at its null plugin; None when there is no alsa-lib."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        lib = ctypes.CDLL("libasound.so.2")
        lib.snd_config_topdir.restype = ctypes.c_char_p
        top = Path(lib.snd_config_topdir().decode())
    except (OSError, AttributeError):
        return None
    if not (top / "alsa.conf").is_file():
        return None
    null = tmp_path / "null.conf"
    null.write_text("pcm.!default { type null }\n")
    monkeypatch.setenv("ALSA_CONFIG_PATH", f"{top / 'alsa.conf'}:{null}")
    return "alsa"


def wait_for(cond: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``cond`` every 5 ms until it holds or ``timeout`` seconds pass; its last value."""
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if cond():
            return True
        time.sleep(0.005)
    return cond()
