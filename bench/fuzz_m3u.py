"""M3U fuzzer: seeded mutations of real playlists through ``expand``; counts exceptions.

    .venv/bin/python bench/fuzz_m3u.py --count 1000 --seed 0

Each input is a playlist naming real MIDI files (relative, absolute, ``file://`` URIs, labels,
in UTF-8, UTF-16 or latin-1), then mutated: bytes flipped, inserted or cut, lines repeated,
long lines and NUL bytes added. Prints one JSON object: inputs, exceptions (must be 0),
entries found and notices given.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

__all__ = ["main", "mutate"]

_PIECES = [b"\n", b"\r\n", b"#EXTINF:1,A - B\n", b"file://", b"file://host/", b"%", b"%E9",
           b"\x00", b"\xe9", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"x" * 300,
           b"http://x/", b"\\", b"?", b"#"]


def _base(folder: Path, rng: random.Random) -> bytes:
    lines = ["#EXTM3U"]
    for i in range(rng.randint(1, 12)):
        name = f"s{i % 3}.mid" if rng.random() < 0.7 else "Café.mid"
        form = rng.randrange(4)
        if rng.random() < 0.5:
            lines.append(f"#EXTINF:{i},Artist {i} - Title {i}")
        lines.append(name if form == 0 else str(folder / name) if form == 1
                     else (folder / name).as_uri() if form == 2 else f"file://localhost{folder}/{name}")
    text = "\n".join(lines) + "\n"
    enc = rng.choice(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "latin-1"])
    return text.encode(enc, errors="replace")


def mutate(data: bytes, rng: random.Random) -> bytes:
    """``data`` with a few random edits."""
    b = bytearray(data)
    for _ in range(rng.randint(0, 8)):
        op = rng.randrange(5)
        at = rng.randint(0, len(b))
        if op == 0 and b:
            b[min(at, len(b) - 1)] = rng.randrange(256)
        elif op == 1:
            b[at:at] = rng.choice(_PIECES)
        elif op == 2:
            del b[at:at + rng.randint(1, 20)]
        elif op == 3:
            b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        else:
            b += bytes(b[at:at + 200]) * rng.randint(1, 5)
    return bytes(b)


def main(argv: list[str] | None = None) -> dict:
    import argparse

    from midi_factory import write_song

    from smootify_player.player.files import expand

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    out = {"inputs": args.count, "seed": args.seed, "exceptions": 0, "entries": 0,
           "notices": 0, "failures": []}
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        for i in range(3):
            write_song(folder / f"s{i}.mid", bars=2, seed=i)
        write_song(folder / "Café.mid", bars=2, seed=9)
        m3u = folder / "fuzz.m3u"
        for n in range(args.count):
            m3u.write_bytes(mutate(_base(folder, rng), rng))
            said: list[str] = []
            try:
                found = expand([m3u], said.append)
                out["entries"] += len(found.paths)
                out["notices"] += len(said)
            except Exception:  # noqa: BLE001 - counted and shown
                out["exceptions"] += 1
                if len(out["failures"]) < 5:
                    out["failures"].append(f"{n}: {traceback.format_exc(limit=3)}")
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
