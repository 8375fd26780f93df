"""Files for the queue: M3U/M3U8 playlists, path expansion and the labels playlists give songs.

Nothing here keeps state: reading a playlist returns its labels as data, and the caller (the
player, on the UI thread) stores them on the queue entries. Every function may run on any
thread; the ones that touch the disk should run off the UI thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..notices import Notice, NoticeLevel

__all__ = ["MIDI_SUFFIXES", "PLAYLIST_SUFFIXES", "Label", "Labels", "Expanded", "read_playlist",
           "read_m3u", "write_m3u8", "expand", "expand_paths", "label_key", "labels_by_key"]

MIDI_SUFFIXES = (".mid", ".midi", ".kar", ".smf")
PLAYLIST_SUFFIXES = (".m3u", ".m3u8")

#: (title, credit) that a playlist's ``#EXTINF`` line gives an entry.
Label = tuple[str, str]
#: Labels by path, as :func:`expand` returns them or as saved state stores them.
Labels = Mapping[str, Sequence[str]] | Mapping[Path, Sequence[str]]


@dataclass
class Expanded:
    """What :func:`expand` found: MIDI paths in order, and the labels playlists gave some."""

    paths: list[Path] = field(default_factory=list)
    labels: dict[Path, Label] = field(default_factory=dict)


def read_playlist(path: Path) -> list[tuple[Path, Label | None]]:
    """The entries of an M3U/M3U8 playlist with their labels, relative ones resolved.

    ``#EXTINF:seconds,Artist - Title`` lines give the entry after them its title and credit.
    """
    out: list[tuple[Path, Label | None]] = []
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    label: Label | None = None
    for line in text.splitlines():
        line = line.strip()
        if line.upper().startswith("#EXTINF:") and "," in line:
            info = line.split(",", 1)[1].strip()
            artist, sep, title = info.partition(" - ")
            label = (title.strip(), artist.strip()) if sep else (info, "")
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("file://"):
            from urllib.parse import unquote, urlparse

            line = unquote(urlparse(line).path)
        p = Path(line)
        p = p if p.is_absolute() else (path.parent / p)
        out.append((p, label if label and label[0] else None))
        label = None
    return out


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

    Anything else gets a one-line notice and is left out. Labels from playlists come back in
    :attr:`Expanded.labels`. Does file I/O: call it off the UI thread.
    """
    out = Expanded()
    seen_lists: set[Path] = set()

    def visit(p: Path, depth: int, label: Label | None = None) -> None:
        if p.is_dir():
            kids = sorted(q for q in p.rglob("*") if q.suffix.lower() in MIDI_SUFFIXES)
            if not kids:
                notice(Notice(f"{p.name}: no MIDI files in this folder", NoticeLevel.WARNING))
            out.paths.extend(k for k in kids if k.is_file())
        elif p.suffix.lower() in PLAYLIST_SUFFIXES and depth < 4:
            rp = p.resolve()
            if rp in seen_lists:
                return
            seen_lists.add(rp)
            try:
                entries = read_playlist(p)
            except OSError as exc:
                notice(Notice(f"{p.name}: cannot read playlist ({exc.strerror or exc})",
                              NoticeLevel.ERROR))
                return
            for e, lab in entries:
                visit(e, depth + 1, lab)
        elif not p.exists():
            notice(Notice(f"{p.name}: file not found", NoticeLevel.ERROR))
        elif p.suffix.lower() in MIDI_SUFFIXES or _has_midi_header(p):
            out.paths.append(p)
            if label is not None:
                out.labels[p] = label
        else:
            notice(Notice(f"{p.name}: not a MIDI file, not added", NoticeLevel.ERROR))

    for raw in paths:
        visit(Path(raw).expanduser(), 0)
    return out


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
