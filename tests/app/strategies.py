"""Hypothesis strategies for the app's inputs: any JSON value, and state-like objects."""

from __future__ import annotations

from hypothesis import strategies as st

#: Any JSON value, NaN and infinities included (Python's json writes and reads them).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=5),
    max_leaves=20)

_names = st.text(max_size=12) | st.sampled_from(["/m/a.mid", "b.mid", "", "a\x00b", "\ud800"])
_settings = st.fixed_dictionaries({}, optional={
    "soundfont": _names | json_values,
    "transition": st.sampled_from(["ai", "crossfade", "cut", "AI", "morph"]) | json_values,
    "method": st.sampled_from(["smart", "jsd", "nope"]) | json_values,
    "full_songs": st.booleans() | json_values,
    "repeat": st.booleans() | json_values,
    "notify": st.booleans() | json_values,
})

#: Objects shaped like a state file, every field possibly wrong.
state_objects = st.fixed_dictionaries({}, optional={
    "version": json_values,
    "queue": st.lists(_names | json_values, max_size=6) | json_values,
    "original_order": st.lists(st.integers(-2, 7) | json_values, max_size=7)
    | st.permutations(range(4)) | json_values,
    "current": st.integers(-3, 8) | json_values,
    "position": st.floats() | json_values,
    "volume": st.floats() | json_values,
    "settings": _settings | json_values,
    "geometry": st.sampled_from(["", "01cb", "zz", "abc"]) | json_values,
    "labels": st.dictionaries(_names, st.lists(_names | json_values, max_size=3) | json_values,
                              max_size=4) | json_values,
    "profile": st.sampled_from(["Ann", "", "  Ann  ", "x" * 65, "\ud800"]) | _names
    | json_values,
    "listening_test": st.fixed_dictionaries({}, optional={
        "seed": st.integers(-1, 1 << 64) | json_values,
        "name": _names | json_values,
        "methods": st.lists(st.sampled_from(["smart", "random", "dtw", "nope"]), max_size=3)
        | json_values,
        "modes": st.lists(st.sampled_from(["ai", "rule", "crossfade", "cut", "x"]),
                          max_size=3) | json_values,
        "done": st.integers(-1, 1 << 32) | json_values,
    }) | json_values,
})
