"""A decoded copy of a compressed (SF3) soundfont in the user's cache, so the synth loads fast.

An SF3 soundfont keeps its samples as Ogg Vorbis; FluidSynth decodes all of them when it
loads the file (1.6 s for the shipped one on a 2-core machine, most of the wait before the
first note). Decoded once into a plain SF2 in the cache folder (205 MB for the shipped font),
it loads in 0.2 s and plays the same samples: libsndfile decodes the Vorbis streams to the
16-bit samples FluidSynth would make itself. The copy is made in a background process at low
priority the first time the app plays a compressed soundfont, and used from then on; it is
keyed by the source's path, size and modification time, written atomically, and a copy that
will not load is deleted and the original used. ``SMOOTIFY_SOUNDFONT_CACHE=0`` turns it off.

SF3 layout (as MuseScore writes it): ``ifil`` 3.x; each ``shdr`` entry's start and end are byte
offsets of one Ogg stream in ``smpl``, its loop points frames from the sample's start; sample
type bit 0x10 marks the compression. The SF2 written has 16-bit frames, 46 zero frames after
each sample (the format's guard), absolute frame offsets and the bit cleared.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["cache_path", "decode", "decode_in_background", "decoded", "is_compressed"]

CACHE_VERSION = 1
_VORBIS = 0x10
_GUARD_FRAMES = 46
_SHDR = 46  # bytes per sample header
KEEP = 2  # decoded copies kept per soundfont name (older ones are removed)


def enabled() -> bool:
    return os.environ.get("SMOOTIFY_SOUNDFONT_CACHE", "1").strip() != "0"


def _folder() -> Path:
    from ..dirs import user_cache_dir

    return user_cache_dir() / "soundfonts"


def cache_path(src: str | Path) -> Path:
    """Where the decoded copy of ``src`` (as it is now on disk) lives."""
    src = Path(src).resolve()
    st = src.stat()
    key = hashlib.sha1(f"{CACHE_VERSION}|{src}|{st.st_size}|{st.st_mtime_ns}".encode())
    return _folder() / f"{src.stem}-{key.hexdigest()[:16]}.sf2"


def _chunks(buf: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(id, payload offset, payload size) of the RIFF chunks in ``buf[start:end]``."""
    off = start
    while off + 8 <= end:
        cid = buf[off:off + 4]
        size = struct.unpack("<I", buf[off + 4:off + 8])[0]
        yield cid, off + 8, size
        off += 8 + size + (size & 1 if buf[off + 8 + size:off + 9 + size] == b"\0" else 0)


def is_compressed(src: str | Path) -> bool:
    """True when ``src`` is a SoundFont of version 3 (Vorbis samples)."""
    try:
        with open(src, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    if head[:4] != b"RIFF" or head[8:12] != b"sfbk":
        return False
    at = head.find(b"ifil")
    return at >= 0 and len(head) >= at + 10 and struct.unpack("<H", head[at + 8:at + 10])[0] >= 3


def decoded(src: str | Path) -> Path | None:
    """The decoded copy of ``src`` when it exists (None: use ``src`` itself)."""
    if not enabled():
        return None
    try:
        path = cache_path(src)
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError:
        return None
    return path if head[:4] == b"RIFF" and head[8:12] == b"sfbk" else None


def forget(path: Path) -> None:
    """Delete a decoded copy that would not load."""
    try:
        path.unlink()
    except OSError:
        pass


def decode(src: str | Path, dest: str | Path | None = None) -> Path:
    """Write ``src`` (SF3) decoded as an SF2 to ``dest`` (default: its cache path).

    Streams sample by sample, so memory stays near the source's size.

    Raises
    ------
    ValueError
        When ``src`` is not an SF3 soundfont this can read.
    """
    import numpy as np
    import soundfile

    from ..atomic import atomic_write

    src = Path(src)
    dest = Path(dest) if dest is not None else cache_path(src)
    data = src.read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"sfbk":
        raise ValueError(f"{src.name} is not a SoundFont")
    lists = {data[o:o + 4]: (o + 4, o + s) for c, o, s in _chunks(data, 12, len(data))
             if c == b"LIST"}
    if not {b"INFO", b"sdta", b"pdta"} <= set(lists):
        raise ValueError(f"{src.name}: a SoundFont without INFO, sdta and pdta lists")
    smpl = next(((o, s) for c, o, s in _chunks(data, *lists[b"sdta"]) if c == b"smpl"), None)
    pdta = [(c, data[o:o + s]) for c, o, s in _chunks(data, *lists[b"pdta"])]
    shdr = next((v for c, v in pdta if c == b"shdr"), b"")
    if smpl is None or not shdr:
        raise ValueError(f"{src.name}: no samples")
    def write(out: BinaryIO) -> None:
        out.write(b"RIFF\0\0\0\0sfbk")
        info = b"".join(_chunk(c, struct.pack("<HH", 2, 1) if c == b"ifil" else data[o:o + s])
                        for c, o, s in _chunks(data, *lists[b"INFO"]))
        out.write(_chunk(b"LIST", b"INFO" + info))
        sdta_at = out.tell()
        out.write(b"LIST\0\0\0\0sdtasmpl\0\0\0\0")
        headers = _write_samples(out, data[smpl[0]:smpl[0] + smpl[1]], shdr, np, soundfile)
        smpl_size = out.tell() - sdta_at - 20
        if smpl_size & 1:
            out.write(b"\0")
        end = out.tell()
        rest = b"".join(_chunk(c, headers if c == b"shdr" else v) for c, v in pdta)
        out.write(_chunk(b"LIST", b"pdta" + rest))
        total = out.tell()
        for at, value in ((4, total - 8), (sdta_at + 4, end - sdta_at - 8),
                          (sdta_at + 16, smpl_size)):  # the sizes, now known
            out.seek(at)
            out.write(struct.pack("<I", value))

    atomic_write(dest, write)
    _prune(dest)
    return dest


def _chunk(cid: bytes, payload: bytes) -> bytes:
    return cid + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) & 1 else b"")


def _write_samples(out: BinaryIO, smpl: bytes, shdr: bytes, np: Any, soundfile: Any) -> bytes:
    """Decode each sample into ``out`` (16-bit frames); the sample headers that fit them."""
    headers = bytearray()
    pos = 0
    guard = bytes(2 * _GUARD_FRAMES)
    n = len(shdr) // _SHDR
    for k in range(n):
        e = bytearray(shdr[_SHDR * k:_SHDR * (k + 1)])
        start, end, loop_start, loop_end, rate = struct.unpack("<IIIII", e[20:40])
        kind = struct.unpack("<H", e[44:46])[0]
        if k == n - 1:  # the terminal record ("EOS")
            headers += e
            break
        if kind & _VORBIS:
            frames, _ = soundfile.read(io.BytesIO(smpl[start:end]), dtype="int16")
            if frames.ndim > 1:
                frames = frames[:, 0]
            raw = frames.astype("<i2").tobytes()
        else:  # already plain 16-bit frames in this file
            raw = smpl[2 * start:2 * end]
            loop_start, loop_end = loop_start - start, loop_end - start
        m = len(raw) // 2
        out.write(raw)
        out.write(guard)
        e[20:40] = struct.pack("<IIIII", pos, pos + m, pos + loop_start, pos + loop_end, rate)
        e[44:46] = struct.pack("<H", kind & ~_VORBIS)
        headers += e
        pos += m + _GUARD_FRAMES
    return bytes(headers)


def _prune(dest: Path) -> None:
    """Keep the newest :data:`KEEP` decoded copies of this soundfont's name."""
    stem = dest.name.rsplit("-", 1)[0]
    copies = sorted(dest.parent.glob(f"{stem}-*.sf2"), key=lambda p: p.stat().st_mtime,
                    reverse=True)
    for old in copies[KEEP:]:
        forget(old)


def decode_in_background(src: str | Path) -> subprocess.Popen | None:
    """Start decoding ``src`` in a low-priority process, unless done, running or off."""
    if not enabled() or not is_compressed(src) or decoded(src) is not None:
        return None
    try:
        dest = cache_path(src)
        dest.parent.mkdir(parents=True, exist_ok=True)
        recent = [p for p in dest.parent.glob(f".{dest.name}.*")
                  if time.time() - p.stat().st_mtime < 120]
        if recent:
            return None  # another process is writing it
        return subprocess.Popen([sys.executable, "-m", __name__, str(src)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    """``python -m smootify_player.audio.sfcache SRC``: decode SRC into the cache."""
    args = sys.argv[1:] if argv is None else argv
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass
    try:
        decode(args[0])
    except (OSError, ValueError) as exc:
        print(f"smootify: soundfont not decoded: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
