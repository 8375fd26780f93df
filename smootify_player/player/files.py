"""Files for the queue: M3U/M3U8 playlists, path expansion and the labels playlists give songs.

Nothing here keeps state: reading a playlist returns its labels as data, and the caller (the
player, on the UI thread) stores them on the queue entries. Every function may run on any
thread; the ones that touch the disk should run off the UI thread.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_to_bytes

from ..notices import Notice, NoticeLevel

__all__ = ["MIDI_SUFFIXES", "PLAYLIST_SUFFIXES", "Label", "Labels", "Expanded", "Playlist",
           "read_playlist", "parse_playlist", "decode_playlist", "read_m3u", "write_m3u8", "expand",
           "expand_paths", "label_key", "labels_by_key"]

MIDI_SUFFIXES = (".mid", ".midi", ".kar", ".smf")
PLAYLIST_SUFFIXES = (".m3u", ".m3u8")
#: The biggest playlist read (bytes).
PLAYLIST_MAX_BYTES = 64 * 1024 * 1024
#: Notices one playlist gives line by line; past these, one line counts the rest.
NOTICES_PER_PLAYLIST = 20

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_LINES = re.compile(r"\r\n|\r|\n")

#: (title, credit) that a playlist's ``#EXTINF`` line gives an entry.
Label = tuple[str, str]
#: Labels by path, as :func:`expand` returns them or as saved state stores them.
Labels = Mapping[str, Sequence[str]] | Mapping[Path, Sequence[str]]


@dataclass
class Expanded:
    """What :func:`expand` found: MIDI paths in order, and the labels playlists gave some."""

    paths: list[Path] = field(default_factory=list)
    labels: dict[Path, Label] = field(default_factory=dict)


@dataclass
class Playlist:
    """What :func:`parse_playlist` found: entries with their labels, and notices for the rest."""

    entries: list[tuple[Path, Label | None]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    encoding: str = "utf-8"


def decode_playlist(data: bytes) -> tuple[str, str]:
    """``data`` as text and the encoding used: a BOM (UTF-8, UTF-16 LE/BE), else UTF-8,
    else latin-1 (which decodes any bytes)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def parse_playlist(data: bytes, base: Path, name: str = "playlist") -> Playlist:
    """The entries of an M3U/M3U8 playlist's bytes, relative ones resolved against ``base``.

    Never raises on any input: a line that cannot be a local path (a remote ``file://host/``
    URI, another URL scheme, a NUL byte) gets a one-line notice naming ``name`` and its line,
    and the other lines are kept. ``#EXTINF:seconds,Artist - Title`` lines give the entry
    after them its title and credit. Linear in the size of ``data``; touches no disk except
    to choose between two spellings of a non-ASCII name in a latin-1 playlist.
    """
    text, enc = decode_playlist(data)
    out = Playlist(encoding=enc)
    label: Label | None = None
    for no, raw in enumerate(_LINES.split(text), 1):
        line = raw.strip()
        if line[:8].upper() == "#EXTINF:":
            if "," in line:
                info = line.split(",", 1)[1].strip()
                artist, sep, title = info.partition(" - ")
                label = (title.strip(), artist.strip()) if sep else (info, "")
            continue
        if not line or line.startswith("#"):
            continue
        try:
            p = _entry_path(line, base, enc)
        except ValueError as exc:
            out.notices.append(Notice(f"{name}, line {no}: {exc}; skipped", NoticeLevel.ERROR))
            label = None
            continue
        out.entries.append((p, label if label and label[0] else None))
        label = None
    return out


def _entry_path(line: str, base: Path, enc: str) -> Path:
    """The local path one playlist line names; ValueError (its reason) when it names none."""
    if "\x00" in line:
        raise ValueError("a NUL byte in the name")
    if line[:5].lower() == "file:" and line[5:6] == "/" and line[6:7] != "/":
        line = "file://" + line[5:]  # file:/abs/path, the short form
    m = _SCHEME.match(line)
    if m:
        if m.group(1).lower() != "file":
            raise ValueError(f"{m.group(1)}:// is not a local file")
        rest = line[len(m.group(0)):]
        host, slash, path = rest.partition("/")
        if host.lower() not in ("", "localhost"):
            raise ValueError(f"file://{_short(host)}/ is on another host")
        path = slash + path.split("#", 1)[0].split("?", 1)[0]
        raw = unquote_to_bytes(path.encode("latin-1" if enc == "latin-1" else "utf-8",
                                           "surrogatepass"))
        if b"\x00" in raw:
            raise ValueError("a NUL byte in the name")
        if not raw.strip(b"/"):
            raise ValueError("a file:// URI without a file")
        return Path(os.fsdecode(raw))
    p = Path(line)
    if enc == "latin-1" and not line.isascii():
        # Latin-1 text: the name's bytes on disk are most likely the playlist's own bytes;
        # a file copied from elsewhere may carry the name re-encoded (UTF-8). Take the one
        # that exists.
        as_bytes = Path(os.fsdecode(line.encode("latin-1")))
        first, other = (as_bytes, p)
        try:
            full = first if first.is_absolute() else base / first
            if not os.path.lexists(full) and os.path.lexists(other if other.is_absolute()
                                                              else base / other):
                first = other
        except (OSError, ValueError):
            pass
        p = first
    return p if p.is_absolute() else base / p


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "…"


def read_playlist(path: Path, notice: Callable[[str], None] | None = None
                  ) -> list[tuple[Path, Label | None]]:
    """The entries of an M3U/M3U8 playlist with their labels, relative ones resolved.

    Lines that name no local file are left out, each with a notice to ``notice``. Raises
    OSError when the playlist itself cannot be read (or is not a regular file, or too big).
    """
    # O_NONBLOCK: a FIFO named *.m3u must not block the open.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        data = f.read(PLAYLIST_MAX_BYTES + 1)
    if len(data) > PLAYLIST_MAX_BYTES:
        raise OSError(errno.EFBIG, f"bigger than {PLAYLIST_MAX_BYTES // 2**20} MB")
    found = parse_playlist(data, path.parent, path.name)
    if notice is not None:
        for n in found.notices:
            notice(n)
    return found.entries


def read_m3u(path: Path) -> list[Path]:
    """The entries of an M3U/M3U8 playlist, relative ones resolved against its folder."""
    return [p for p, _ in read_playlist(path)]


def write_m3u8(paths: Iterable[Path], target: Path, titles: Sequence[str] | None = None) -> None:
    """Write an extended M3U8 playlist of absolute paths (atomically)."""
    lines = ["#EXTM3U"]
    for i, p in enumerate(paths):
        if titles:
            lines.append(f"#EXTINF:-1,{titles[i]}")
        lines.append(str(Path(p).resolve()))
    tmp = target.with_name(target.name + ".part")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(target)


def expand(paths: Iterable[str | Path], notice: Callable[[str], None] = print) -> Expanded:
    """Files, folders (recursively, sorted) and M3U/M3U8 playlists as a flat list of MIDI paths.

    Anything else gets a one-line notice and is left out; one bad entry never costs the
    others (a playlist gives at most :data:`NOTICES_PER_PLAYLIST` notices, then one line
    counting the rest). Labels from playlists come back in :attr:`Expanded.labels`. Linear
    in the number of entries (one ``stat`` each). Does file I/O: call it off the UI thread.
    """
    out = Expanded()
    seen_lists: set[Path] = set()

    def visit(p: Path, depth: int, say: Callable[[str], None], label: Label | None = None
              ) -> None:
        try:
            st = p.stat()
        except FileNotFoundError:
            say(Notice(f"{_short(p.name)}: file not found", NoticeLevel.ERROR))
            return
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            say(Notice(f"{_short(p.name)}: cannot open ({reason})", NoticeLevel.ERROR))
            return
        if stat.S_ISDIR(st.st_mode):
            kids = sorted(q for q in p.rglob("*") if q.suffix.lower() in MIDI_SUFFIXES)
            if not kids:
                say(Notice(f"{p.name}: no MIDI files in this folder", NoticeLevel.WARNING))
            out.paths.extend(k for k in kids if k.is_file())
        elif p.suffix.lower() in PLAYLIST_SUFFIXES and depth < 4:
            rp = p.resolve()
            if rp in seen_lists:
                return
            seen_lists.add(rp)
            counted = _Counted(p.name, notice)
            try:
                entries = read_playlist(p, counted)
            except OSError as exc:
                notice(Notice(f"{p.name}: cannot read playlist ({exc.strerror or exc})",
                              NoticeLevel.ERROR))
                return
            for e, lab in entries:
                try:
                    visit(e, depth + 1, counted, lab)
                except (OSError, ValueError) as exc:  # one entry never costs the others
                    counted(Notice(f"{_short(e.name)}: {exc}", NoticeLevel.ERROR))
            counted.close()
        elif not stat.S_ISREG(st.st_mode):
            say(Notice(f"{_short(p.name)}: not a regular file, not added", NoticeLevel.ERROR))
        elif p.suffix.lower() in MIDI_SUFFIXES or _has_midi_header(p):
            out.paths.append(p)
            if label is not None:
                out.labels[p] = label
        else:
            say(Notice(f"{_short(p.name)}: not a MIDI file, not added", NoticeLevel.ERROR))

    for raw in paths:
        visit(Path(raw).expanduser(), 0, notice)
    return out


class _Counted:
    """Passes on a playlist's first notices, then counts the rest for one closing line."""

    def __init__(self, name: str, notice: Callable[[str], None]) -> None:
        self.name, self.notice, self.n = name, notice, 0

    def __call__(self, text: str) -> None:
        self.n += 1
        if self.n <= NOTICES_PER_PLAYLIST:
            self.notice(text)

    def close(self) -> None:
        more = self.n - NOTICES_PER_PLAYLIST
        if more > 0:
            self.notice(Notice(f"{self.name}: {more} more entries skipped", NoticeLevel.ERROR))
        self.n = 0


def expand_paths(paths: Iterable[str | Path], notice: Callable[[str], None] = print
                 ) -> list[Path]:
    """:func:`expand` without the labels."""
    return expand(paths, notice).paths


def label_key(path: str | Path) -> str:
    """The key labels are matched by: the absolute path, ``~`` expanded."""
    return os.path.abspath(os.path.expanduser(str(path)))


def labels_by_key(labels: Labels | None) -> dict[str, Label]:
    """``labels`` keyed by :func:`label_key` (saved state stores them as lists)."""
    out: dict[str, Label] = {}
    for k, v in (labels or {}).items():
        if v and v[0]:
            out[label_key(k)] = (str(v[0]), str(v[1]) if len(v) > 1 else "")
    return out


def _has_midi_header(p: Path) -> bool:
    try:
        with p.open("rb") as f:
            return f.read(4) == b"MThd"
    except OSError:
        return False
