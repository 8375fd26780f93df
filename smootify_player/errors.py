"""One-line error messages for notices: :func:`one_line` and :class:`UserFacingError`."""

from __future__ import annotations

__all__ = ["UserFacingError", "one_line"]


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
