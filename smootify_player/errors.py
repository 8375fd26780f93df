"""One-line error messages: :func:`one_line`, :class:`UserFacingError`, :class:`OneLineParser`."""

from __future__ import annotations

import argparse
from typing import NoReturn

__all__ = ["OneLineParser", "UserFacingError", "one_line"]


class OneLineParser(argparse.ArgumentParser):
    """argparse with a one-line error that points at ``--help`` instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


class UserFacingError(Exception):
    """An error whose message is written for the user: one line naming the thing and why."""


def one_line(exc: BaseException, typed: bool = True, limit: int | None = None) -> str:
    """The first line of ``exc``'s message, for a one-line notice.

    The exception's type leads it (``"ValueError: ..."``) when ``typed``, unless ``exc`` is a
    :class:`UserFacingError`; a message-less exception gives its type's name. ``limit`` cuts
    the line to that many characters.
    """
    lines = str(exc).strip().splitlines()
    if not lines:
        return type(exc).__name__
    text = lines[0][:limit] if limit is not None else lines[0]
    if typed and not isinstance(exc, UserFacingError):
        return f"{type(exc).__name__}: {text}"
    return text
