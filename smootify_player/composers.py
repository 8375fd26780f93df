"""Composers: the factory that picks one by name, and the model run in a child process.

The only importer of ``model/``: ``music/`` defines the :class:`BridgeComposer` interface and
the rule composer, ``model/`` implements the U-Net composer on top of ``music/``, and this
module, above both, builds whichever is asked for. The CLI, the benchmarks and the player get
their composers here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import one_line
from .music.bridge import Bridge, BridgeComposer, BridgeContext, RuleComposer
from .music.families import N_FAMILIES
from .music.join import JoinMode
from .notices import Notice, NoticeLevel

__all__ = ["COMPOSERS", "NoBridge", "make_composer", "instant_composer", "ProcessComposer",
           "process_composer", "Composers"]

#: The composers :func:`make_composer` builds (``music.join.JoinMode`` values but crossfade).
COMPOSERS = ("unet", "rule", "none")


class NoBridge:
    """No bridge at all: a straight cut from A's exit bar to B's entry bar."""

    name = "none"

    def compose(self, ctx: BridgeContext) -> Bridge:
        return Bridge(notes=[], programs=(None,) * N_FAMILIES, composer=self.name, n_bars=0)


def make_composer(name: str = "unet", weights: str | Path | None = None,
                                notice: Callable[[str], None] = print) -> BridgeComposer:
    """Build the composer called ``name``; ``unet`` falls back to ``rule`` if its weights fail.

    Parameters
    ----------
    name : str
        One of ``COMPOSERS``.
    weights : str or Path, optional
        Model weights for ``unet``; default ``weights/bridge_unet.safetensors``.
    notice : callable
        Receives the one-line notice when the model cannot be used.
    """
    if name == "rule":
        return RuleComposer()
    if name == "none":
        return NoBridge()
    if name != "unet":
        raise ValueError(f"unknown bridge composer {name!r}; choose from {', '.join(COMPOSERS)}")
    try:
        from .model.composer import UNetComposer  # lazy: loads the weights only when asked

        return UNetComposer(weights)
    except Exception as exc:  # noqa: BLE001 - any failure means the fallback
        notice(Notice(f"smootify: bridge model unavailable ({one_line(exc)}); "
                      "using the rule-based bridge", NoticeLevel.WARNING))
        return RuleComposer()


def instant_composer(mode: JoinMode | str) -> BridgeComposer | None:
    """A composer for ``mode`` that needs no model and no wait; None for a crossfade.

    The model's mode gets the rule composer: this is what a late join is built with.
    """
    mode = JoinMode(mode)
    if mode is JoinMode.CROSSFADE:
        return None
    return NoBridge() if mode is JoinMode.CUT else RuleComposer()


def _composer_child(conn: Any, name: str) -> None:
    """Child process: build the composer (torch loads here) and compose what is sent."""
    notes: list[str] = []
    comp = make_composer(name, notice=notes.append)
    conn.send((comp.name, notes))
    if comp.name != name:
        return
    while True:
        try:
            ctx = conn.recv()
        except (EOFError, OSError):
            return
        if ctx is None:
            return
        try:
            conn.send((True, comp.compose(ctx)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which falls back
            conn.send((False, one_line(exc)))


class ProcessComposer:
    """A composer that runs in a child process.

    The model's torch import and inference hold the interpreter lock for long stretches
    (hundreds of ms for the import alone); in a child process they cannot stall the UI
    thread. Use :func:`process_composer` to make one.
    """

    def __init__(self, name: str, conn: Any, proc: Any, timeout: float = 30.0) -> None:
        self.name = name
        self._conn, self._proc, self._timeout = conn, proc, timeout
        self._lock = threading.Lock()

    def compose(self, ctx: BridgeContext) -> Bridge:
        with self._lock:
            if not self._proc.is_alive():
                raise RuntimeError("the model process has stopped")
            self._conn.send(ctx)
            if not self._conn.poll(self._timeout):
                raise TimeoutError(f"the model took over {self._timeout:.0f} s")
            ok, result = self._conn.recv()
        if not ok:
            raise RuntimeError(result)
        return result

    def close(self) -> None:
        """Stop the child process."""
        try:
            self._conn.send(None)
        except (OSError, ValueError):
            pass
        self._proc.join(1.0)
        if self._proc.is_alive():
            self._proc.terminate()
        self._conn.close()


def process_composer(name: str = "unet", notice: Callable[[str], None] = print,
                     timeout: float = 120.0) -> BridgeComposer:
    """``make_composer(name)`` in a child process; the rule composer when the model fails."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    conn, child = ctx.Pipe()
    proc = ctx.Process(target=_composer_child, args=(child, name), daemon=True,
                       name="smootify-model")
    proc.start()
    child.close()
    try:
        if not conn.poll(timeout):
            raise TimeoutError("the model process did not answer")
        got, notes = conn.recv()
    except (EOFError, OSError, TimeoutError) as exc:
        proc.terminate()
        notice(Notice(f"bridge model unavailable ({one_line(exc)}); using the rule-based bridge",
                      NoticeLevel.WARNING))
        return RuleComposer()
    for n in notes:
        notice(n)
    if got != name:
        proc.join(1.0)
        conn.close()
        return make_composer(got)
    return ProcessComposer(name, conn, proc)


class Composers:
    """Composers by name, each built once on first use.

    Planning jobs call :meth:`get` on worker threads (the model loads there, or in its child
    process); a lock makes that safe. The owner's thread only calls :meth:`built` and
    :meth:`close`.
    """

    def __init__(self, model_process: bool = True) -> None:
        self.model_process = model_process
        self._lock = threading.Lock()
        self._made: dict[str, BridgeComposer] = {}
        self._closed = False

    def get(self, name: str, notice: Callable[[str], None] = print) -> BridgeComposer:
        """The composer called ``name``; notices about building it go to ``notice``."""
        with self._lock:
            comp = self._made.get(name)
            if comp is None:
                if name == "unet" and self.model_process:
                    comp = process_composer(name, notice=notice)
                else:
                    comp = make_composer(name, notice=notice)
                if self._closed:
                    _close(comp)
                else:
                    self._made[name] = comp
            return comp

    def built(self, name: str) -> BridgeComposer | None:
        """The composer called ``name`` if it was built already."""
        with self._lock:
            return self._made.get(name)

    def close(self) -> None:
        """Stop the model's child process, if one runs."""
        with self._lock:
            self._closed = True
            made, self._made = list(self._made.values()), {}
        for comp in made:
            _close(comp)


def _close(comp: BridgeComposer) -> None:
    if isinstance(comp, ProcessComposer):
        comp.close()
