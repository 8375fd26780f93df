"""The numpy runtime computes what the torch model computes, and the player never needs torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from smootify_player.model.config import ModelConfig, in_channels  # noqa: E402
from smootify_player.model.runtime import NumpyUNet, load_runtime  # noqa: E402
from smootify_player.model.unet import BridgeUNet, save_model  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def _random_bn(model: BridgeUNet, seed: int = 0) -> None:
    """Give every BatchNorm non-trivial statistics, as training would."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.3)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)


@pytest.mark.parametrize("layout,shortcut,ctx_bars", [("aligned", True, 1), ("seed", False, 2)])
def test_numpy_matches_torch(tmp_path, layout, shortcut, ctx_bars):
    cfg = ModelConfig(layout=layout, ctx_bars=ctx_bars, channels=[8, 12, 16, 20],
                      shortcut=shortcut)
    model = BridgeUNet(cfg).eval()
    _random_bn(model)
    path = tmp_path / "m.safetensors"
    save_model(model, path)
    net, meta = load_runtime(path)
    assert isinstance(net, NumpyUNet) and "config" in meta
    rng = np.random.default_rng(1)
    x = (rng.random((2, in_channels(cfg), cfg.canvas_steps, cfg.n_pitches)) < 0.15)
    x = x.astype(np.float32)
    with torch.inference_mode():
        want = model(torch.from_numpy(x)).numpy()
    got = net(x)
    assert got.shape == want.shape
    assert np.abs(got - want).max() < 1e-4 * max(1.0, np.abs(want).max())
    # only some steps (the gap, or either edge): the last block computes only those
    t = cfg.canvas_steps
    for rows in (cfg.gap_slice, slice(0, 5), slice(t - 7, t), slice(3, 4)):
        part = net(x, rows)
        assert part.shape == want[:, :, rows].shape
        assert np.abs(part - want[:, :, rows]).max() < 1e-4 * max(1.0, np.abs(want).max())


@pytest.mark.parametrize("name", ["bridge_unet.safetensors", "seed_unet.safetensors"])
def test_shipped_weights_parity(name):
    from smootify_player.model.unet import load_model

    path = REPO / "weights" / name
    model, _ = load_model(path)
    net, _ = load_runtime(path)
    rng = np.random.default_rng(2)
    cfg = model.cfg
    x = (rng.random((1, in_channels(cfg), cfg.canvas_steps, cfg.n_pitches)) < 0.1)
    x = x.astype(np.float32)
    with torch.inference_mode():
        want = model(torch.from_numpy(x)).numpy()
    assert np.abs(net(x) - want).max() < 1e-3


def test_runtime_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00" * 64)
    with pytest.raises(ValueError, match="corrupt"):
        load_runtime(bad)
    with pytest.raises(FileNotFoundError):
        load_runtime(tmp_path / "missing.safetensors")


def test_composing_a_model_bridge_never_imports_torch(tmp_path):
    code = (
        "import sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from midi_factory import write_song\n"
        "from smootify_player.composers import make_composer\n"
        "from smootify_player.music.mixpoint import plan_mix\n"
        "from smootify_player.music.song import Song\n"
        "from smootify_player.music.transition import compose_bridge\n"
        f"a = Song.load(write_song({str(tmp_path / 'a.mid')!r}, seed=1))\n"
        f"b = Song.load(write_song({str(tmp_path / 'b.mid')!r}, seed=2, tonic=7))\n"
        "comp = make_composer('unet', notice=print)\n"
        "assert comp.name == 'unet', comp\n"
        "br = compose_bridge(a, b, plan_mix(a, b), comp)\n"
        "assert br.composer == 'unet' and len(br.notes) > 10\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")


def test_damaged_tensor_data_is_caught_and_the_player_falls_back(tmp_path):
    from smootify_player.composers import make_composer
    from smootify_player.music.bridge import RuleComposer

    data = bytearray((REPO / "weights" / "bridge_unet.safetensors").read_bytes())
    rng = np.random.default_rng(3)
    at = len(data) - 200_000  # inside the tensor data; the JSON header stays intact
    data[at:at + 4096] = rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()
    bad = tmp_path / "damaged.safetensors"
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum"):
        load_runtime(bad)
    notes: list[str] = []
    assert isinstance(make_composer("unet", bad, notice=notes.append), RuleComposer)
    assert len(notes) == 1 and "checksum" in notes[0]
