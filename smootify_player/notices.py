"""Notices for the user: one line of text with a level, so views need not guess from the words."""

from __future__ import annotations

from enum import Enum

__all__ = ["NoticeLevel", "Notice"]


class NoticeLevel(str, Enum):
    """How a notice is shown: info (plain), warning (a fallback was used), error (it failed)."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    def __str__(self) -> str:
        return str(self.value)


class Notice(str):
    """A one-line notice: the text itself (a ``str``), and its :attr:`level`."""

    level: NoticeLevel

    def __new__(cls, text: str, level: NoticeLevel | str = NoticeLevel.INFO) -> Notice:
        self = super().__new__(cls, text)
        self.level = NoticeLevel(level)
        return self

    @classmethod
    def of(cls, text: str, default: NoticeLevel | str = NoticeLevel.INFO) -> Notice:
        """``text`` as shown in the app: its own level if it is a Notice, else ``default``.

        The ``"smootify: "`` prefix that command-line notices carry is dropped.
        """
        level = text.level if isinstance(text, Notice) else NoticeLevel(default)
        return cls(str(text).removeprefix("smootify: "), level)

    def __reduce__(self) -> tuple:
        return (Notice, (str(self), self.level))
