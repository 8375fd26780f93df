"""Enums keep today's strings; one table maps the transition settings to join modes; notices
carry a level."""

from __future__ import annotations

import pickle

from smootify_player.composers import NoBridge, instant_composer
from smootify_player.music.bridge import RuleComposer
from smootify_player.music.join import JoinMode
from smootify_player.notices import Notice, NoticeLevel
from smootify_player.player import PlayerSettings, expand
from smootify_player.player.settings import TRANSITIONS, join_mode, late_join_mode
from smootify_player.player.states import EntryStatus, PlayerEvent, PlayState


def test_states_and_events_compare_equal_to_their_strings():
    assert PlayState.PLAYING == "playing" and f"{PlayState.PAUSED}" == "paused"
    assert str(EntryStatus.FAILED) == "failed" and {"ready": 1}[EntryStatus.READY] == 1
    assert PlayerEvent.NOTICE == "notice"


def test_one_table_from_settings_to_join_modes():
    assert TRANSITIONS == {"ai": "unet", "crossfade": "crossfade", "cut": "none"}
    assert join_mode("ai") is JoinMode.MODEL and join_mode("bogus") is JoinMode.RULE
    assert late_join_mode("ai") is JoinMode.RULE
    assert late_join_mode("crossfade") is JoinMode.CROSSFADE
    assert instant_composer(late_join_mode("crossfade")) is None
    assert isinstance(instant_composer(late_join_mode("cut")), NoBridge)
    assert isinstance(instant_composer(late_join_mode("ai")), RuleComposer)
    assert PlayerSettings.from_dict({"transition": "bogus"}).transition == "ai"


def test_notices_are_strings_with_a_level(tmp_path):
    n = Notice.of("smootify: soundfont x not found; using y", NoticeLevel.WARNING)
    assert n == "soundfont x not found; using y" and n.level is NoticeLevel.WARNING
    assert Notice.of(Notice("bad", "error")).level is NoticeLevel.ERROR
    assert pickle.loads(pickle.dumps(n)).level is NoticeLevel.WARNING
    said: list[str] = []
    (tmp_path / "notes.txt").write_text("x")
    expand([tmp_path / "missing.mid", tmp_path / "notes.txt", tmp_path], said.append)
    levels = {str(s): s.level for s in said}
    assert levels == {"missing.mid: file not found": NoticeLevel.ERROR,
                      "notes.txt: not a MIDI file, not added": NoticeLevel.ERROR,
                      f"{tmp_path.name}: no MIDI files in this folder": NoticeLevel.WARNING}
