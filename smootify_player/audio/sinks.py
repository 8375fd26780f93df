"""Offline sinks: render a Timeline to a WAV file, or write it as one MIDI file."""

from __future__ import annotations

import time
import wave
from collections.abc import Callable
from pathlib import Path

import mido
import numpy as np

from ..atomic import atomic_write, atomic_write_bytes
from ..music.timeline import BEND, CC, NOTE_OFF, NOTE_ON, PROGRAM, Timeline
from .engine import Engine

__all__ = ["render_wav", "render_array", "write_midi", "atomic_write", "atomic_write_bytes"]

BLOCK = 4096
TAIL_S = 1.5  # releases and reverb after the last segment


def render_array(engine: Engine, tail_s: float = TAIL_S) -> np.ndarray:
    """Render the whole timeline (plus a release tail) to float32 (n, 2)."""
    total = engine.timeline.length + int(tail_s * engine.sample_rate)
    out = np.empty((max(total - engine.position, 0), 2), np.float32)
    i = 0
    while i < len(out):
        n = min(BLOCK, len(out) - i)
        out[i:i + n] = engine.render(n)
        i += n
    return out


def render_wav(timeline: Timeline, path: str | Path, soundfont: str | Path | None = None,
               notice: Callable[[str], None] = print) -> dict:
    """Render ``timeline`` through FluidSynth into a 16-bit stereo WAV file (written atomically).

    Blocks go to disk as they are rendered, so memory stays flat however long the mix.

    Returns
    -------
    dict
        ``seconds`` of audio, ``render_s`` wall time, ``speed`` (× real time) and the
        ``soundfont`` used.
    """
    engine = Engine(timeline, soundfont, notice=notice, offline=True)
    frames = 0
    t = time.perf_counter()

    def write(f) -> None:
        nonlocal frames
        total = engine.timeline.length + int(TAIL_S * engine.sample_rate)
        with wave.open(f, "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(timeline.sample_rate)
            while frames < total:
                n = min(BLOCK * 4, total - frames)
                block = engine.render(n)
                w.writeframes((np.clip(block, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())
                frames += n

    try:
        atomic_write(path, write)
    finally:
        engine.close()
    elapsed = time.perf_counter() - t
    seconds = frames / timeline.sample_rate
    return {"seconds": seconds, "render_s": elapsed, "speed": seconds / max(elapsed, 1e-9),
            "soundfont": str(engine.synth.soundfont)}


def write_midi(timeline: Timeline, path: str | Path, ticks_per_beat: int = 480,
               bpm: float = 120.0) -> None:
    """Write the timeline as one type-1 MIDI file: a track per segment, time-placed events.

    Every segment re-uses channels 0-15 (its programs are set at its start); a note that
    ends exactly at a cut is ended a tick early so the next segment's notes are never cut.
    """
    sr = timeline.sample_rate
    ticks_per_s = ticks_per_beat * bpm / 60.0
    mf = mido.MidiFile(type=1, ticks_per_beat=ticks_per_beat)
    meta = mido.MidiTrack()
    meta.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    meta.append(mido.MetaMessage("track_name", name="Smootify mix", time=0))
    mf.tracks.append(meta)
    with timeline.lock:
        segments = list(timeline.segments)
    for seg in segments:
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=f"{seg.kind}: {seg.label}"[:60], time=0))
        end_tick = int(round(seg.end / sr * ticks_per_s))
        chan_map = _fold_channels(seg.events["chan"])
        msgs: list[tuple[int, int, mido.Message]] = []
        last_on: dict[tuple[int, int], int] = {}
        for ev in seg.events:
            tick = int(round((seg.start + int(ev["sample"])) / sr * ticks_per_s))
            kind, ch, a, b = int(ev["kind"]), chan_map[int(ev["chan"])], int(ev["a"]), int(ev["b"])
            if kind == NOTE_ON:
                last_on[(ch, a)] = tick
                msg = mido.Message("note_on", channel=ch, note=a, velocity=b)
            elif kind == NOTE_OFF:
                # Never before its note-on: a note shorter than a tick lasts one tick.
                tick = max(min(tick, end_tick - 1), last_on.get((ch, a), -1) + 1)
                msg = mido.Message("note_off", channel=ch, note=a, velocity=0)
            elif kind == CC:
                msg = mido.Message("control_change", channel=ch, control=a, value=b)
            elif kind == PROGRAM:
                msg = mido.Message("program_change", channel=ch, program=a)
            elif kind == BEND:
                msg = mido.Message("pitchwheel", channel=ch, pitch=int(np.clip(a, -8192, 8191)))
            else:
                continue
            msgs.append((tick, kind, msg))
        msgs.sort(key=lambda m: (m[0], m[1]))
        last = 0
        for tick, _, msg in msgs:
            track.append(msg.copy(time=max(tick - last, 0)))
            last = max(tick, last)
        mf.tracks.append(track)

    def write(f) -> None:
        mf.save(file=f)

    atomic_write(path, write)


def _fold_channels(chans: np.ndarray) -> dict[int, int]:
    """Map a segment's channels (up to two blocks, as in a crossfade) onto the 16 of a file.

    The first block keeps its channels; the second takes the channels the first leaves
    free (drums stay on 9), sharing only when more than 16 are needed.
    """
    used = sorted({int(c) for c in np.unique(chans)})
    mapping = {c: c for c in used if c < 16}
    free = [c for c in range(16) if c not in mapping and c != 9]
    for c in (c for c in used if c >= 16):
        if c % 16 == 9:
            mapping[c] = 9
        elif free:
            mapping[c] = free.pop(0)
        else:
            mapping[c] = c % 16
    return mapping
