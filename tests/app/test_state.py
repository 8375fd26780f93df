"""Saved state: JSON round trip (labels included), atomic save, corrupt file moved aside."""

from __future__ import annotations

from smootify_player.app.state import SavedState, StateStore


def test_round_trip_with_labels(tmp_path):
    store = StateStore(tmp_path)
    st = SavedState(queue=["/m/a.mid", "/m/b.mid"], current=1, position=12.5, volume=0.4,
                    labels={"/m/a.mid": ["Shut It", "Korp"]})
    assert store.save(st)
    back, notice = store.load()
    assert notice is None
    assert back.queue == st.queue and back.current == 1 and back.position == 12.5
    assert back.labels == {"/m/a.mid": ["Shut It", "Korp"]}
    assert not list(tmp_path.glob("*.tmp")) and [p.name for p in tmp_path.iterdir()] == [
        "state.json"]


def test_corrupt_state_is_moved_aside(tmp_path):
    (tmp_path / "state.json").write_text("{not json")
    state, notice = StateStore(tmp_path).load()
    assert state is None and "moved aside" in notice
    assert len(list(tmp_path.glob("state.corrupt-*.json"))) == 1
