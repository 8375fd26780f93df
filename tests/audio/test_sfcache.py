"""The decoded copy of the shipped SF3 soundfont: same samples, keyed by the file, never trusted."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from smootify_player.audio import sfcache
from smootify_player.audio.synth import (
    Synth,
    fallback_soundfont,
    open_synth,
    shipped_soundfont,
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder holding the decoded shipped soundfont (decoded once, ~4 s)."""
    root = tmp_path_factory.mktemp("xdg")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(root))
        mp.delenv("SMOOTIFY_SOUNDFONT_CACHE", raising=False)
        sfcache.decode(shipped_soundfont())
        yield root


@pytest.fixture
def in_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("SMOOTIFY_SOUNDFONT_CACHE", raising=False)
    return cache


def _play(synth: Synth) -> np.ndarray:
    """Notes on eight programs and two drums, held then released: two seconds of audio."""
    for ch, program in enumerate((0, 24, 33, 48, 56, 73, 81, 19)):
        synth.program(ch, program)
        synth.noteon(ch, 45 + 4 * ch, 100)
    synth.noteon(9, 36, 110)
    synth.noteon(9, 42, 90)
    held = synth.render(44100)
    for ch in range(8):
        synth.noteoff(ch, 45 + 4 * ch)
    return np.concatenate([held, synth.render(44100)])


def test_the_decoded_copy_plays_the_same_samples(in_cache):
    src = shipped_soundfont()
    assert sfcache.is_compressed(src)
    copy = sfcache.decoded(src)
    assert copy is not None and copy.parent == in_cache / "Smootify" / "soundfonts"
    assert not sfcache.is_compressed(copy)
    fast = open_synth(None)  # takes the copy, keeps the original's name
    slow = Synth(src)
    try:
        assert fast.soundfont == src
        a, b = _play(fast), _play(slow)
    finally:
        fast.close()
        slow.close()
    assert np.abs(a).max() > 0.05, "it played"
    assert float(np.abs(a - b).max()) <= 2 / 32768, "the same samples, to the 16-bit step"


def test_the_copy_is_keyed_by_the_file_as_it_is_now(in_cache, tmp_path):
    src = tmp_path / "same.sf3"
    shutil.copyfile(shipped_soundfont(), src)
    assert sfcache.decoded(src) is None, "another path: not decoded yet"
    path = sfcache.cache_path(src)
    os.utime(src, ns=(0, 10**18))
    assert sfcache.cache_path(src) != path, "a changed file is decoded again"


def test_a_damaged_copy_is_deleted_and_the_original_plays(in_cache, tmp_path):
    src = tmp_path / "mine.sf3"
    shutil.copyfile(shipped_soundfont(), src)
    bad = sfcache.cache_path(src)
    bad.write_bytes(b"RIFF\x10\x00\x00\x00sfbkLIST" + bytes(64))
    assert sfcache.decoded(src) == bad
    synth = open_synth(src)
    try:
        assert synth.soundfont == src
    finally:
        synth.close()
    assert not bad.exists()


def test_off_means_neither_made_nor_used(in_cache, monkeypatch):
    monkeypatch.setenv("SMOOTIFY_SOUNDFONT_CACHE", "0")
    assert sfcache.decoded(shipped_soundfont()) is None
    assert sfcache.decode_in_background(shipped_soundfont()) is None


def test_only_a_compressed_soundfont_not_yet_decoded_starts_a_decoder(in_cache, tmp_path):
    sf2 = fallback_soundfont()
    if sf2 is not None:
        assert not sfcache.is_compressed(sf2)
        assert sfcache.decode_in_background(sf2) is None
    assert sfcache.decode_in_background(shipped_soundfont()) is None, "already decoded"
    src = tmp_path / "new.sf3"
    shutil.copyfile(shipped_soundfont(), src)
    proc = sfcache.decode_in_background(src)
    assert proc is not None
    proc.kill()
    proc.wait(5)
