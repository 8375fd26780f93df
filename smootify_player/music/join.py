"""Join two songs on a Timeline: the one builder behind the CLI's mix and the live player."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum

from .bridge import Bridge, BridgeComposer
from .families import N_FAMILIES
from .mixpoint import MixPlan
from .song import Song
from .timeline import NOTE_ON, Segment, Timeline
from .transition import compose_bridge

__all__ = ["CROSSFADE_BARS", "MIN_PLAY_BARS", "JoinMode", "Join", "add_join"]

#: Bars a song plays at least between its entry bar and its exit bar.
MIN_PLAY_BARS = 8
#: Bars of A and of B that overlap in a crossfade.
CROSSFADE_BARS = 2


class JoinMode(str, Enum):
    """How two songs are joined; the values are the CLI's ``--bridge`` names."""

    MODEL = "unet"
    RULE = "rule"
    CROSSFADE = "crossfade"
    CUT = "none"


@dataclass
class Join:
    """What :func:`add_join` appended for one MixPlan.

    Attributes
    ----------
    plan : MixPlan
        Where A leaves and B enters.
    mode : str
        The composer's name (``unet``, ``rule``, ``none``) or ``crossfade``.
    bridge : Bridge
        The composed bridge (no bars for a crossfade or a cut).
    segments : tuple
        A's segment up to the join, the join's segment (None for a cut), B's segment from
        its entry to its end.
    n_notes : int
        Notes played inside the join.
    ms : float
        Time spent composing the join.
    """

    plan: MixPlan
    mode: str
    bridge: Bridge
    segments: tuple[Segment, Segment | None, Segment]
    n_notes: int
    ms: float


def add_join(timeline: Timeline, a: Song, b: Song, plan: MixPlan,
             composer: BridgeComposer | None, from_bar: int = 0, seed: int = 0) -> Join:
    """Append A from ``from_bar``, the join at ``plan``, and B from its entry to its end.

    With ``composer`` None the join is a beat-matched crossfade of A's last
    :data:`CROSSFADE_BARS` bars before the exit under B's first bars after the entry (A is
    cut that much earlier and B goes on after them); otherwise it is the composer's bridge,
    laid out in A's and B's meters on their instruments (a composer of no bars is a cut).
    """
    if composer is None:
        bars = min(CROSSFADE_BARS, plan.exit_bar - from_bar - 1, b.n_bars - plan.entry_bar - 1)
        bars = max(bars, 0)
        t = time.perf_counter()
        cut = timeline.add_song(a, from_bar, max(plan.exit_bar - bars, from_bar + 1))
        seg = timeline.add_crossfade(a, b, plan.exit_bar - bars, plan.entry_bar,
                                     plan.tempo_from, plan.tempo_to, bars) if bars else None
        song = timeline.add_song(b, plan.entry_bar + bars)
        bridge = Bridge(notes=[], programs=(None,) * N_FAMILIES, composer="crossfade", n_bars=0)
        n_notes = int((seg.events["kind"] == NOTE_ON).sum()) if seg is not None else 0
        return Join(plan, JoinMode.CROSSFADE.value, bridge, (cut, seg, song), n_notes,
                    (time.perf_counter() - t) * 1000.0)
    bridge = compose_bridge(a, b, plan, composer, seed=seed)
    cut = timeline.add_song(a, from_bar, max(plan.exit_bar, from_bar + 1))
    seg = timeline.add_bridge(bridge, a, b, plan.tempo_from, plan.tempo_to)
    song = timeline.add_song(b, plan.entry_bar)
    return Join(plan, bridge.composer, bridge, (cut, seg, song), len(bridge.notes),
                bridge.timings_ms)
