"""Where the shipped data lives: inside the installed package, or the checkout's top level."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

__all__ = ["DATA_KINDS", "data_dir", "data_path"]

#: The repository's top-level data folders; a wheel carries them in ``smootify_player/_data``.
DATA_KINDS = ("resources", "soundfonts", "weights")


def data_dir(kind: str) -> Path:
    """The folder of shipped ``kind`` data (one of :data:`DATA_KINDS`).

    An installed wheel reads it from the package (``importlib.resources``); an editable
    install or a plain checkout reads the repository's top-level folder of that name.
    """
    if kind not in DATA_KINDS:
        raise ValueError(f"unknown data kind {kind!r}; expected one of {', '.join(DATA_KINDS)}")
    shipped = importlib.resources.files(__package__) / "_data" / kind
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[1] / kind


def data_path(kind: str, *parts: str) -> Path:
    """A shipped file, e.g. ``data_path("weights", "bridge_unet.safetensors")``."""
    return data_dir(kind).joinpath(*parts)
