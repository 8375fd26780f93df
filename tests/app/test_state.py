"""Saved state: JSON round trip (labels included), atomic save, corrupt file moved aside, and
every value read back checked (Hypothesis: any JSON never crashes the loader)."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smootify_player.app.state import MAX_POSITION, SavedState, StateStore, valid_path
from smootify_player.notices import Notice, NoticeLevel
from smootify_player.player import PlayerSettings

from .strategies import json_values, state_objects

FEW = settings(max_examples=200, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def assert_valid(s: SavedState) -> None:
    """Everything the app relies on when it restores ``s``."""
    assert all(valid_path(p) for p in s.queue)
    assert s.original_order is None or sorted(s.original_order) == list(range(len(s.queue)))
    assert isinstance(s.current, int) and -1 <= s.current < len(s.queue)
    assert isinstance(s.position, float) and 0.0 <= s.position <= MAX_POSITION
    assert isinstance(s.volume, float) and math.isfinite(s.volume) and 0 <= s.volume <= 1
    assert set(s.settings) <= {"soundfont", "transition", "method", "full_songs", "repeat",
                              "notify"}
    assert PlayerSettings.from_dict(s.settings).to_dict() == {
        **PlayerSettings().to_dict(), **s.settings}
    assert isinstance(s.geometry, str) and all(c in "0123456789abcdefABCDEF" for c in s.geometry)
    for k, v in s.labels.items():
        assert valid_path(k) and 1 <= len(v) <= 2 and all(isinstance(x, str) for x in v)
    assert isinstance(s.profile, str) and len(s.profile) <= 64
    assert s.profile == " ".join(s.profile.split())
    # what is saved reads back as it is, with nothing to repair
    again, notes = SavedState.repaired(json.loads(json.dumps(s.to_dict(), allow_nan=False)))
    assert notes == [] and again.queue == s.queue and again.settings == s.settings
    assert again.profile == s.profile
    assert again.listening_test == s.listening_test and again.test_done == s.test_done
    assert isinstance(s.test_done, int) and s.test_done >= 0


def load_text(text: str | bytes) -> tuple[SavedState | None, Notice | None, list[str]]:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "state.json"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        state, notice = StateStore(d).load()
        return state, notice, sorted(p.name for p in Path(d).iterdir())


def test_round_trip_with_labels(tmp_path):
    store = StateStore(tmp_path)
    st_ = SavedState(queue=["/m/a.mid", "/m/b.mid"], current=1, position=12.5, volume=0.4,
                     labels={"/m/a.mid": ["Shut It", "Korp"]})
    assert store.save(st_)
    back, notice = store.load()
    assert notice is None
    assert back.queue == st_.queue and back.current == 1 and back.position == 12.5
    assert back.labels == {"/m/a.mid": ["Shut It", "Korp"]}
    assert not list(tmp_path.glob("*.tmp")) and [p.name for p in tmp_path.iterdir()] == [
        "state.json"]


def test_a_running_listening_test_round_trips_and_a_bad_one_is_dropped(tmp_path):
    from smootify_player.player.joins import ListeningTest

    store = StateStore(tmp_path)
    test = ListeningTest(seed=12, methods=("smart", "random"), modes=("ai", "cut"),
                         name="test 1")
    assert store.save(SavedState(queue=["/m/a.mid"], listening_test=test, test_done=5))
    back, notice = store.load()
    assert notice is None and back.listening_test == test and back.test_done == 5
    d = json.loads(store.path.read_text())
    d["listening_test"]["modes"] = ["ai", "karaoke"]
    back, notes = SavedState.repaired(d)
    assert back.listening_test is None and back.queue == ["/m/a.mid"]
    assert notes == ["listening test: unknown modes ['karaoke']; the listening test is not "
                     "resumed"]
    d["listening_test"] = dict(test.to_dict(), done="x")
    back, notes = SavedState.repaired(d)
    assert back.listening_test == test and back.test_done == 0 and "progress" in notes[0]


def test_corrupt_state_is_moved_aside(tmp_path):
    (tmp_path / "state.json").write_text("{not json")
    state, notice = StateStore(tmp_path).load()
    assert state is None and "moved aside" in notice and notice.level == NoticeLevel.ERROR
    assert len(list(tmp_path.glob("state.corrupt-*.json"))) == 1
    (tmp_path / "state.json").write_text("[1, 2]")  # JSON, but not an object
    state, notice = StateStore(tmp_path).load()
    assert state is None and "not an object" in notice
    assert len(list(tmp_path.glob("state.corrupt-*.json"))) == 2  # the first one kept


def test_nan_volume_is_reset_with_a_notice():
    state, notice, _ = load_text('{"queue": ["/m/a.mid"], "volume": NaN, "current": 0}')
    assert state.volume == 0.8 and state.queue == ["/m/a.mid"] and state.current == 0
    assert notice.level == NoticeLevel.WARNING and "volume NaN" in notice
    assert "\n" not in notice


def test_duplicate_original_order_is_dropped():
    state, notice, _ = load_text(json.dumps({"queue": ["/m/a.mid", "/m/b.mid"],
                                             "original_order": [5, 5], "current": 1}))
    assert state.original_order is None and state.current == 1
    assert "shuffle order [5, 5]" in notice


def test_bad_values_of_every_kind_are_repaired():
    state, notice, files = load_text(json.dumps({
        "queue": ["/m/a.mid", 7, None, "/m/b.mid", "x\u0000y"], "original_order": [3, 0, 1, 2, 4],
        "current": 3, "position": -4, "volume": 3, "geometry": 12,
        "settings": {"transition": "morph", "method": "smart", "repeat": "no", "soundfont": 5},
        "labels": {"/m/a.mid": ["A", "credit"], "/m/b.mid": "B", "5": [5]}}))
    assert state.queue == ["/m/a.mid", "/m/b.mid"]
    assert state.original_order == [1, 0]  # the dropped rows are left out, the order kept
    assert state.current == 1 and state.position == 0.0 and state.volume == 1.0
    assert state.settings == {"method": "smart"} and state.geometry == ""
    assert state.labels == {"/m/a.mid": ["A", "credit"]}
    assert notice.startswith("Saved state repaired: ") and "and " in notice
    assert files == ["state.json"]  # repaired, not moved aside
    assert_valid(state)


def test_bytes_that_are_not_utf8_cost_only_their_value():
    raw = b'\xef\xbb\xbf{"queue": ["/m/caf\xe9.mid", "/m/b.mid"], "labels": {"/m/b.mid": ["\xff"]}}'
    state, notice, files = load_text(raw)
    assert state.queue == ["/m/caf\udce9.mid", "/m/b.mid"]  # the file's real (latin-1) name
    assert os.fsencode(state.queue[0]) == b"/m/caf\xe9.mid"
    assert state.labels == {} and "1 unreadable song label dropped" in notice
    assert files == ["state.json"]
    assert_valid(state)


def test_non_string_paths_and_unknown_names():
    state, notice, _ = load_text(json.dumps({"queue": [["a"], {"b": 1}], "current": 1,
                                             "settings": {"method": "best"}}))
    assert state.queue == [] and state.current == -1 and state.settings == {}
    assert "2 queue entries" in notice and "mix-point method" in notice


@FEW
@given(state_objects)
def test_any_state_object_is_repaired_to_a_valid_state(obj):
    state, notes = SavedState.repaired(obj)
    assert_valid(state)
    assert all(isinstance(n, str) and "\n" not in n for n in notes)


@FEW
@given(json_values | state_objects)
def test_loader_never_raises_on_any_json(value):
    state, notice, files = load_text(json.dumps(value))
    if isinstance(value, dict):
        assert state is not None and files == ["state.json"]
        assert_valid(state)
        assert notice is None or notice.level == NoticeLevel.WARNING
    else:
        assert state is None and notice.level == NoticeLevel.ERROR and "moved aside" in notice
        assert files != ["state.json"] and len(files) == 1


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=64))
def test_loader_never_raises_on_any_bytes(data):
    state, notice, _ = load_text(data)
    if state is not None:
        assert_valid(state)


def test_deeply_nested_json_is_moved_aside():
    state, notice, files = load_text("[" * 100_000 + "]" * 100_000)
    assert state is None and "moved aside" in notice and len(files) == 1


def test_unwritable_folder_save_fails_without_raising(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = StateStore(blocker / "state")  # a folder under a regular file: never creatable
    assert store.load() == (None, None)
    assert not store.save(SavedState())
    assert store.last_error
