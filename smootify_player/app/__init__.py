"""The desktop app (everything Qt lives in this package)."""

from __future__ import annotations

import ctypes
import sys

__all__ = ["guard_none_refcount"]


def guard_none_refcount() -> bool:
    """Work around PySide6 6.12.0 on CPython < 3.12 dropping a reference to ``None``.

    That release's void-returning methods (``setText``, ``drawRect``...) each release one
    reference to ``None`` they never took; after a few thousand calls Python aborts with
    "deallocating None". CPython 3.12+ makes ``None`` immortal, which is what this does by
    hand: it gives ``None`` a reference count no session can drain. Returns True when the
    guard was applied.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    try:
        from PySide6.QtGui import QColor
    except ImportError:
        return False
    probe, before = QColor(), sys.getrefcount(None)
    for _ in range(64):
        probe.setAlpha(255)
    if before - sys.getrefcount(None) < 32:
        return False  # this PySide6 counts references correctly
    refcnt = ctypes.c_ssize_t.from_address(id(None))
    if refcnt.value < 1 << 40:
        refcnt.value += 1 << 40
    return True


guard_none_refcount()
