"""The bridge U-Net: config, input canvas layouts, the network and safetensors I/O."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from .config import (
    DIGEST_KEY,
    GAP_BARS,
    N_TRACKS,
    STEPS_PER_BAR,
    ModelConfig,
    build_input,
    in_channels,
    tensor_digest,
)
from .runtime import read_weights

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
    meta = {"config": model.cfg.to_json(), "format": "smootify-bridge-unet-1",
            DIGEST_KEY: tensor_digest({k: v.numpy() for k, v in state.items()})}
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
    params, meta = read_weights(path)
    try:
        model = BridgeUNet(ModelConfig.from_json(meta["config"]))
        model.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()}, strict=True)
    except Exception as exc:  # re-raised as one clear error
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ValueError(f"corrupt bridge weights {Path(path).name}: {first}") from exc
    model.eval()
    return model, meta
