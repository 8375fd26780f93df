"""Translation: the Korean window has no English left; the catalogue is up to date."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QWidget

REPO = Path(__file__).resolve().parents[2]
TS = REPO / "resources" / "i18n" / "smootify_ko.ts"
QM = REPO / "resources" / "i18n" / "smootify_ko.qm"
BIN = Path(sys.executable).parent
#: English a Korean window may keep: names, key names, formats, shortcuts.
ALLOWED = re.compile(r"Smootify|MuseScore General Lite|MIDI|M3U8?|CSV|AI|JSD|DTW|BPM|Ctrl|Shift|"
                     r"Enter|Delete|Space|silent|[A-G](#|b)?(?= )")


def english_left(text: str, names: set[str]) -> str | None:
    """``text`` without what may stay English; None when no English word is left."""
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    text = ALLOWED.sub(" ", text)
    return text if re.search(r"[A-Za-z]{2,}", text) else None


def widget_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a user sees or hears on ``root`` and its children."""
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        where = f"{type(w).__name__} {w.objectName()!r}"
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append((where + " text", w.text()))
        if isinstance(w, QLineEdit):
            out.append((where + " placeholder", w.placeholderText()))
        if isinstance(w, QComboBox):
            out += [(where + " item", w.itemText(i)) for i in range(w.count())]
        out += [(where + " tooltip", w.toolTip()), (where + " name", w.accessibleName()),
                (where + " description", w.accessibleDescription())]
    return [(a, t) for a, t in out if t]


def test_korean_window_has_no_english_left(korean, make_app, qtbot):
    from smootify_player.app.settings_dialog import SettingsDialog

    app = make_app("--new-instance", settings=None)  # the demo playlist and its welcome
    w = app.window
    qtbot.waitUntil(lambda: all(e.status == "ready" for e in app.player.queue), timeout=30_000)
    names = {e.title for e in app.player.queue} | {e.credit for e in app.player.queue}
    texts = widget_texts(w)
    model = w.model
    for col in range(model.columnCount()):
        texts.append((f"header {col}", model.headerData(col, Qt.Orientation.Horizontal)))
        for row in range(model.rowCount()):
            if col not in (1, 2):  # title and credit are the song's own
                texts.append((f"cell {row},{col}", model.data(model.index(row, col))))
    texts += [("notice", n) for n in w.notices]
    texts.append(("meta", w.meta.text()))
    dlg = SettingsDialog(app.player.settings, w)
    texts += [("settings " + a, t) for a, t in widget_texts(dlg)]
    dlg.deleteLater()
    assert w.play_pill.text() == "재생"
    assert len(texts) > 80
    left = [(a, t) for a, t in texts if english_left(t, names)]
    assert not left, left


def test_piano_roll_and_card_words_are_korean(korean):
    from smootify_player.app.i18n import core_text, reason_text
    from smootify_player.app.ratings_page import method_name, mode_name
    from smootify_player.app.widgets import family_name

    assert core_text("Bridge · AI bridge") == "브리지 · AI 브리지"
    assert core_text("Mixing into Song B at the next bar…") == "다음 마디에서 Song B(으)로 환승 중…"
    assert core_text("Loading…") == "불러오는 중…"
    assert core_text("Some Credit") == "Some Credit"
    assert family_name("Strings") == "현악"
    assert core_text("Join") == "연결"  # a listening test's join, its kind hidden
    assert (method_name("smart"), mode_name("unet"), mode_name(None)) == ("스마트", "AI 브리지",
                                                                         "전체")
    assert reason_text("Eb major → C minor, 120 → 118 BPM, 3/4 → 4/4") == \
        "Eb 장조 → C 단조, 120 → 118 BPM, 3/4 → 4/4"


def test_lang_env_picks_korean_and_lang_option_overrides():
    code = ("from PySide6.QtCore import QCoreApplication as A; import sys; a = A([]);"
            "from smootify_player.app import i18n; i18n.install(a, sys.argv[1] or None);"
            "print(A.translate('QueuePage', 'SHUFFLE PLAY'))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env["LANG"] = "ko_KR.UTF-8"
    run = [sys.executable, "-c", code]
    out = subprocess.run([*run, ""], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "셔플 재생", out.stderr
    out = subprocess.run([*run, "en"], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "SHUFFLE PLAY", out.stderr
    env["LANG"] = "en_US.UTF-8"
    out = subprocess.run([*run, "ko"], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "셔플 재생", out.stderr


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {(c.findtext("name"), m.findtext("source")): m.find("translation")
            for c in root.iter("context") for m in c.iter("message")}


@pytest.mark.skipif(not (BIN / "pyside6-lupdate").exists(), reason="no pyside6-lupdate")
def test_catalogue_is_up_to_date_and_complete(tmp_path):
    """scripts/update-translations was run after the last string change, and every message
    has its Korean translation."""
    ts = tmp_path / TS.name
    shutil.copy(TS, ts)
    sources = sorted(str(p) for p in (REPO / "smootify_player" / "app").glob("*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), "-locations", "none", "-no-obsolete",
                    "-source-language", "en", "-target-language", "ko", *sources, "-ts",
                    str(ts)], check=True, capture_output=True, cwd=REPO)
    shipped, fresh = _messages(TS), _messages(ts)
    assert set(fresh) == set(shipped), "run scripts/update-translations"
    unfinished = [k for k, t in shipped.items() if t.get("type") or not (t.text or "").strip()]
    assert not unfinished, unfinished
    for (_ctx, src), t in shipped.items():  # the same {placeholders} in both languages
        assert set(re.findall(r"\{\w+\}", src)) == set(re.findall(r"\{\w+\}", t.text)), src
    qm = tmp_path / QM.name
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(qm)],
                   check=True, capture_output=True)
    assert qm.read_bytes() == QM.read_bytes(), "the .qm is older than the .ts: run " \
        "scripts/update-translations"
