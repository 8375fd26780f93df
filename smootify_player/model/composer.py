"""UNetComposer: the trained bridge U-Net behind the ``BridgeComposer`` interface."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..constants import STEPS_PER_BAR
from ..data import data_path
from ..music.bridge import Bridge, BridgeContext, BridgeNote
from ..music.families import DRUMS
from .decode import GAP_STEPS, decode_notes, decode_to_density, predict_probs
from .runtime import load_runtime

__all__ = ["UNetComposer", "DEFAULT_WEIGHTS", "target_density"]

#: Shipped weights (in the package, or ``<repo>/weights`` in a checkout).
DEFAULT_WEIGHTS = data_path("weights", "bridge_unet.safetensors")


def target_density(ctx: BridgeContext) -> tuple[np.ndarray, np.ndarray]:
    """(2, 5) onset steps and notes per bridge bar and family, from the bars around the gap.

    Bar 1 leans on A's last bar (3:1), bar 2 on B's first bar, so A's band hands over to
    B's; a song with no bar there leaves it to the other.
    """
    def counts(onset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        bar = np.asarray(onset[:STEPS_PER_BAR], bool)
        return bar.any(2).sum(0).astype(float), bar.sum((0, 2)).astype(float)

    a = counts(ctx.before_onset[-STEPS_PER_BAR:]) if ctx.before_bars else None
    b = counts(ctx.after_onset[:STEPS_PER_BAR]) if ctx.after_bars else None
    a = a or b or (np.zeros(5), np.zeros(5))
    b = b or a
    w = np.array([[0.75], [0.25]])
    steps = w * a[0][None] + (1 - w) * b[0][None]
    notes = w * a[1][None] + (1 - w) * b[1][None]
    return steps, notes


class UNetComposer:
    """Compose a bridge with the trained U-Net (satisfies ``music.bridge.BridgeComposer``).

    Parameters
    ----------
    weights : str or Path, optional
        A ``.safetensors`` file written by ``smootify train``; default
        ``weights/bridge_unet.safetensors``. A missing or corrupt file raises an exception
        with a one-line message (``composers.make_composer`` then falls back to the rule composer).
    density : bool
        Decode at the density of the bars around the join (:func:`target_density`) rather
        than at the thresholds stored with the weights (tuned to fill a gap inside a song).
    """

    name = "unet"

    def __init__(self, weights: str | Path | None = None, density: bool = True) -> None:
        self.path = Path(weights) if weights is not None else DEFAULT_WEIGHTS
        self.density = density
        self.model, self.meta = load_runtime(self.path)
        self.cfg = self.model.cfg
        self._warm_up()

    def _warm_up(self) -> None:
        """One forward pass on silence, so the first real bridge is as fast as the rest."""
        z = np.zeros((1, self.cfg.ctx_bars * 16, 5, 128), bool)
        predict_probs(self.model, z, z, z, z)

    def probabilities(self, ctx: BridgeContext) -> tuple[np.ndarray, np.ndarray]:
        """Onset and sustain probabilities (32, 5, 128) of the gap for ``ctx``."""
        need = self.cfg.ctx_bars * 16

        def fit(roll: np.ndarray, before: bool) -> np.ndarray:
            r = np.asarray(roll, bool)
            if r.shape[0] < need:  # pad the far side
                pad = np.zeros((need - r.shape[0],) + r.shape[1:], bool)
                r = np.concatenate([pad, r] if before else [r, pad])
            return r[None]

        on, act = predict_probs(self.model, fit(ctx.before_active, True),
                                fit(ctx.before_onset, True), fit(ctx.after_active, False),
                                fit(ctx.after_onset, False))
        return on[0], act[0]

    def compose(self, ctx: BridgeContext) -> Bridge:
        """Compose the 2-bar bridge for ``ctx``.

        Parameters
        ----------
        ctx : BridgeContext
            The bars around the gap with the songs' programs, velocities and keys.

        Returns
        -------
        Bridge
            Notes decoded with the thresholds stored in the weights file; families that
            neither song plays are left out; ``timings_ms`` is the inference time.
        """
        t0 = time.perf_counter()
        on, act = self.probabilities(ctx)
        programs = ctx.bridge_programs()
        notes = []
        if self.density:
            steps, counts = target_density(ctx)
            decoded = decode_to_density(on, act, steps, counts, self.cfg.sustain_threshold,
                                        drums=DRUMS)
        else:
            decoded = decode_notes(on, act, self.cfg.onset_threshold,
                                   self.cfg.sustain_threshold, drums=DRUMS)
        for f, p, s, e in decoded:
            if programs[f] is None:
                continue
            v = ctx.velocity(f, s / GAP_STEPS)
            notes.append(BridgeNote(f, p, s, s + 1 if f == DRUMS else e, v))
        ms = (time.perf_counter() - t0) * 1000
        return Bridge(notes=notes, programs=programs, composer=self.name, timings_ms=ms)
