"""A seeded MIDI mutation fuzzer: a damaged file is refused in one line or read; nothing else."""

from __future__ import annotations

from midi_factory import make_song

from smootify_player.music.fuzz import mutations
from smootify_player.music.song import Song, SongError


def test_three_hundred_mutated_files_never_escape_song_error(tmp_path):
    seeds = []
    for i, (num, den) in enumerate([(4, 4), (3, 4), (6, 8)]):
        p = tmp_path / f"s{i}.mid"
        make_song(bars=6, numerator=num, denominator=den, seed=i).write(str(p))
        seeds.append(p.read_bytes())
    read = refused = 0
    for k, data in enumerate(mutations(seeds, 300, seed=1)):
        try:
            song = Song.from_bytes(data, f"m{k}.mid")
            assert song.n_bars >= 1
            read += 1
        except SongError as exc:
            text = str(exc)
            assert text.startswith(f"m{k}.mid: ") and "\n" not in text
            refused += 1
    assert read + refused == 300 and read > 0 and refused > 0
