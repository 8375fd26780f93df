"""FluidSynth through pyfluidsynth: soundfont lookup and a synth with many channel blocks."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..data import data_path
from . import sfcache

__all__ = ["SynthError", "Synth", "find_soundfont", "open_synth", "is_soundfont",
           "shipped_soundfont", "fallback_soundfont"]



class SynthError(RuntimeError):
    """FluidSynth or a soundfont could not be used; the message is one line."""


def shipped_soundfont() -> Path:
    """The General MIDI soundfont shipped in ``soundfonts/``."""
    return data_path("soundfonts", "MuseScore_General_Lite.sf3")


def fallback_soundfont() -> Path | None:
    """pretty_midi's bundled TimGM6mb.sf2, or Debian's copy, if present."""
    try:
        import pretty_midi

        p = Path(pretty_midi.__file__).parent / "TimGM6mb.sf2"
        if p.is_file():
            return p
    except ImportError:
        pass
    deb = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
    return deb if deb.is_file() else None


def is_soundfont(path: str | Path) -> bool:
    """True when ``path`` is a regular file that starts like a SoundFont (RIFF ... sfbk)."""
    p = Path(path)
    try:
        if not p.is_file():
            return False
        with p.open("rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return head[:4] == b"RIFF" and head[8:12] == b"sfbk"


def find_soundfont(path: str | Path | None = None,
                   notice: Callable[[str], None] = print) -> Path:
    """Resolve the soundfont to use: ``path``, else the shipped one, else the fallback.

    A requested soundfont that is missing or is not a SoundFont (a MIDI file chosen by
    mistake, random bytes) is explained through ``notice`` together with what is used
    instead: the shipped soundfont, else the fallback.
    """
    wanted = Path(path) if path else Path(os.environ.get("SMOOTIFY_SOUNDFONT", shipped_soundfont()))
    if is_soundfont(wanted):
        return wanted
    why = "not found" if not wanted.exists() else "is not a SoundFont"
    for other in (shipped_soundfont(), fallback_soundfont()):
        if other is not None and other != wanted and is_soundfont(other):
            notice(f"smootify: soundfont {wanted.name} {why}; using {other.name} instead")
            return other
    raise SynthError(f"soundfont {wanted} {why} and no fallback soundfont is installed")


def open_synth(soundfont: str | Path | None = None, notice: Callable[[str], None] = print,
               **kwargs) -> Synth:
    """A :class:`Synth` on the soundfont :func:`find_soundfont` picks; one FluidSynth refuses
    (damaged inside) is replaced by the shipped soundfont, then the fallback, with a notice.
    """
    first = find_soundfont(soundfont, notice)
    fast = sfcache.decoded(first)  # a compressed soundfont decoded once, in the user's cache
    if fast is not None:
        try:
            return Synth(first, source=fast, **kwargs)
        except SynthError:
            sfcache.forget(fast)  # damaged: use the original (and decode it again later)
    try:
        return Synth(first, **kwargs)
    except SynthError as exc:
        for other in (shipped_soundfont(), fallback_soundfont()):
            if other is not None and other != first and is_soundfont(other):
                notice(f"smootify: {exc}; using {other.name} instead")
                return Synth(other, **kwargs)
        raise


def _read_ahead(path: Path) -> None:
    """Ask the kernel to bring ``path`` into the page cache now (a hint; returns at once)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
    except (AttributeError, OSError):
        pass  # not on this platform: the reads just come when needed
    finally:
        os.close(fd)


class Synth:
    """A FluidSynth instance with ``n_channels`` MIDI channels and one soundfont loaded.

    Channel ``9 + 16k`` of every block of 16 plays drums (bank 128), as on channel 10 of a
    single General MIDI port. ``offline`` tunes it for rendering files as fast as possible:
    samples load when a program is first selected (about 1.2 s and 160 MB instead of 2.8 s
    and 260 MB for the shipped soundfont) and voices render on all cores (1.6x faster on
    two). Live playback keeps the preload, so a program change never decodes samples on
    the audio thread, and one core, leaving the others to the interface. ``source`` is a
    file to load in place of ``soundfont`` that holds the same samples (its decoded copy,
    :mod:`.sfcache`); ``soundfont`` stays the name reported. Its samples are plain 16-bit
    frames, so they too load per program (a read from the page cache, which the file is
    asked into, instead of a decode): memory holds the programs in use, not all of them.
    """

    def __init__(self, soundfont: Path, sample_rate: int = 44100, n_channels: int = 128,
                 gain: float = 0.4, offline: bool = False, source: Path | None = None):
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # its CI-only library-path line
                import fluidsynth
        except (ImportError, OSError) as exc:
            raise SynthError(f"FluidSynth is not available ({exc}); "
                             "install libfluidsynth3 (apt) and pyfluidsynth (pip)") from None
        self.sample_rate = sample_rate
        self.n_channels = n_channels
        self._fs = fluidsynth.Synth(gain=gain, samplerate=float(sample_rate),
                                    channels=n_channels,
                                    **{"synth.polyphony": 512,
                                       "synth.cpu-cores":
                                           min(os.cpu_count() or 1, 4) if offline else 1,
                                       "synth.dynamic-sample-loading":
                                           int(offline or source is not None)})
        if source is not None:
            _read_ahead(source)
        sfid = self._fs.sfload(str(source or soundfont))
        if sfid < 0:
            self._fs.delete()
            raise SynthError(f"soundfont {source or soundfont} could not be loaded")
        self.sfid = sfid
        self.soundfont = Path(soundfont)
        for ch in range(n_channels):
            self._fs.program_select(ch, sfid, 128 if ch % 16 == 9 else 0, 0)

    def noteon(self, ch: int, key: int, vel: int) -> None:
        self._fs.noteon(ch, key, vel)

    def noteoff(self, ch: int, key: int) -> None:
        self._fs.noteoff(ch, key)

    def cc(self, ch: int, num: int, val: int) -> None:
        self._fs.cc(ch, num, val)

    def program(self, ch: int, program: int) -> None:
        bank = 128 if ch % 16 == 9 else 0
        self._fs.program_select(ch, self.sfid, bank, program)

    def pitch_bend(self, ch: int, value: int) -> None:
        # pretty_midi bends are -8192..8191; FluidSynth's binding takes the same signed range.
        self._fs.pitch_bend(ch, value)

    def silence(self) -> None:
        """Stop every voice at once (no release) and reset controllers."""
        for ch in range(self.n_channels):
            self._fs.cc(ch, 120, 0)
            self._fs.cc(ch, 121, 0)

    def render(self, n_frames: int) -> np.ndarray:
        """``n_frames`` of stereo audio as float32 (n_frames, 2) in [-1, 1]."""
        if n_frames <= 0:
            return np.zeros((0, 2), np.float32)
        raw = self._fs.get_samples(n_frames)
        return (np.asarray(raw, np.float32) / 32768.0).reshape(-1, 2)

    def close(self) -> None:
        if self._fs is not None:
            self._fs.delete()
            self._fs = None
