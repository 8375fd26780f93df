"""Joins as listeners rate them: the plan of a join that played, and the blind listening test.

- :class:`JoinRecord`: what is stored with a rating (the songs, their content hashes, exit
  and entry bars, method, join mode, model file and checksum), read from the live timeline
  by :meth:`Player.last_join <smootify_player.player.Player.last_join>`.
- :class:`ListeningTest`: each join gets a mix-point method and a join mode drawn from a
  seeded, balanced design (every combination once per block, blocks shuffled), hidden from
  the listener, as the original study did (a 5-point opinion score per join).
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..data import data_path
from ..music.mixpoint import METHODS
from .settings import TRANSITIONS

__all__ = ["JoinRecord", "ListeningTest", "TEST_MODES", "model_identity"]

#: Join modes (transition settings) a listening test compares by default.
TEST_MODES: tuple[str, ...] = ("ai", "rule", "crossfade")
#: The shipped model's weights, named in a record of a join the model composed.
WEIGHTS = ("weights", "bridge_unet.safetensors")


@lru_cache(maxsize=8)
def model_identity(path: str | None = None) -> tuple[str, str]:
    """(file name, first 16 hex digits of its SHA-256) of the bridge model's weights."""
    p = Path(path) if path else data_path(*WEIGHTS)
    try:
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return p.name, h.hexdigest()[:16]
    except OSError:
        return p.name, ""


@dataclass
class JoinRecord:
    """The plan of one join that played: what a rating is stored with."""

    a_path: str
    a_digest: str
    a_title: str
    b_path: str
    b_digest: str
    b_title: str
    exit_bar: int
    entry_bar: int
    method: str
    mode: str  # the join mode played: unet, rule, crossfade, none (a cut)
    score: float
    tempo_from: float
    tempo_to: float
    fallback: bool = False  # built on the spot because the planned join was late
    model_file: str = ""
    model_version: str = ""  # checksum of the weights (unet joins only)
    assigned: str = ""  # a listening test's "method/transition" for this join
    parts: dict[str, float] = field(default_factory=dict)
    seconds_since: float = 0.0  # 0 while the join plays, else seconds since it ended

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        d = asdict(self)
        d["score"] = round(float(self.score), 4)
        d["parts"] = {k: round(float(v), 4) for k, v in self.parts.items()}
        return d


@dataclass
class ListeningTest:
    """A blind listening test: the method and join mode of each join, seeded and balanced.

    Join ``k`` gets :meth:`choice` ``(k)``; every block of ``len(methods) * len(modes)``
    joins plays each combination once, in a shuffled order, so any prefix of the test is
    within one of balanced.

    Parameters
    ----------
    seed : int
        Seed of the design; the same seed gives the same joins.
    methods : tuple of str
        Mix-point methods compared (``music.mixpoint.METHODS``).
    modes : tuple of str
        Transition settings compared (``ai``, ``rule``, ``crossfade``, ``cut``).
    name : str
        The session's name, stored with its ratings.
    """

    seed: int = 0
    methods: tuple[str, ...] = METHODS
    modes: tuple[str, ...] = TEST_MODES
    name: str = ""

    def __post_init__(self) -> None:
        bad = [m for m in self.methods if m not in METHODS]
        if bad or not self.methods or not self.modes:
            raise ValueError(f"listening test: unknown methods {bad}" if bad
                             else "listening test: no methods or modes")
        if not self.name:
            self.name = f"test-{self.seed}"

    @property
    def combinations(self) -> list[tuple[str, str]]:
        return list(itertools.product(self.methods, self.modes))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (a running test is kept with the listener's session)."""
        return {"seed": int(self.seed), "methods": list(self.methods),
                "modes": list(self.modes), "name": self.name}

    @classmethod
    def from_dict(cls, d: Any) -> ListeningTest:
        """The test :meth:`to_dict` wrote (ValueError with a one-line reason when unusable)."""
        if not isinstance(d, dict):
            raise ValueError("listening test is not an object")
        seed, name = d.get("seed"), d.get("name", "")
        methods, modes = d.get("methods", list(METHODS)), d.get("modes", list(TEST_MODES))
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 1 << 63:
            raise ValueError(f"listening test seed {seed!r} is not a whole number")
        if not isinstance(name, str) or len(name) > 200:
            raise ValueError("listening test name unreadable")
        for what, v in (("methods", methods), ("modes", modes)):
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise ValueError(f"listening test {what} are not a list of names")
        unknown = [m for m in modes if m not in TRANSITIONS and m not in TEST_MODES]
        if unknown:
            raise ValueError(f"listening test: unknown modes {unknown}")
        return cls(seed=seed, methods=tuple(methods), modes=tuple(modes), name=name)

    def choice(self, k: int) -> tuple[str, str]:
        """(method, transition) of join ``k`` (0-based)."""
        combos = self.combinations
        block, i = divmod(max(int(k), 0), len(combos))
        order = np.random.default_rng([int(self.seed) & 0xFFFFFFFF, block]).permutation(
            len(combos))
        return combos[int(order[i])]

