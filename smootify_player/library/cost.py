"""Transition cost between songs from cached features: key, tempo, texture and meter."""

from __future__ import annotations

import numpy as np

from ..music.families import N_FAMILIES
from .catalog import Catalog
from .features import key_name

__all__ = ["COST_WEIGHTS", "KEY_STEP_COST", "NO_KEY_COST", "fifths", "join_costs",
           "cost_matrix", "reason"]

#: Weights of the parts of the cost (they sum to 1, so the cost lies in [0, 1]).
COST_WEIGHTS: dict[str, float] = {"key": 0.40, "tempo": 0.30, "texture": 0.15, "meter": 0.15}
#: Cost of the steps (0-6) between two keys' relative majors on the circle of fifths: up to
#: two steps the keys go together (as the mix-point scorer's ``key_fit`` says), then clash.
KEY_STEP_COST = np.array([0.0, 0.1, 0.25, 0.7, 0.85, 0.95, 1.0])
#: Key cost when a side has no pitched note to tell its key (drums only).
NO_KEY_COST = 0.3
#: Tempo ratio scale: the cost is ``1 - exp(-|log2(ratio)| / TEMPO_SCALE)``.
TEMPO_SCALE = 0.2


def fifths(key: np.ndarray) -> np.ndarray:
    """Circle-of-fifths position (0-11) of each key index's relative major."""
    key = np.asarray(key, np.int64)
    major = np.where(key >= 12, (key % 12 + 3) % 12, key % 12)
    return (major * 7) % 12


def _parts(cat: Catalog, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """Each cost part for every pair (a[i], b[j]): A's tail against B's head, (len a, len b)."""
    a = np.asarray(a, np.int64)[:, None]
    b = np.asarray(b, np.int64)[None, :]
    d = np.abs(fifths(cat.key_tail[a]) - fifths(cat.key_head[b])) % 12
    d = np.minimum(d, 12 - d)
    keyed = (cat.conf_tail[a] > 0) & (cat.conf_head[b] > 0)
    key = np.where(keyed, KEY_STEP_COST[d], NO_KEY_COST)
    ratio = np.abs(np.log2(np.maximum(cat.tempo_tail[a], 1e-3)
                           / np.maximum(cat.tempo_head[b], 1e-3)))
    tempo = 1.0 - np.exp(-ratio / TEMPO_SCALE)
    ta, tb = cat.texture[a[:, 0], N_FAMILIES + 1:], cat.texture[b[0], :N_FAMILIES + 1]
    presence = np.abs(ta[:, None, :N_FAMILIES] - tb[None, :, :N_FAMILIES]).mean(-1)
    dens = np.abs(np.log1p(ta[:, None, N_FAMILIES]) - np.log1p(tb[None, :, N_FAMILIES]))
    texture = 0.5 * presence + 0.5 * (1.0 - np.exp(-dens))
    ma, mb = cat.meter_tail[a[:, 0]], cat.meter_head[b[0]]
    same = (ma[:, None, 0] == mb[None, :, 0]) & (ma[:, None, 1] == mb[None, :, 1])
    qa = 4.0 * ma[:, 0] / np.maximum(ma[:, 1], 1)
    qb = 4.0 * mb[:, 0] / np.maximum(mb[:, 1], 1)
    same_length = np.abs(qa[:, None] - qb[None, :]) < 1e-9
    meter = np.where(same, 0.0, np.where(same_length, 0.5, 1.0))
    return {"key": key, "tempo": tempo, "texture": texture, "meter": meter}


def _total(parts: dict[str, np.ndarray]) -> np.ndarray:
    return sum((COST_WEIGHTS[k] * v for k, v in parts.items()), np.zeros(()))


def join_costs(cat: Catalog, a: int, b: np.ndarray | None = None
               ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Cost (0 best, 1 worst) of joining song ``a`` into each of ``b`` (default: all).

    Returns
    -------
    cost : np.ndarray
        (len(b),) weighted sum of the parts.
    parts : dict
        ``key``, ``tempo``, ``texture``, ``meter``, each (len(b),) in [0, 1].
    """
    b = np.arange(len(cat)) if b is None else np.asarray(b, np.int64)
    parts = {k: v[0] for k, v in _parts(cat, np.array([a]), b).items()}
    return _total(parts), parts


def cost_matrix(cat: Catalog, rows: np.ndarray) -> np.ndarray:
    """(n, n) cost of joining ``rows[i]`` into ``rows[j]`` (the diagonal is not used)."""
    rows = np.asarray(rows, np.int64)
    out = _total(_parts(cat, rows, rows))
    return np.asarray(out, np.float64)


def _bpm(x: float) -> str:
    return f"{x:.0f}"


def reason(cat: Catalog, a: int, b: int) -> str:
    """Why ``b`` follows ``a``, in words: ``"Eb major → Bb major, 120 → 118 BPM"`` (and the
    meters when they differ)."""
    text = (f"{key_name(int(cat.key_tail[a]))} → {key_name(int(cat.key_head[b]))}, "
            f"{_bpm(float(cat.tempo_tail[a]))} → {_bpm(float(cat.tempo_head[b]))} BPM")
    ma, mb = cat.meter_tail[a], cat.meter_head[b]
    if tuple(ma) != tuple(mb):
        text += f", {ma[0]}/{ma[1]} → {mb[0]}/{mb[1]}"
    return text
