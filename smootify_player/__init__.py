"""Smootify: an infinite MIDI playlist player that composes a bridge between every two songs."""

__version__ = "0.1.0"

__all__ = ["__version__"]
