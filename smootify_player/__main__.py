"""``python -m smootify_player``: the same as the ``smootify`` command."""

import sys

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
