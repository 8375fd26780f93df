"""M3U/M3U8 reading: one bad line never costs the others, encodings detected, file:// URIs
parsed, linear in the number of lines; property tests over arbitrary bytes (#11)."""

from __future__ import annotations

import codecs
import os
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from midi_factory import write_song

from smootify_player.notices import Notice, NoticeLevel
from smootify_player.player.files import (
    NOTICES_PER_PLAYLIST,
    decode_playlist,
    expand,
    parse_playlist,
    read_playlist,
)

BASE = Path("/music")


def paths(data: bytes) -> list[Path]:
    return [p for p, _ in parse_playlist(data, BASE).entries]


def test_encodings_bom_then_utf8_then_latin1():
    name = "Café Ñandú.mid"
    assert decode_playlist(codecs.BOM_UTF8 + name.encode()) == (name, "utf-8")
    assert decode_playlist(codecs.BOM_UTF16_LE + name.encode("utf-16-le")) == (name, "utf-16-le")
    assert decode_playlist(codecs.BOM_UTF16_BE + name.encode("utf-16-be")) == (name, "utf-16-be")
    assert decode_playlist(name.encode()) == (name, "utf-8")
    assert decode_playlist(name.encode("latin-1")) == (name, "latin-1")
    for data in (codecs.BOM_UTF16_LE + f"#EXTM3U\r\n{name}\r\n".encode("utf-16-le"),
                 codecs.BOM_UTF16_BE + f"#EXTM3U\n{name}\n".encode("utf-16-be"),
                 codecs.BOM_UTF8 + f"#EXTM3U\n{name}\n".encode()):
        assert paths(data) == [BASE / name]


def test_file_uris_local_hosts_percent_decoding_and_other_hosts_refused():
    found = parse_playlist(b"file:///abs/a%20b.mid\nfile://localhost/abs/c.mid\n"
                           b"file://LOCALHOST/abs/%C3%A9.mid\nfile:/short/d.mid\n"
                           b"file://otherhost/abs/e.mid\nhttp://example.com/f.mid\n"
                           b"file:///abs/g.mid?x=1#frag\n", BASE, "list.m3u")
    assert [p for p, _ in found.entries] == [
        Path("/abs/a b.mid"), Path("/abs/c.mid"), Path("/abs/é.mid"), Path("/short/d.mid"),
        Path("/abs/g.mid")]
    assert len(found.notices) == 2
    assert "list.m3u, line 5" in found.notices[0] and "otherhost" in found.notices[0]
    assert "line 6" in found.notices[1] and "http://" in found.notices[1]
    assert all(n.level is NoticeLevel.ERROR for n in found.notices)
    # A percent-encoded name that is not UTF-8 keeps its bytes.
    (p,) = paths(b"file:///abs/caf%E9.mid")
    assert os.fsencode(p) == b"/abs/caf\xe9.mid"


def test_labels_crlf_and_comments():
    data = b"#EXTM3U\r\n#EXTINF:12,Korp - Shut It\r\nrel/a.mid\r\n# comment\r\n\r\nb.mid\r\n"
    assert parse_playlist(data, BASE).entries == [(BASE / "rel/a.mid", ("Shut It", "Korp")),
                                                  (BASE / "b.mid", None)]


def test_a_long_line_a_missing_file_and_a_remote_uri_cost_only_themselves(tmp_path: Path):
    a = write_song(tmp_path / "a.mid", bars=2)
    b = write_song(tmp_path / "b.mid", bars=2)
    latin = write_song(tmp_path / os.fsdecode(b"caf\xe9.mid"), bars=2)
    m3u = tmp_path / "list.m3u"
    m3u.write_bytes(b"#EXTM3U\na.mid\n" + b"x" * 300 + b".mid\n" + b"/" + b"y/" * 3000 + b"\n"
                    + b"missing.mid\nfile://host/a.mid\ncaf\xe9.mid\n" + b"\x00.mid\n"
                    + f"file://{b.as_posix()}\n".encode())
    said: list[str] = []
    found = expand([m3u], said.append)
    assert found.paths == [a, latin, b]
    assert len(said) == 5, said
    assert all(isinstance(n, Notice) and n.level is NoticeLevel.ERROR for n in said)
    assert any("too long" in n for n in said) and any("missing.mid" in n for n in said)
    assert any("another host" in n for n in said) and any("NUL" in n for n in said)


def test_a_latin1_playlist_finds_a_utf8_named_file(tmp_path: Path):
    song = write_song(tmp_path / "Café.mid", bars=2)
    m3u = tmp_path / "list.m3u"
    m3u.write_bytes("Café.mid\n".encode("latin-1"))
    assert expand([m3u], lambda n: None).paths == [song]


def test_notices_per_playlist_are_capped_with_a_count(tmp_path: Path):
    m3u = tmp_path / "list.m3u"
    m3u.write_text("".join(f"missing{i}.mid\n" for i in range(NOTICES_PER_PLAYLIST + 30)))
    said: list[str] = []
    assert expand([m3u], said.append).paths == []
    assert len(said) == NOTICES_PER_PLAYLIST + 1 and "30 more entries skipped" in said[-1]


def test_special_playlists_are_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "pipe.m3u"
    os.mkfifo(fifo)
    said: list[str] = []
    t = time.perf_counter()
    assert expand([fifo, tmp_path / "pipe2.mid"], said.append).paths == []
    assert time.perf_counter() - t < 1.0 and len(said) == 2


def test_reading_is_linear_in_the_number_of_lines(tmp_path: Path):
    song = write_song(tmp_path / "a.mid", bars=2)
    m3u = tmp_path / "big.m3u8"
    n = 20_000
    m3u.write_text("#EXTM3U\n" + "".join(f"#EXTINF:1,A - T{i}\na.mid\n" for i in range(n)))
    t = time.perf_counter()
    assert len(read_playlist(m3u)) == n
    found = expand([m3u], lambda s: None)
    took = time.perf_counter() - t
    assert len(found.paths) == n and found.paths[0] == song
    assert took < 5.0, took  # about 0.2 s here; a quadratic reader takes minutes


# ---------------------------------------------------------------------- properties
_PIECES = st.sampled_from([
    b"\n", b"\r\n", b"\r", b"#EXTM3U", b"#EXTINF:1,A - B", b"#EXTINF:", b"file://", b"file:",
    b"localhost", b"/", b"%", b"%2", b"%20", b"%E9", b"%00", b"\x00", b"\xe9", b"\xc3\xa9",
    b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"a.mid", b"..", b"x" * 300, b"http://", b" ",
    b"?", b"#", b"C:\\x.mid", b"\x85", "\u2028".encode()])
_PLAYLISTS = st.one_of(st.binary(max_size=3000), st.lists(_PIECES, max_size=60).map(b"".join))


def _check(found) -> None:
    for p, label in found.entries:
        assert isinstance(p, Path) and p.is_absolute()
        assert label is None or (isinstance(label, tuple) and label[0])
    for n in found.notices:
        assert isinstance(n, Notice) and "\n" not in n and "\r" not in n


@settings(max_examples=300, deadline=None)
@given(_PLAYLISTS)
def test_any_bytes_give_paths_and_notices_never_an_exception(data: bytes):
    _check(parse_playlist(data, BASE, "any.m3u"))
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8):
        _check(parse_playlist(bom + data, BASE, "any.m3u"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PLAYLISTS)
def test_expanding_any_playlist_never_raises(data: bytes):
    with tempfile.TemporaryDirectory() as d:
        m3u = Path(d) / "any.m3u"
        # No line may name a folder outside this one (a folder is scanned recursively).
        m3u.write_bytes(data.replace(b"/", b"_").replace(b"..", b"._"))
        said: list[str] = []
        found = expand([m3u], said.append)
        assert all(isinstance(p, Path) for p in found.paths)
        assert all(isinstance(n, str) and "\n" not in n for n in said)
