"""Export the mix from the window: a background job, a progress dialog, Cancel (#12)."""

from __future__ import annotations

import mido
from PySide6.QtWidgets import QProgressDialog

from .conftest import RULE

WAIT = 30_000


def test_export_the_mix_cancel_then_midi_then_wav(make_app, songs, tmp_path, qtbot):
    app = make_app("--new-instance", *map(str, songs[:2]), settings=RULE)
    p, w = app.player, app.window
    qtbot.waitUntil(lambda: all(e.status == "ready" for e in p.queue) and len(p.queue) == 2,
                    timeout=WAIT)
    export = w.mix_export
    assert export.start(tmp_path / "mix") is True  # no suffix: WAV
    assert isinstance(export.dialog, QProgressDialog) and export.dialog.isVisible()
    assert export.start(tmp_path / "other.mid") is False, "one export at a time"
    export.cancel()
    qtbot.waitUntil(lambda: not export.running, timeout=WAIT)
    assert "Export cancelled" in w.notices and not list(tmp_path.glob("mix*"))
    assert export.dialog is None
    export.start(tmp_path / "mix.mid")
    qtbot.waitUntil(lambda: not export.running, timeout=WAIT)
    done = [n for n in w.notices if n.startswith("Mix exported to mix.mid")]
    assert done, w.notices
    mid = mido.MidiFile(str(tmp_path / "mix.mid"))
    assert mid.length > 20  # two 16-second songs joined
    # WAV: the dialog follows the render
    seen: list[int] = []

    def finished() -> bool:
        if export.dialog is not None:
            seen.append(export.dialog.value())
        return not export.running

    export.start(tmp_path / "mix.wav")
    qtbot.waitUntil(finished, timeout=WAIT)
    assert any(n.startswith("Mix exported to mix.wav") for n in w.notices), w.notices
    assert (tmp_path / "mix.wav").stat().st_size > 44_100 * 4 * 20
    assert seen and max(seen) > 0
