"""The bridge U-Net: config, input canvas layouts, the network and safetensors I/O."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

__all__ = [
    "STEPS_PER_BAR",
    "GAP_BARS",
    "N_TRACKS",
    "ModelConfig",
    "BridgeUNet",
    "build_input",
    "in_channels",
    "save_model",
    "load_model",
    "count_params",
]

STEPS_PER_BAR = 16
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


class _Block(nn.Module):
    """MuseGAN-style factorised convolution: time conv then pitch conv, each BN + LeakyReLU."""

    def __init__(self, cin: int, cout: int, pitch_kernel: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(cin, cout, (3, 1), padding=(1, 0), bias=False),
            nn.BatchNorm2d(cout),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(cout, cout, (1, pitch_kernel), padding=(0, pitch_kernel // 2), bias=False),
            nn.BatchNorm2d(cout),
            nn.LeakyReLU(0.2, inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class BridgeUNet(nn.Module):
    """A small U-Net over (time, pitch) that outputs onset and sustain logits per track.

    Three encoder blocks (each followed by 2x2 pooling), a bottleneck block and three decoder
    blocks with skip connections: 6 conv blocks around the bottleneck as in the seed. Output
    channels 0-4 are onset logits, 5-9 sustain logits, one per track.
    """

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        ch = cfg.channels
        k = cfg.pitch_kernel
        cin = in_channels(cfg)
        self.enc = nn.ModuleList()
        prev = cin
        for i, c in enumerate(ch[:-1]):
            self.enc.append(_Block(prev, c, k if i == 0 else 3))
            prev = c
        self.mid = _Block(prev, ch[-1], 3)
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        prev = ch[-1]
        for c in reversed(ch[:-1]):
            self.up.append(nn.ConvTranspose2d(prev, c, 2, stride=2))
            self.dec.append(_Block(2 * c, c, 3))
            prev = c
        self.head = nn.Conv2d(prev, 2 * N_TRACKS, 1)
        self.shortcut = nn.Conv2d(cin, 2 * N_TRACKS, 1) if cfg.shortcut else None
        self.pool = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (B, 10, T, P) for an input canvas (B, C, T, P)."""
        inp = x
        skips = []
        for blk in self.enc:
            x = blk(x)
            skips.append(x)
            x = self.pool(x)
        x = self.mid(x)
        for up, blk, skip in zip(self.up, self.dec, reversed(skips)):
            x = blk(torch.cat([up(x), skip], 1))
        out = self.head(x)
        if self.shortcut is not None:
            out = out + self.shortcut(inp)
        return out


def count_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def save_model(model: BridgeUNet, path: str | Path, extra: dict[str, str] | None = None) -> None:
    """Write weights and config to a safetensors file (no pickle).

    Parameters
    ----------
    model : BridgeUNet
        The model; its ``cfg`` goes into the metadata under ``"config"``.
    path : str or Path
        Output file.
    extra : dict, optional
        More string metadata (training command, steps, ...).
    """
    from safetensors.torch import save_file

    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    meta = {"config": model.cfg.to_json(), "format": "smootify-bridge-unet-1"}
    meta.update(extra or {})
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save_file(state, str(path), metadata=meta)


def load_model(path: str | Path) -> tuple[BridgeUNet, dict[str, str]]:
    """Load a model saved by :func:`save_model`; raises ``ValueError`` if the file is unusable.

    Parameters
    ----------
    path : str or Path
        The safetensors file.

    Returns
    -------
    (BridgeUNet, dict)
        The model in eval mode and the file's metadata.
    """
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"bridge weights not found: {path}")
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = dict(f.metadata() or {})
            state = {k: f.get_tensor(k) for k in f.keys()}
        cfg = ModelConfig.from_json(meta["config"])
        model = BridgeUNet(cfg)
        model.load_state_dict(state, strict=True)
    except Exception as exc:  # noqa: BLE001 - re-raised as one clear error
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ValueError(f"corrupt bridge weights {path.name}: {first}") from exc
    model.eval()
    return model, meta
