"""Tests of the bridge U-Net: shapes, masking, decoding, weights I/O, composer and fallback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from smootify_player.composers import make_composer
from smootify_player.model.decode import (
    decode_notes,
    inpaint,
    notes_to_rolls,
    predict_probs,
)
from smootify_player.model.unet import (
    BridgeUNet,
    ModelConfig,
    build_input,
    count_params,
    in_channels,
    load_model,
    save_model,
)
from smootify_player.music.bridge import (
    Bridge,
    BridgeComposer,
    BridgeContext,
    RuleComposer,
)
from smootify_player.music.key import Key

REPO = Path(__file__).resolve().parents[2]
SMALL = [8, 8, 16, 16]


def _ctx(seed: int = 0) -> BridgeContext:
    rng = np.random.default_rng(seed)
    on = rng.random((64, 5, 128)) < 0.01
    act = on.copy()
    act[1:] |= on[:-1]
    on2 = rng.random((64, 5, 128)) < 0.01
    return BridgeContext(act, on, on2.copy(), on2, (0, 0, 25, 33, None), (0, 1, None, 33, 48),
                         (90, 80, 70, 100, 0), (90, 80, 0, 100, 60), Key(0, False),
                         Key(7, False), 120.0, 100.0)


@pytest.mark.parametrize("layout,ctx", [("aligned", 1), ("aligned", 2), ("seed", 1)])
def test_shapes(layout, ctx):
    cfg = ModelConfig(layout=layout, ctx_bars=ctx, channels=SMALL, shortcut=layout == "aligned")
    model = BridgeUNet(cfg).eval()
    x = torch.zeros(2, in_channels(cfg), cfg.canvas_steps, cfg.n_pitches)
    assert model(x).shape == (2, 10, cfg.canvas_steps, cfg.n_pitches)


def test_input_masks_gap_and_tiles_neighbours():
    cfg = ModelConfig(layout="aligned", ctx_bars=2, channels=SMALL)
    rng = np.random.default_rng(1)
    b_act, b_on, a_act, a_on = (rng.random((1, 32, 5, 72)) < 0.1 for _ in range(4))
    x = build_input(b_act, b_on, a_act, a_on, cfg)
    g = cfg.gap_slice
    assert (x[:, :10, g] == 0).all()  # the gap is masked out of the rolls
    assert (x[:, 10, g] == 1).all() and x[:, 10].sum() == 32 * 72
    # context cells are exactly the given context
    assert np.array_equal(x[0, 0:5, :32], b_act[0].transpose(1, 0, 2))
    assert np.array_equal(x[0, 5:10, g.stop:], a_on[0].transpose(1, 0, 2))
    # aligned tiles: A's last bar and B's first bar in both gap bars, nothing elsewhere
    last_a = b_act[0, -16:].transpose(1, 0, 2)
    assert np.array_equal(x[0, 11:16, g.start:g.start + 16], last_a)
    assert np.array_equal(x[0, 11:16, g.start + 16:g.stop], last_a)
    assert np.array_equal(x[0, 26:31, g.start:g.start + 16], a_on[0, :16].transpose(1, 0, 2))
    assert x[0, 11:, :g.start].sum() == 0 and x[0, 11:, g.stop:].sum() == 0


def test_inpaint_keeps_context():
    cfg = ModelConfig(ctx_bars=1, channels=SMALL, shortcut=True)
    model = BridgeUNet(cfg).eval()
    rng = np.random.default_rng(2)
    on = rng.random((2, 10 * 16, 5, 128)) < 0.02
    act = on | np.roll(on, 1, axis=1)
    out_a, out_o = inpaint(model, act, on, ctx_bars=4)
    c = 4 * 16
    assert np.array_equal(out_a[:, :c], act[:, :c]) and np.array_equal(out_o[:, c + 32:],
                                                                       on[:, c + 32:])
    assert out_a.shape == act.shape


def test_decoding_round_trip():
    notes = [(0, 36, 0, 1), (0, 38, 4, 5), (1, 60, 0, 6), (1, 60, 6, 8), (3, 40, 2, 32),
             (4, 72, 16, 20)]
    act, on = notes_to_rolls(notes)
    got = decode_notes(on.astype(np.float32), act.astype(np.float32), [0.5] * 5, [0.5] * 5)
    assert sorted(got) == sorted(notes)


def test_decoding_drums_are_short():
    on = np.zeros((32, 5, 128), np.float32)
    act = np.ones_like(on)
    on[3, 0, 42] = 1
    assert decode_notes(on, act, [0.5] * 5, [0.5] * 5) == [(0, 42, 3, 4)]


def test_weights_round_trip(tmp_path):
    cfg = ModelConfig(ctx_bars=1, channels=SMALL, shortcut=True, onset_threshold=[0.3] * 5)
    model = BridgeUNet(cfg).eval()
    path = tmp_path / "m.safetensors"
    save_model(model, path, {"note": "x"})
    loaded, meta = load_model(path)
    assert meta["note"] == "x" and loaded.cfg == cfg
    x = torch.rand(1, in_channels(cfg), cfg.canvas_steps, 72)
    with torch.inference_mode():
        assert torch.allclose(model(x), loaded(x))
    assert count_params(loaded) == count_params(model)


def test_corrupt_and_missing_weights(tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError, match="corrupt"):
        load_model(bad)
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.safetensors")


def test_composer(tmp_path):
    from smootify_player.model.composer import UNetComposer

    cfg = ModelConfig(ctx_bars=2, channels=SMALL, shortcut=True, onset_threshold=[0.45] * 5,
                      sustain_threshold=[0.3] * 5)
    path = tmp_path / "m.safetensors"
    save_model(BridgeUNet(cfg), path)
    comp = UNetComposer(path)
    assert isinstance(comp, BridgeComposer)
    ctx = _ctx()
    br = comp.compose(ctx)
    assert isinstance(br, Bridge) and br.composer == "unet" and br.timings_ms > 0
    assert br.programs == ctx.bridge_programs()
    for n in br.notes:
        assert 0 <= n.start < n.end <= 32 and 1 <= n.velocity <= 127
        assert br.programs[n.family] is not None
        if n.family == 0:
            assert n.end == n.start + 1
    on, act = comp.probabilities(ctx)
    assert on.shape == act.shape == (32, 5, 128)
    assert on[:, :, :24].max() == 0 and on[:, :, 96:].max() == 0


def test_fallback_when_weights_missing(tmp_path):
    msgs: list[str] = []
    comp = make_composer("unet", tmp_path / "nope.safetensors", notice=msgs.append)
    assert isinstance(comp, RuleComposer)
    assert len(msgs) == 1 and "\n" not in msgs[0] and "rule" in msgs[0]
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00" * 64)
    assert isinstance(make_composer("unet", bad, notice=msgs.append), RuleComposer)


def test_predict_probs_range():
    cfg = ModelConfig(ctx_bars=1, channels=SMALL, layout="seed", loss="mse")
    model = BridgeUNet(cfg).eval()
    z = np.zeros((1, 64, 5, 128), bool)
    on, act = predict_probs(model, z, z, z, z)
    assert on.min() >= 0 and on.max() <= 1


@pytest.mark.parametrize("name", ["bridge_unet.safetensors", "seed_unet.safetensors"])
def test_shipped_weights(name):
    path = REPO / "weights" / name
    if not path.exists():
        pytest.skip(f"{name} not shipped yet")
    assert path.stat().st_size < 10 * 2**20
    model, meta = load_model(path)
    assert "config" in meta and model.cfg.n_pitches == 72
    assert make_composer("unet", path, notice=print).name == "unet"


def test_decode_to_density_meets_the_targets():
    from smootify_player.model.decode import decode_to_density

    rng = np.random.default_rng(0)
    p_on = rng.random((32, 5, 128)).astype(np.float32) * 0.2  # a shy model: nothing > 0.2
    p_act = np.zeros_like(p_on)
    p_act[:, 3, 40] = 0.9
    steps = np.array([[8, 0, 0, 4, 2], [4, 0, 0, 2, 1]], float)
    notes = np.array([[8, 0, 0, 4, 6], [4, 0, 0, 2, 3]], float)
    out = decode_to_density(p_on, p_act, steps, notes, [0.5] * 5, drums=0)
    for bar in range(2):
        for f in range(5):
            mine = [n for n in out if n[0] == f and bar * 16 <= n[2] < bar * 16 + 16]
            assert len({n[2] for n in mine}) == steps[bar, f]
            assert len(mine) <= notes[bar, f]
    assert all(e == s + 1 for f, _, s, e in out if f == 0)  # drums are hits
    assert decode_notes(p_on, p_act, [0.5] * 5, [0.5] * 5) == []  # thresholds give nothing
