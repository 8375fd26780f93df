"""The bridge U-Net's config and input canvas, shared by training (torch) and the player (numpy)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import numpy as np

from ..constants import STEPS_PER_BAR

__all__ = ["STEPS_PER_BAR", "GAP_BARS", "N_TRACKS", "ModelConfig", "build_input", "in_channels",
           "DIGEST_KEY", "tensor_digest"]

#: Metadata key of the weights file's tensor checksum.
DIGEST_KEY = "tensors_sha256"


def tensor_digest(params: dict[str, np.ndarray]) -> str:
    """SHA-256 over every tensor's name, dtype, shape and bytes, in name order."""
    import hashlib

    h = hashlib.sha256()
    for name in sorted(params):
        a = np.ascontiguousarray(params[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()

GAP_BARS = 2
N_TRACKS = 5


@dataclass
class ModelConfig:
    """Everything needed to rebuild a model and decode its output (stored in the file).

    ``layout`` is ``"aligned"`` (masked canvas plus A's last bar and B's first bar tiled into
    the gap) or ``"seed"`` (the seed's masked canvas only). ``loss`` records the training
    loss (``"bce"``, ``"focal"`` or ``"mse"``). ``shortcut`` adds a 1x1 convolution from the
    input straight to the logits, so copying or blending the aligned neighbour bars is learnt
    at once and the U-Net learns the correction.
    """

    layout: str = "aligned"
    ctx_bars: int = 1
    pitch_lo: int = 24
    n_pitches: int = 72
    channels: list[int] = field(default_factory=lambda: [32, 48, 96, 128])
    pitch_kernel: int = 13
    loss: str = "bce"
    shortcut: bool = False
    onset_threshold: list[float] = field(default_factory=lambda: [0.5] * N_TRACKS)
    sustain_threshold: list[float] = field(default_factory=lambda: [0.5] * N_TRACKS)

    @property
    def canvas_steps(self) -> int:
        """Time steps of the canvas: context, gap, context."""
        return (2 * self.ctx_bars + GAP_BARS) * STEPS_PER_BAR

    @property
    def gap_slice(self) -> slice:
        """Canvas steps of the gap."""
        s = self.ctx_bars * STEPS_PER_BAR
        return slice(s, s + GAP_BARS * STEPS_PER_BAR)

    def to_json(self) -> str:
        """Serialise to JSON for the safetensors metadata."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ModelConfig:
        """Rebuild from :meth:`to_json` output."""
        data = json.loads(text)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def in_channels(cfg: ModelConfig) -> int:
    """Number of input channels of a layout: rolls (10), mask (1), aligned tiles (20)."""
    return 2 * N_TRACKS + 1 + (4 * N_TRACKS if cfg.layout == "aligned" else 0)


def build_input(before_active: np.ndarray, before_onset: np.ndarray, after_active: np.ndarray,
                after_onset: np.ndarray, cfg: ModelConfig) -> np.ndarray:
    """Assemble the model input canvas from context rolls already cut to the model's pitches.

    Parameters
    ----------
    before_active, before_onset : np.ndarray
        (B, ctx_bars*16, 5, n_pitches) rolls of A's last bars before the gap.
    after_active, after_onset : np.ndarray
        (B, ctx_bars*16, 5, n_pitches) rolls of B's first bars after the gap.
    cfg : ModelConfig
        Layout and sizes.

    Returns
    -------
    np.ndarray
        float32 (B, in_channels(cfg), canvas_steps, n_pitches).
    """
    b = before_active.shape[0]
    c = cfg.ctx_bars * STEPS_PER_BAR
    t = cfg.canvas_steps
    g = cfg.gap_slice
    x = np.zeros((b, in_channels(cfg), t, cfg.n_pitches), np.float32)
    # (B, T, 5, P) -> (B, 5, T, P)
    x[:, 0:N_TRACKS, :c] = before_active.transpose(0, 2, 1, 3)
    x[:, N_TRACKS:2 * N_TRACKS, :c] = before_onset.transpose(0, 2, 1, 3)
    x[:, 0:N_TRACKS, g.stop:] = after_active.transpose(0, 2, 1, 3)
    x[:, N_TRACKS:2 * N_TRACKS, g.stop:] = after_onset.transpose(0, 2, 1, 3)
    x[:, 2 * N_TRACKS, g] = 1.0
    if cfg.layout == "aligned":
        o = 2 * N_TRACKS + 1
        bars = [
            (before_active[:, -STEPS_PER_BAR:], o),
            (before_onset[:, -STEPS_PER_BAR:], o + N_TRACKS),
            (after_active[:, :STEPS_PER_BAR], o + 2 * N_TRACKS),
            (after_onset[:, :STEPS_PER_BAR], o + 3 * N_TRACKS),
        ]
        for roll, ch in bars:
            r = roll.transpose(0, 2, 1, 3)
            for k in range(GAP_BARS):
                s = g.start + k * STEPS_PER_BAR
                x[:, ch:ch + N_TRACKS, s:s + STEPS_PER_BAR] = r
    return x


