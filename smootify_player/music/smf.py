"""Lenient Standard MIDI File repair: what a forgiving reader plays, rewritten so mido reads it."""

from __future__ import annotations

import struct

__all__ = ["repair_smf"]

#: Undefined system status bytes: no data, nothing to play (a lenient reader skips them).
_UNDEFINED = frozenset((0xF4, 0xF5, 0xF9, 0xFD))
#: Data bytes after each system common / real-time status.
_SYSTEM_DATA = {0xF1: 1, 0xF2: 2, 0xF3: 1, 0xF6: 0, 0xF8: 0, 0xFA: 0, 0xFB: 0, 0xFC: 0,
                0xFE: 0}


def _varlen(data: bytes, i: int) -> tuple[int, int]:
    value = 0
    for _ in range(4):
        if i >= len(data):
            raise EOFError
        b = data[i]
        i += 1
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            return value, i
    return value, i


def _put_varlen(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _clean_track(data: bytes) -> tuple[bytes, list[str]]:
    """Re-encode one track's events, dropping what cannot be played; stops at truncation."""
    out = bytearray()
    fixes: list[str] = []
    i, running, carry = 0, 0, 0
    while i < len(data):
        try:
            delta, j = _varlen(data, i)
            if j >= len(data):
                raise EOFError
            status = data[j]
            if status < 0x80:  # running status (also kept across a SysEx, as players do)
                if not running:
                    raise EOFError
                status, k = running, j
            else:
                k = j + 1
            if status in _UNDEFINED:
                carry += delta
                fixes.append(f"undefined status byte 0x{status:X} skipped")
                i = k
                continue
            if status == 0xFF:
                if k >= len(data):
                    raise EOFError
                length, m = _varlen(data, k + 1)
                end = m + length
            elif status in (0xF0, 0xF7):
                length, m = _varlen(data, k)
                end = m + length
            elif status >= 0xF1:
                end = k + _SYSTEM_DATA.get(status, 0)
            else:
                running = status
                end = k + (1 if status & 0xF0 in (0xC0, 0xD0) else 2)
            if end > len(data):
                raise EOFError
            body = bytes([status]) + data[k:end]
            if status < 0xF0 and any(b & 0x80 for b in body[1:]):
                raise EOFError  # a status byte where data belongs: the track is damaged here
            out += _put_varlen(delta + carry) + body
            carry = 0
            i = end
            if status == 0xFF and body[1:2] == b"\x2F":
                break
        except EOFError:
            fixes.append("track cut short; kept what was complete")
            break
    if not out.endswith(b"\xFF\x2F\x00"):
        out += b"\x00\xFF\x2F\x00"
    return bytes(out), fixes


def repair_smf(data: bytes) -> tuple[bytes, list[str]]:
    """Rewrite an SMF that a strict reader refuses into one it reads, and say what changed.

    Chunks other than ``MTrk`` are skipped (the SMF spec says to ignore unknown chunks), a
    track whose length runs past the end of the file keeps its complete events, undefined
    status bytes (F4, F5, F9, FD) are dropped with their timing kept, running status
    continues after a SysEx, and a missing end-of-track is added.

    Parameters
    ----------
    data : bytes
        The file, starting with ``MThd``.

    Returns
    -------
    (bytes, list of str)
        The repaired file and one short note per kind of repair.

    Raises
    ------
    ValueError
        When there is no usable header.
    """
    if data[:4] != b"MThd" or len(data) < 14:
        raise ValueError("no MThd header")
    hlen = struct.unpack(">I", data[4:8])[0]
    fmt, _, division = struct.unpack(">HHH", data[8:14])
    i = 8 + hlen
    tracks: list[bytes] = []
    fixes: list[str] = []
    while i + 8 <= len(data):
        kind = data[i:i + 4]
        length = struct.unpack(">I", data[i + 4:i + 8])[0]
        body = data[i + 8:i + 8 + length]
        i += 8 + length
        if kind != b"MTrk":
            fixes.append(f"unknown chunk {kind!r} skipped")
            continue
        clean, f = _clean_track(body)
        fixes += f
        tracks.append(clean)
    if not tracks:
        raise ValueError("no MTrk chunk")
    fmt = 1 if fmt == 0 and len(tracks) > 1 else fmt
    out = bytearray(b"MThd" + struct.pack(">IHHH", 6, fmt, len(tracks), division))
    for t in tracks:
        out += b"MTrk" + struct.pack(">I", len(t)) + t
    return bytes(out), sorted(set(fixes))
