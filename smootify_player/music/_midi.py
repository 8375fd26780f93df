"""pretty_midi, imported without the library-path line pyfluidsynth prints on stdout under CI."""

from __future__ import annotations

import contextlib
import io

# pretty_midi imports pyfluidsynth, which prints where it found libfluidsynth whenever the
# CI variable is set; that line would corrupt `smootify analyze --json` output.
with contextlib.redirect_stdout(io.StringIO()):
    import pretty_midi

__all__ = ["pretty_midi"]
