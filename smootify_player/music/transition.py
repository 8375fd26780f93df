"""Join two songs: the BridgeContext around a MixPlan and the Bridge composed for it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .bridge import (
    CONTEXT_BARS,
    Bridge,
    BridgeComposer,
    BridgeContext,
    RuleComposer,
    arrange,
    fill_silences,
)
from .families import DRUMS
from .song import Song

if TYPE_CHECKING:
    from .mixpoint import MixPlan

__all__ = ["bridge_context", "compose_bridge"]


def bridge_context(a: Song, b: Song, exit_bar: int, entry_bar: int,
                   tempo_from: float | None = None, tempo_to: float | None = None,
                   seed: int = 0) -> BridgeContext:
    """What a composer sees of A before ``exit_bar`` and of B from ``entry_bar``."""
    lo_a = exit_bar - CONTEXT_BARS
    hi_b = entry_bar + CONTEXT_BARS
    before_active, before_onset = a.pianoroll(lo_a, exit_bar)
    after_active, after_onset = b.pianoroll(entry_bar, hi_b)
    return BridgeContext(
        before_active=before_active, before_onset=before_onset,
        after_active=after_active, after_onset=after_onset,
        programs_a=a.programs(lo_a, exit_bar), programs_b=b.programs(entry_bar, hi_b),
        velocity_a=a.velocities(lo_a, exit_bar), velocity_b=b.velocities(entry_bar, hi_b),
        key_a=a.key_at(exit_bar - 4), key_b=b.key_at(entry_bar + 4),
        tempo_a=float(tempo_from if tempo_from is not None else a.bar_tempo[exit_bar - 1]),
        tempo_b=float(tempo_to if tempo_to is not None else b.bar_tempo[entry_bar]),
        before_bars=min(CONTEXT_BARS, exit_bar),
        after_bars=min(CONTEXT_BARS, b.n_bars - entry_bar),
        seed=seed,
        steps_a=a.typical_bar_steps(exit_bar - CONTEXT_BARS, exit_bar, near_end=True),
        steps_b=b.typical_bar_steps(entry_bar, entry_bar + CONTEXT_BARS),
        voices_a=tuple(a.voices(exit_bar - 2, exit_bar, state_at=exit_bar)),
        voices_b=tuple(b.voices(entry_bar, entry_bar + 2)),
    )


def compose_bridge(a: Song, b: Song, plan: MixPlan, composer: BridgeComposer,
                   seed: int = 0) -> Bridge:
    """Compose the bridge for ``plan`` and arrange it in the songs' meters and instruments.

    A composer that fails, or that leaves out every pitched note while the songs have some,
    is replaced by the rule composer: a bridge never goes silent.
    """
    ctx = bridge_context(a, b, plan.exit_bar, plan.entry_bar, plan.tempo_from, plan.tempo_to,
                         seed)
    t = time.perf_counter()
    try:
        bridge = composer.compose(ctx)
    except Exception:  # a broken model must not stop the music
        if isinstance(composer, RuleComposer):
            raise
        bridge = RuleComposer().compose(ctx)
    if bridge.n_bars and not any(n.family != DRUMS for n in bridge.notes) and \
            not isinstance(composer, RuleComposer):
        rule = RuleComposer().compose(ctx)
        if any(n.family != DRUMS for n in rule.notes):
            bridge = Bridge(notes=rule.notes, programs=rule.programs, composer=bridge.composer)
    bridge = arrange(fill_silences(bridge), ctx)
    bridge.timings_ms = (time.perf_counter() - t) * 1000.0
    return bridge
