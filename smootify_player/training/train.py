"""Time-budgeted training of the bridge U-Net with checkpoints, resume and optional DDP."""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..model.unet import BridgeUNet, ModelConfig, count_params, save_model
from .batches import make_batch, window_rolls
from .data import gap_windows, load_lpd5

__all__ = ["TrainOptions", "train", "loss_fn", "density_f1"]


@dataclass
class TrainOptions:
    """Options of one training run (see ``smootify train --help``)."""

    data: str
    out: str
    valid: str | None = None
    cfg: ModelConfig = field(default_factory=ModelConfig)
    batch: int = 32
    lr: float = 2e-3
    steps: int = 0
    minutes: float = 0.0
    seed: int = 0
    threads: int = 0
    max_shift: int = 5
    run_dir: str = "runs/train"
    ckpt_seconds: float = 120.0
    val_seconds: float = 300.0
    val_windows: int = 768
    resume: bool = False
    cache_dir: str | None = None
    log_every: int = 20
    focal_gamma: float = 2.0
    quiet: bool = False


def loss_fn(logits: torch.Tensor, target: torch.Tensor, kind: str,
            gamma: float = 2.0) -> torch.Tensor:
    """Loss on the gap cells: ``bce``, ``focal`` (on logits) or ``mse`` (seed, raw output)."""
    if kind == "mse":
        return F.mse_loss(logits, target)
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    if kind == "focal":
        p = torch.sigmoid(logits)
        pt = p * target + (1 - p) * (1 - target)
        return ((1 - pt) ** gamma * bce).mean() * 10.0
    return bce.mean()


def density_f1(scores: np.ndarray, target: np.ndarray) -> tuple[float, list[float]]:
    """Onset F1 when each track predicts as many onsets as it really has (top-k per track).

    Parameters
    ----------
    scores, target : np.ndarray
        (B, 5, T, P) onset scores and 0/1 targets.

    Returns
    -------
    (float, list of float)
        Pooled F1 and per-track F1.
    """
    tp_all = fp_all = fn_all = 0
    per = []
    for f in range(scores.shape[1]):
        s = scores[:, f].ravel()
        t = target[:, f].ravel() > 0.5
        k = int(t.sum())
        if k == 0:
            per.append(float("nan"))
            continue
        idx = np.argpartition(-s, k - 1)[:k]
        tp = int(t[idx].sum())
        tp_all += tp
        fp_all += k - tp
        fn_all += k - tp
        per.append(tp / k)
    f1 = 2 * tp_all / max(1, 2 * tp_all + fp_all + fn_all)
    return f1, per


def _tune_malloc() -> None:
    """Keep freed batch buffers in the glibc heap instead of returning them to the OS.

    Each step allocates tens of MB of activations; by default glibc maps and unmaps them every
    step, and the page faults cost as much system time as the convolutions. No-op elsewhere.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 * 2**20)  # M_MMAP_THRESHOLD: its maximum
        libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD
        libc.mallopt(-2, 256 * 2**20)  # M_TOP_PAD
    except (OSError, AttributeError):
        pass


def _lr_at(opt: TrainOptions, step: int, elapsed: float) -> float:
    """Cosine decay over the step or wall-clock budget, after a short warm-up."""
    frac = 0.0
    if opt.steps:
        frac = step / opt.steps
    elif opt.minutes:
        frac = elapsed / (opt.minutes * 60)
    n_warm = min(200, max(1, opt.steps // 10)) if opt.steps else 200
    warm = min(1.0, (step + 1) / n_warm)
    return opt.lr * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))


def train(opt: TrainOptions) -> dict:
    """Train a model; write checkpoints to ``run_dir`` and the best (on valid) to ``out``.

    Parameters
    ----------
    opt : TrainOptions
        What to train, on what, for how long.

    Returns
    -------
    dict
        Summary: steps, samples, wall time, samples/s, best valid F1, params.
    """
    ddp = int(os.environ.get("WORLD_SIZE", "1")) > 1
    rank, world = 0, 1
    device = torch.device("cpu")
    if ddp:
        import torch.distributed as dist

        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
        rank, world = dist.get_rank(), dist.get_world_size()
        if torch.cuda.is_available():
            local = int(os.environ.get("LOCAL_RANK", "0"))
            torch.cuda.set_device(local)
            device = torch.device("cuda", local)
    elif torch.cuda.is_available():
        device = torch.device("cuda")
    if opt.threads:
        torch.set_num_threads(opt.threads)
    _tune_malloc()
    torch.manual_seed(opt.seed)
    rng = np.random.default_rng(opt.seed + 1000 * rank)
    main = rank == 0

    def log(msg: str) -> None:
        if main and not opt.quiet:
            print(msg, flush=True)

    t_load = time.time()
    data = load_lpd5(opt.data, cache_dir=opt.cache_dir,
                     split="train" if Path(opt.data).is_dir() else None)
    windows = gap_windows(data)
    log(f"train: {data.n_songs} songs, {len(windows)} windows ({time.time() - t_load:.0f}s)")
    val = None
    if opt.valid:
        vdata = load_lpd5(opt.valid, split="valid" if Path(opt.valid).is_dir() else None)
        vwin = gap_windows(vdata)
        vidx = np.random.default_rng(12345).choice(len(vwin), min(opt.val_windows, len(vwin)),
                                                   replace=False)
        va, vo = window_rolls(vdata, vwin.start[np.sort(vidx)])
        vx, vy = make_batch(va, vo, opt.cfg)
        val = (torch.from_numpy(vx), vy)
        log(f"valid: {len(vwin)} windows, scoring {len(vidx)}")

    cfg = opt.cfg
    model = BridgeUNet(cfg).to(device)
    n_params = count_params(model)
    optim = torch.optim.AdamW(model.parameters(), lr=opt.lr, weight_decay=1e-4)
    run = Path(opt.run_dir)
    run.mkdir(parents=True, exist_ok=True)
    ckpt = run / "last.pt"
    step, elapsed, best = 0, 0.0, -1.0
    history: list[dict] = []
    if opt.resume and ckpt.exists():
        state = torch.load(ckpt, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optim"])
        step, elapsed, best = state["step"], state["elapsed"], state["best"]
        history = state.get("history", [])
        rng = np.random.default_rng([opt.seed, rank, step])
        log(f"resumed from {ckpt} at step {step} ({elapsed / 60:.1f} min)")
    net: torch.nn.Module = model
    if ddp:
        from torch.nn.parallel import DistributedDataParallel

        net = DistributedDataParallel(model, device_ids=[device.index] if device.index is not None
                                      else None)
    log(f"model: {n_params:,} params, layout={cfg.layout} ctx={cfg.ctx_bars} loss={cfg.loss}")

    def save_ckpt() -> None:
        if not main:
            return
        tmp = run / "last.pt.tmp"
        torch.save({"model": model.state_dict(), "optim": optim.state_dict(), "step": step,
                    "elapsed": elapsed, "best": best, "history": history,
                    "cfg": cfg.to_json()}, tmp)
        os.replace(tmp, ckpt)

    def validate() -> float:
        nonlocal best
        if val is None or not main:
            return float("nan")
        model.eval()
        outs, losses = [], []
        with torch.no_grad():
            for i in range(0, len(val[0]), 128):
                xb = val[0][i:i + 128].to(device)
                yb = torch.from_numpy(val[1][i:i + 128]).to(device)
                lg = model(xb)[:, :, cfg.gap_slice]
                losses.append(float(loss_fn(lg, yb, cfg.loss, opt.focal_gamma)) * len(xb))
                outs.append(lg[:, :5].float().cpu().numpy())
        model.train()
        f1, per = density_f1(np.concatenate(outs), val[1][:, :5])
        vloss = sum(losses) / len(val[0])
        history.append({"step": step, "elapsed_s": round(elapsed, 1), "val_loss": vloss,
                        "val_f1": f1, "val_f1_tracks": per})
        improved = f1 > best
        if improved:
            best = f1
            save_model(model, opt.out, {"step": str(step), "val_f1": f"{f1:.4f}",
                                        "params": str(n_params)})
        log(f"step {step} valid loss {vloss:.4f} f1 {f1:.4f} "
            f"tracks {' '.join(f'{p:.3f}' for p in per)}{' *' if improved else ''}")
        return f1

    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is in the train extra
        tqdm = None
    total = opt.steps or None
    bar = tqdm(total=total, initial=step, disable=not main or opt.quiet or tqdm is None,
               file=sys.stderr, mininterval=5, unit="step") if tqdm else None
    model.train()
    t0 = time.time() - elapsed
    last_ckpt = last_val = time.time()
    samples0 = step * opt.batch * world
    t_start = time.time()
    ema = None
    while True:
        elapsed = time.time() - t0
        stop = (opt.steps and step >= opt.steps) or (opt.minutes and elapsed >= opt.minutes * 60)
        if ddp:
            import torch.distributed as dist

            flag = torch.tensor([1.0 if stop else 0.0], device=device)
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
            stop = bool(flag.item())
        if stop:
            break
        idx = rng.integers(0, len(windows), opt.batch)
        a, o = window_rolls(data, windows.start[idx], rng, opt.max_shift)
        xn, yn = make_batch(a, o, cfg)
        x = torch.from_numpy(xn).to(device)
        y = torch.from_numpy(yn).to(device)
        for g in optim.param_groups:
            g["lr"] = _lr_at(opt, step, elapsed)
        logits = net(x)[:, :, cfg.gap_slice]
        loss = loss_fn(logits, y, cfg.loss, opt.focal_gamma)
        optim.zero_grad(set_to_none=True)
        loss.backward()
        optim.step()
        step += 1
        lv = loss.item()
        ema = lv if ema is None else 0.98 * ema + 0.02 * lv
        if bar is not None:
            bar.update(1)
            if step % opt.log_every == 0:
                bar.set_postfix(loss=f"{ema:.4f}", lr=f"{optim.param_groups[0]['lr']:.1e}")
        now = time.time()
        if now - last_val >= opt.val_seconds:
            validate()
            last_val = time.time()
        if now - last_ckpt >= opt.ckpt_seconds:
            save_ckpt()
            last_ckpt = time.time()
    if bar is not None:
        bar.close()
    elapsed = time.time() - t0
    if val is not None and (not history or history[-1]["step"] != step):
        validate()
    if val is None and main:
        save_model(model, opt.out, {"step": str(step), "params": str(n_params)})
    save_ckpt()
    wall = time.time() - t_start
    sps = (step * opt.batch * world - samples0) / max(wall, 1e-9)
    summary = {"steps": step, "samples": step * opt.batch * world, "elapsed_s": round(elapsed, 1),
               "samples_per_s": round(sps, 1), "best_val_f1": best, "params": n_params,
               "final_loss_ema": ema, "history": history}
    if main:
        (run / "summary.json").write_text(json.dumps(summary, indent=1))
        log(f"done: {step} steps, {elapsed / 60:.1f} min, {sps:.1f} samples/s, best f1 {best:.4f}")
    if ddp:
        import torch.distributed as dist

        dist.destroy_process_group()
    return summary
