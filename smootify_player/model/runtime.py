"""The bridge U-Net's forward pass in numpy: the player composes bridges without torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .config import DIGEST_KEY, N_TRACKS, ModelConfig, in_channels, tensor_digest

__all__ = ["NumpyUNet", "load_runtime", "read_weights", "verify_digest"]

_BN_EPS = 1e-5
_SLOPE = 0.2


def _fold(w: np.ndarray, p: dict[str, np.ndarray], bn: str) -> tuple[np.ndarray, np.ndarray]:
    """A bias-free conv followed by eval-mode BatchNorm, as one conv with a bias."""
    scale = p[f"{bn}.weight"] / np.sqrt(p[f"{bn}.running_var"] + _BN_EPS)
    bias = p[f"{bn}.bias"] - p[f"{bn}.running_mean"] * scale
    return (w * scale[:, None, None, None]).astype(np.float32), bias.astype(np.float32)


_CONTROLLER = None


def _one_blas_thread():
    """A context that limits numpy's BLAS to one thread (the controller is made once)."""
    global _CONTROLLER
    from threadpoolctl import ThreadpoolController

    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


def _leaky(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, _SLOPE * x)


def _time_taps(w: np.ndarray) -> np.ndarray:
    """A (O, C, 3, 1) kernel as its three (O, C) taps, contiguous: (3, O, C)."""
    return np.ascontiguousarray(w[:, :, :, 0].transpose(2, 0, 1))


def _pitch_matrix(w: np.ndarray) -> np.ndarray:
    """A (O, C, 1, k) kernel as one contiguous (O, C * k) matrix (made once, not per call)."""
    return np.ascontiguousarray(w[:, :, 0, :].reshape(w.shape[0], -1))


def _conv_time(x: np.ndarray, taps: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(C, T, P) -> (O, T, P): a (3, 1) convolution over time (:func:`_time_taps`),
    zero-padded."""
    c, t, p = x.shape
    xp = np.zeros((c, t + 2, p), np.float32)
    xp[:, 1:-1] = x
    # A time shift of the padded input is a (C, T*P) view: three products, no column copy.
    out = taps[0] @ xp[:, 0:t].reshape(c, t * p)
    for k in (1, 2):
        out += taps[k] @ xp[:, k:k + t].reshape(c, t * p)
    out = out.reshape(-1, t, p)
    out += b[:, None, None]
    return out


def _conv_pitch(x: np.ndarray, wmat: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(C, T, P) -> (O, T, P): a (1, k) convolution over pitch (:func:`_pitch_matrix`),
    zero-padded."""
    c, t, p = x.shape
    k = wmat.shape[1] // c
    xp = np.zeros((c, t, p + k - 1), np.float32)
    xp[:, :, k // 2:k // 2 + p] = x
    cols = np.stack([xp[:, :, j:j + p] for j in range(k)], 1)  # (C, k, T, P)
    out = (wmat @ cols.reshape(c * k, t * p)).reshape(-1, t, p)
    out += b[:, None, None]
    return out


def _conv1x1(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(C, T, P) -> (O, T, P) with an (O, C) matrix."""
    c, t, p = x.shape
    return (w @ x.reshape(c, t * p)).reshape(-1, t, p) + b[:, None, None]


def _pool(x: np.ndarray) -> np.ndarray:
    """2x2 max pooling (odd edges dropped, as torch does)."""
    c, t, p = x.shape
    x = x[:, :t // 2 * 2, :p // 2 * 2]
    # Four strided views: far faster than a max-reduce over two non-adjacent axes.
    return np.maximum(np.maximum(x[:, 0::2, 0::2], x[:, 0::2, 1::2]),
                      np.maximum(x[:, 1::2, 0::2], x[:, 1::2, 1::2]))


def _up(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """2x2 transposed convolution with stride 2: (C, T, P) -> (O, 2T, 2P)."""
    c, t, p = x.shape
    o = w.shape[1]
    y = w.reshape(c, o * 4).T @ x.reshape(c, t * p)  # (O*2*2, T*P)
    y = y.reshape(o, 2, 2, t, p).transpose(0, 3, 1, 4, 2).reshape(o, 2 * t, 2 * p)
    return y + b[:, None, None]


class NumpyUNet:
    """:class:`~.unet.BridgeUNet` in eval mode, computed with numpy (BatchNorm folded in).

    Call it like the torch model: ``logits = net(x)`` for an input canvas ``x`` of shape
    (B, C, T, P); the result is (B, 10, T, P) float32. It holds no framework state, so it
    loads in milliseconds and costs a few MB.
    """

    def __init__(self, cfg: ModelConfig, params: dict[str, np.ndarray]) -> None:
        self.cfg = cfg
        p = {k: np.asarray(v, np.float32) for k, v in params.items()}
        n_blocks = len(cfg.channels) - 1

        def block(prefix: str) -> tuple[np.ndarray, ...]:
            w1, b1 = _fold(p[f"{prefix}.net.0.weight"], p, f"{prefix}.net.1")
            w2, b2 = _fold(p[f"{prefix}.net.3.weight"], p, f"{prefix}.net.4")
            return _time_taps(w1), b1, _pitch_matrix(w2), b2

        def one_by_one(name: str) -> tuple[np.ndarray, np.ndarray]:
            return np.ascontiguousarray(p[f"{name}.weight"][:, :, 0, 0]), p[f"{name}.bias"]

        self.enc = [block(f"enc.{i}") for i in range(n_blocks)]
        self.mid = block("mid")
        self.up = [(p[f"up.{i}.weight"], p[f"up.{i}.bias"]) for i in range(n_blocks)]
        self.dec = [block(f"dec.{i}") for i in range(n_blocks)]
        self.head = one_by_one("head")
        self.shortcut = one_by_one("shortcut") if cfg.shortcut else None
        if self.enc[0][0].shape[2] != in_channels(cfg) or self.head[0].shape[0] != 2 * N_TRACKS:
            raise ValueError("weights do not match their config")

    @staticmethod
    def _block(x: np.ndarray, blk: tuple[np.ndarray, ...], lo: int = 0, hi: int | None = None,
               start: int = 0) -> np.ndarray:
        """One conv block: output steps [lo, hi) of a level whose steps [start, start +
        len(x)) are in ``x``. ``x`` must hold the steps either side of them where the level
        has them (the time convolution reads one each side; the pitch one none)."""
        w1, b1, w2, b2 = blk
        hi = start + x.shape[1] if hi is None else hi
        mid = _conv_time(x, w1, b1)[:, lo - start:hi - start]
        return _leaky(_conv_pitch(_leaky(mid), w2, b2))

    def _one(self, x: np.ndarray, rows: slice | None = None) -> np.ndarray:
        inp = x
        skips = []
        for blk in self.enc:
            x = self._block(x, blk)
            skips.append(x)
            x = _pool(x)
        x = self._block(x, self.mid)
        # The steps each decoder level must output, from the last (the rows asked for)
        # back: a block needs its input one step either side, an upsampling halves them.
        levels = [s.shape[1] for s in reversed(skips)]
        lo, hi = (rows.start, rows.stop) if rows is not None else (0, levels[-1])
        want = [(0, 0)] * len(levels)
        for i in range(len(levels) - 1, -1, -1):
            want[i] = (lo, hi)
            lo, hi = max(lo - 1, 0) // 2, (min(hi + 1, levels[i]) + 1) // 2
        have = 0  # the first step of the level below that ``x`` holds
        for i, ((wu, bu), blk, skip) in enumerate(zip(self.up, self.dec, reversed(skips))):
            lo, hi = want[i]
            a, b = max(lo - 1, 0), min(hi + 1, levels[i])  # the input steps the block reads
            below = x[:, a // 2 - have:(b + 1) // 2 - have]
            up = _up(below, wu, bu)[:, a - 2 * (a // 2):][:, :b - a]
            x = self._block(np.concatenate([up, skip[:, a:b]], 0), blk, lo, hi, a)
            have = lo
        if rows is not None:
            inp = inp[:, rows]
        out = _conv1x1(x, *self.head)
        if self.shortcut is not None:
            out = out + _conv1x1(np.ascontiguousarray(inp), *self.shortcut)
        return out

    def __call__(self, x: np.ndarray, rows: slice | None = None) -> np.ndarray:
        """Logits (B, 10, T, P) of canvases ``x``; with ``rows``, of those time steps only
        (the gap: the decoder then computes only the steps they depend on, the same
        numbers)."""
        x = np.asarray(x, np.float32)
        if rows is not None:
            rows = slice(*rows.indices(x.shape[2])[:2])
        # One BLAS thread: the matrices are small, and spare threads only fight the synth
        # and the app for the cores.
        with _one_blas_thread():
            return np.stack([self._one(xi, rows) for xi in x]).astype(np.float32)


def verify_digest(meta: dict[str, str], params: dict[str, np.ndarray]) -> None:
    """Raise ``ValueError`` when the tensors do not match the file's checksum.

    Damage inside the tensor data leaves a file that loads but composes nonsense (or
    nothing); the checksum catches it. Files written before checksums pass unchecked.
    """
    want = meta.get(DIGEST_KEY)
    if want and tensor_digest(params) != want:
        raise ValueError("tensor checksum mismatch (the file is damaged)")


def read_weights(path: str | Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The tensors (numpy) and metadata of a weights file, checksum verified.

    Raises
    ------
    FileNotFoundError
        When the file is missing.
    ValueError
        With a one-line message when the file is unusable.
    """
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"bridge weights not found: {path}")
    try:
        with safe_open(str(path), framework="numpy") as f:
            meta = dict(f.metadata() or {})
            params = {k: f.get_tensor(k) for k in f.keys()}
        verify_digest(meta, params)
        ModelConfig.from_json(meta["config"])
    except Exception as exc:  # re-raised as one clear error
        raise _corrupt(path, exc) from exc
    return params, meta


def _corrupt(path: Path, exc: BaseException) -> ValueError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return ValueError(f"corrupt bridge weights {path.name}: {first}")


def load_runtime(path: str | Path) -> tuple[NumpyUNet, dict[str, str]]:
    """Load weights written by :func:`~.unet.save_model` for numpy inference (raises as
    :func:`read_weights` does)."""
    params, meta = read_weights(path)
    try:
        return NumpyUNet(ModelConfig.from_json(meta["config"]), params), meta
    except Exception as exc:  # re-raised as one clear error
        raise _corrupt(Path(path), exc) from exc
