"""A tiny training run lowers the loss; checkpoints resume; evaluate writes the contract JSON."""

from __future__ import annotations

import argparse
import json

from smootify_player.model.unet import ModelConfig, load_model
from smootify_player.training import commands
from smootify_player.training.train import TrainOptions, train

TINY = [8, 8, 16, 16]


def _opts(synth_npz, tmp_path, **kw) -> TrainOptions:
    cfg = ModelConfig(ctx_bars=1, channels=TINY, shortcut=True)
    base = dict(data=str(synth_npz), valid=str(synth_npz), out=str(tmp_path / "m.safetensors"),
                cfg=cfg, batch=8, lr=5e-3, steps=40, threads=1, run_dir=str(tmp_path / "run"),
                val_seconds=0.0, val_windows=16, quiet=True, seed=0)
    base.update(kw)
    return TrainOptions(**base)


def test_tiny_training_lowers_loss_and_resumes(synth_npz, tmp_path):
    summary = train(_opts(synth_npz, tmp_path))
    hist = summary["history"]
    assert summary["steps"] == 40 and summary["samples_per_s"] > 0
    assert hist[-1]["val_loss"] < 0.5 * hist[0]["val_loss"]
    model, meta = load_model(tmp_path / "m.safetensors")
    assert model.cfg.channels == TINY and "val_f1" in meta
    again = train(_opts(synth_npz, tmp_path, steps=45, resume=True))
    assert again["steps"] == 45 and len(again["history"]) > len(hist)


def test_train_and_evaluate_commands(synth_npz, tmp_path):
    ap = argparse.ArgumentParser()
    commands.add_train_args(ap)
    out = tmp_path / "w" / "u.safetensors"
    args = ap.parse_args(["--data", str(synth_npz), "--valid", str(synth_npz), "--out", str(out),
                          "--steps", "6", "--channels", "8,8,16,16", "--batch", "4",
                          "--threads", "1", "--run-dir", str(tmp_path / "r"), "--quiet",
                          "--val-windows", "8"])
    assert commands.run_train(args) == 0
    model, _ = load_model(out)
    assert len(model.cfg.onset_threshold) == 5
    ap = argparse.ArgumentParser()
    commands.add_evaluate_args(ap)
    js = tmp_path / "eval.json"
    args = ap.parse_args(["--data", str(synth_npz), "--limit", "12", "--seed", "3", "--json",
                          str(js), "--weights", str(out), "--seed-weights", str(out),
                          "--pairs", "6"])
    assert commands.run_evaluate(args) == 0
    res = json.loads(js.read_text())
    for name in ("unet", "seed_unet", "empty", "repeat_last", "copy_next", "blend"):
        assert "note_f1" in res["methods"][name]
    assert res["methods"]["repeat_last"]["note_f1"] == 1.0  # the songs repeat one bar
    assert res["methods"]["empty"]["note_f1"] == 0.0
    assert res["methods"]["unet"]["latency_ms"] > 0
    assert res["model"]["params"] > 0
