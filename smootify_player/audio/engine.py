"""Engine: plays a Timeline through a Synth, sample-accurately, one block at a time."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from ..music.timeline import BEND, CC, CHANNELS_PER_BLOCK, NOTE_OFF, NOTE_ON, PROGRAM, Timeline
from .synth import Synth, open_synth

__all__ = ["Engine"]


class Engine:
    """A pull-based renderer over a :class:`Timeline`.

    ``render(n)`` returns the next ``n`` frames, applying each event just before the
    sample it sits on; the timeline may grow or be cut while the engine plays. The same
    engine serves offline rendering (WAV) and live audio sinks.

    Parameters
    ----------
    timeline : Timeline
        What to play.
    soundfont : str or Path, optional
        SoundFont file; the shipped one (or the fallback) by default.
    synth : Synth, optional
        An existing synth to reuse (its sample rate must match the timeline's).
    """

    def __init__(self, timeline: Timeline, soundfont: str | Path | None = None,
                 synth: Synth | None = None, notice=print, offline: bool = False):
        self.timeline = timeline
        self.sample_rate = timeline.sample_rate
        self.synth = synth or open_synth(soundfont, notice, sample_rate=self.sample_rate,
                                         n_channels=timeline.n_channels, offline=offline)
        self.volume = 1.0
        self.position = 0
        self._lock = threading.RLock()
        self._seg = 0
        self._ev = 0
        self._version = -1

    # ------------------------------------------------------------------ cursor
    def _sync(self) -> None:
        """Re-find the cursor after the timeline changed: events before position are done."""
        tl = self.timeline
        self._version = tl.version
        self._seg = tl.segment_index(self.position) if tl.segments else 0
        if tl.segments:
            seg = tl.segments[self._seg]
            rel = self.position - seg.start
            self._ev = int(np.searchsorted(seg.events["sample"], rel, side="left"))

    def _next_event_sample(self) -> int | None:
        segs = self.timeline.segments
        while self._seg < len(segs):
            seg = segs[self._seg]
            if self._ev < len(seg.events):
                return seg.start + int(seg.events["sample"][self._ev])
            if self._seg + 1 >= len(segs):
                return None
            self._seg += 1
            self._ev = 0
        return None

    def _apply_due(self) -> None:
        """Apply every event at or before the current position."""
        segs = self.timeline.segments
        while True:
            at = self._next_event_sample()
            if at is None or at > self.position:
                return
            seg = segs[self._seg]
            ev = seg.events[self._ev]
            self._ev += 1
            self._apply(ev, seg.block * CHANNELS_PER_BLOCK)

    def _apply(self, ev: np.void, base: int, notes: bool = True) -> None:
        kind, ch, a, b = int(ev["kind"]), base + int(ev["chan"]), int(ev["a"]), int(ev["b"])
        if kind == NOTE_ON:
            if notes:
                self.synth.noteon(ch, a, b)
        elif kind == NOTE_OFF:
            if notes:
                self.synth.noteoff(ch, a)
        elif kind == CC:
            self.synth.cc(ch, a, b)
        elif kind == PROGRAM:
            self.synth.program(ch, a)
        elif kind == BEND:
            self.synth.pitch_bend(ch, a)

    # ------------------------------------------------------------------ public
    def render(self, n_frames: int) -> np.ndarray:
        """Render the next ``n_frames`` stereo frames as float32 (n, 2).

        The timeline's lock is held only while events are applied, not while FluidSynth
        renders, so a thread editing the timeline (the player splicing in the next
        transition) never waits for audio. Edits must lie ahead of the frames being rendered.
        """
        out = np.empty((n_frames, 2), np.float32)
        with self._lock:
            done = 0
            while done < n_frames:
                with self.timeline.lock:
                    if self._version != self.timeline.version:
                        self._sync()
                    self._apply_due()
                    nxt = self._next_event_sample()
                stop = self.position + (n_frames - done)
                if nxt is not None and nxt < stop:
                    stop = nxt
                n = stop - self.position
                out[done:done + n] = self.synth.render(n)
                done += n
                self.position = stop
        if self.volume != 1.0:
            out *= self.volume
        return out

    def seek(self, sample: int) -> None:
        """Jump to ``sample``: silence, then replay programs and controllers up to it."""
        with self._lock, self.timeline.lock:
            self.synth.silence()
            self.position = int(max(0, sample))
            self._sync()
            segs = self.timeline.segments
            if not segs:
                return
            seg = segs[self._seg]
            base = seg.block * CHANNELS_PER_BLOCK
            for ev in seg.events[:self._ev]:
                self._apply(ev, base, notes=False)

    def replace_synth(self, synth: Synth) -> Synth:
        """Play through ``synth`` from now on (another soundfont); returns the old one to close.

        Waits for the block being rendered, then replays the programs and controllers in
        effect at the current position on the new synth.
        """
        with self._lock:
            old, self.synth = self.synth, synth
            self.seek(self.position)
        return old

    @property
    def finished(self) -> bool:
        """True once the position is past the end of the timeline."""
        return self.position >= self.timeline.length

    def close(self) -> None:
        self.synth.close()
