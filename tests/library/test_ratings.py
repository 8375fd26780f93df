"""Join ratings and listener profiles in the library database; the blind listening test."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from test_player import Harness

from smootify_player.audio.synth import fallback_soundfont
from smootify_player.cli import main
from smootify_player.library import Library
from smootify_player.library.ratings import RatingsError
from smootify_player.player import Player, PlayerSettings
from smootify_player.player.joins import ListeningTest


def _plan(method: str = "smart", mode: str = "unet", n: int = 0) -> dict:
    return {"a_path": f"/m/a{n}.mid", "a_digest": f"{n:040x}", "b_path": f"/m/b{n}.mid",
            "b_digest": f"{n + 1:040x}", "exit_bar": 9, "entry_bar": 1, "method": method,
            "mode": mode, "model_file": "bridge_unet.safetensors", "model_version": "abc"}


def test_profiles_are_local_names_with_a_colour(tmp_path: Path):
    with Library(tmp_path / "lib.sqlite3") as lib:
        r = lib.ratings
        ann = r.add_profile("Ann", "#ff0000")
        assert r.profile("ann", create=False) == ann  # names ignore case
        assert r.add_profile("ANN", "#00ff00").id == ann.id  # the same, recoloured
        with pytest.raises(RatingsError):
            r.add_profile("Bob", "red")
        with pytest.raises(RatingsError):
            r.add_profile("   ")
        r.rate(4, _plan())  # no profile named: Default
        assert [p.name for p in r.profiles()] == ["Ann", "Default"]


def test_a_listener_renamed_keeps_their_ratings_and_one_removed_takes_them(tmp_path: Path):
    with Library(tmp_path / "lib.sqlite3") as lib:
        r = lib.ratings
        ann = r.add_profile("Ann", "#ff0000")
        r.add_profile("Bob", "#0000ff")
        r.rate(4, _plan(), profile="Ann")
        r.rate(2, _plan(n=1), profile="Bob")
        assert r.rename_profile("ann", "  Annie  K ") == type(ann)(ann.id, "Annie K", "#ff0000")
        assert [x.rating for x in r.ratings(profile="Annie K")] == [4]
        assert r.profile("Ann", create=False) is None
        for old, new in (("Annie K", "bob"), ("Annie K", "default"), ("Default", "Zed"),
                         ("Nobody", "Zed"), ("Annie K", " ")):
            with pytest.raises(RatingsError):
                r.rename_profile(old, new)
        assert r.rename_profile("Annie K", "ANNIE K").name == "ANNIE K"  # a new case only
        assert r.remove_profile("annie k") == 1
        assert [p.name for p in r.profiles()] == ["Bob"]
        assert [x.rating for x in r.ratings()] == [2]
        assert r.remove_profile("annie k") == 0


def test_ratings_survive_a_restart_and_a_cache_rebuild(tmp_path: Path):
    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        lib.ratings.add_profile("Ann", "#ff0000")
        lib.ratings.rate(5, _plan(), profile="Ann", test="t1")
        lib.ratings.rate(2, _plan("jsd", "rule", 1), profile="Ann")
        for bad in (0, 6, True, 3.5):
            with pytest.raises(RatingsError):
                lib.ratings.rate(bad, _plan())  # type: ignore[arg-type]
        with pytest.raises(RatingsError):
            lib.ratings.rate(3, {"method": "smart"})
    with Library(db) as lib:  # reopened
        got = lib.ratings.ratings()
        assert [(r.profile, r.rating, r.test, r.plan["method"]) for r in got] == \
            [("Ann", 5, "t1", "smart"), ("Ann", 2, None, "jsd")]
        assert got[0].plan["exit_bar"] == 9 and got[0].plan["model_version"] == "abc"
    conn = sqlite3.connect(db)  # a cache of another layout is rebuilt: ratings are kept
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with Library(db) as lib:
        assert len(lib.ratings.ratings()) == 2 and lib.ratings.profile("Ann", create=False)


def test_results_and_csv_export_with_the_profile(tmp_path: Path, capsys):
    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        r = lib.ratings
        r.add_profile("Ann", "#ff0000")
        r.add_profile("Bob", "#0000ff")
        for k, (who, score, method, mode) in enumerate([
                ("Ann", 5, "smart", "unet"), ("Bob", 3, "smart", "unet"),
                ("Ann", 2, "random", "crossfade"), ("Bob", 1, "random", "crossfade"),
                ("Ann", 4, "smart", "crossfade")]):
            r.rate(score, _plan(method, mode, k), profile=who, test="study")
        res = r.results(test="study")
        rows = {(x["method"], x["mode"]): x for x in res["by_method_mode"]}
        assert rows[("smart", "unet")] == {"method": "smart", "mode": "unet", "mos": 4.0,
                                            "std": pytest.approx(1.414, abs=1e-3), "n": 2}
        assert rows[("smart", "crossfade")]["std"] == 0.0
        by_method = {x["method"]: x for x in res["by_method"]}
        assert by_method["smart"]["n"] == 3 and by_method["smart"]["mos"] == 4.0
        assert res["all"][0]["n"] == 5
        assert r.results(profile="Ann")["all"][0]["mos"] == pytest.approx(11 / 3, abs=1e-3)
    out = tmp_path / "ratings.csv"
    assert main(["ratings", "export", str(out), "--db", str(db), "--profile", "Bob"]) == 0
    rows_csv = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(x["profile"], x["rating"], x["colour"]) for x in rows_csv] == \
        [("Bob", "3", "#0000ff"), ("Bob", "1", "#0000ff")]
    assert json.loads(rows_csv[0]["plan"])["exit_bar"] == 9
    assert rows_csv[0]["time"].endswith("+00:00")
    capsys.readouterr()
    assert main(["ratings", "results", "--json", "--db", str(db), "--test", "any"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["all"][0]["n"] == 5
    assert main(["ratings", "results", "--db", str(db)]) == 0
    assert "MOS by method and mode" in capsys.readouterr().out
    assert main(["ratings", "results", "--db", str(db), "--profile", "Zed"]) == 2


def test_listening_test_design_is_seeded_and_balanced():
    t = ListeningTest(seed=7)
    combos = t.combinations
    first = [t.choice(k) for k in range(2 * len(combos))]
    assert Counter(first) == {c: 2 for c in combos}  # each block plays every combination
    assert first == [ListeningTest(seed=7).choice(k) for k in range(len(first))]
    assert first != [ListeningTest(seed=8).choice(k) for k in range(len(first))]
    with pytest.raises(ValueError):
        ListeningTest(methods=("nope",))


@pytest.fixture
def _small_soundfont(monkeypatch: pytest.MonkeyPatch) -> None:
    sf = fallback_soundfont()
    if sf is not None:
        monkeypatch.setenv("SMOOTIFY_SOUNDFONT", str(sf))


@pytest.mark.usefixtures("_small_soundfont")
def test_a_blind_test_plans_each_join_from_its_design_and_rates_it(tmp_path: Path, music):
    h = Harness()
    p = Player(h, PlayerSettings(transition="ai"), notice=lambda m: None, audio="silent",
               clock_speed=32.0)
    test = ListeningTest(seed=1, methods=("smart", "random"), modes=("crossfade", "rule"))
    p.start_listening_test(test)
    p.add(sorted(music.glob("*.mid"))[:4])
    p.play()
    records = []

    def until() -> bool:
        rec = p.last_join()
        if rec is not None and (not records or records[-1].b_path != rec.b_path):
            records.append(rec)
        if p.now_playing().in_bridge:
            assert p.now_playing().subtitle == "Join"  # the kind of join stays hidden
        return len(records) >= 3

    try:
        assert h.run(p, until, timeout=60)
        # the joins reached count, not one planned ahead (a resumed test gives it again)
        assert len(records) <= p.listening_test_done <= p.scheduler.joins_done
    finally:
        p.close()
    modes = {"crossfade": "crossfade", "rule": "rule"}
    for k, rec in enumerate(records):
        method, transition = test.choice(k)
        assert rec.assigned == f"{method}/{transition}"
        if not rec.fallback:
            assert (rec.method, rec.mode) == (method, modes[transition])
        assert rec.a_digest and rec.b_digest and rec.exit_bar >= 1
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.ratings.add_profile("Ann", "#ff0000")
        for k, rec in enumerate(records):
            lib.ratings.rate(1 + k, rec, profile="Ann", test=test.name)
    with Library(tmp_path / "lib.sqlite3") as lib:
        stored = lib.ratings.ratings(profile="Ann", test=test.name)
        assert [r.plan["b_path"] for r in stored] == [r.b_path for r in records]
        assert sum(x["n"] for x in lib.ratings.results()["by_method_mode"]) == 3
