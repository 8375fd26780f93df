"""Translations: the app's strings go through Qt (``self.tr``, ``QCoreApplication.translate``);
the Korean catalogue ships as ``resources/i18n/smootify_ko.qm`` and is chosen by the system
locale (``LANG=ko_KR.UTF-8``) or ``--lang``.

English is the source language: no catalogue is loaded for it. The words that come from the
Qt-free core and form a fixed set (the now-playing card's "Loading…", "Crossfade",
"Bridge · AI"...) are translated here, where the app shows them; notices from the core
(file names and reasons) stay English.

Regenerate the catalogue with ``scripts/update-translations``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import cast

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ..data import data_dir
from ..music.key import NOTE_NAMES, Key

__all__ = ["I18N_DIR", "LANGUAGES", "install", "uninstall", "choose_locale", "core_text",
           "key_name", "join_name", "reason_text", "translate", "QT_TRANSLATE_NOOP"]

log = logging.getLogger("smootify.app")

# Where the compiled catalogues (``smootify_<lang>.qm``) are.
I18N_DIR = data_dir("resources") / "i18n"
# The languages Smootify speaks (English is the source).
LANGUAGES = ("en", "ko")

translate = QCoreApplication.translate
#: ``QT_TRANSLATE_NOOP(context, text)`` marks ``text`` for pyside6-lupdate and returns it as
#: it is. PySide6's stub says it returns ``object``; the cast only gives it its real type.
QT_TRANSLATE_NOOP = cast(Callable[[str, str], str], QtCore.QT_TRANSLATE_NOOP)


def choose_locale(lang: str | None = None) -> QLocale:
    """``lang`` ("ko", "ko_KR", "en"...) if given, else the system locale."""
    return QLocale(lang) if lang else QLocale.system()


def install(app: QCoreApplication, lang: str | None = None) -> list[QTranslator]:
    """Load Smootify's catalogue (and Qt's own, for the stock dialogs' buttons) for ``lang``
    or the system locale into ``app``. Returns the translators installed (none for English
    or a language without a catalogue)."""
    locale = choose_locale(lang)
    if locale.language() in (QLocale.Language.English, QLocale.Language.C):
        return []
    ours = QTranslator(app)
    if not ours.load(locale, "smootify", "_", str(I18N_DIR)):
        log.info("no translation for %s; English", locale.name())
        return []
    installed = [ours]
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        installed.append(qt)
    for t in installed:
        app.installTranslator(t)
    QLocale.setDefault(locale)
    log.info("translation: %s", locale.name())
    return installed


def uninstall(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Remove what :func:`install` installed (tests switch languages)."""
    for t in translators:
        app.removeTranslator(t)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


_BRIDGE = re.compile(r"^Bridge · (.+)$")
_MIXING = re.compile(r"^Mixing into (.+) at the next bar…$")


def core_text(text: str) -> str:
    """The now-playing card's words from the core (a fixed set), in the app's language;
    anything else (a credit, a title) as it is."""
    if text == "Loading…":
        return translate("Core", "Loading…")
    if text == "Crossfade":
        return translate("Core", "Crossfade")
    if text == "Join":  # a listening test's join: its kind is not named
        return translate("Core", "Join")
    m = _BRIDGE.match(text)
    if m:
        return translate("Core", "Bridge · {composer}").format(composer=join_name(m.group(1)))
    m = _MIXING.match(text)
    if m:
        return translate("Core", "Mixing into {title} at the next bar…").format(title=m.group(1))
    return text


def key_name(key: Key) -> str:
    """A key ("A minor") in the app's language ("A 단조")."""
    tonic, minor = NOTE_NAMES[key.tonic], key.minor
    return (translate("Core", "{tonic} minor") if minor
            else translate("Core", "{tonic} major")).format(tonic=tonic)


_KEY = re.compile(r"\b([A-G][#b]?) (major|minor)\b")


def reason_text(text: str) -> str:
    """A radio pick's reason from the core ("Eb major → Bb major, 120 → 118 BPM") with its
    keys in the app's language."""
    def key(m: re.Match[str]) -> str:
        words = (translate("Core", "{tonic} minor") if m.group(2) == "minor"
                 else translate("Core", "{tonic} major"))
        return words.format(tonic=m.group(1))

    return _KEY.sub(key, text)


def join_name(name: str) -> str:
    """A join's name from the core (``player.view.JOIN_NAMES``), translated."""
    names = {
        "AI bridge": translate("Core", "AI bridge"),
        "AI": translate("Core", "AI"),
        "rule bridge": translate("Core", "rule bridge"),
        "rule": translate("Core", "rule"),
        "crossfade": translate("Core", "crossfade"),
        "cut": translate("Core", "cut"),
    }
    return names.get(name, name)
