"""The one exception type for errors a user can cause; cli.py turns it into a one-line message."""

from __future__ import annotations

from pathlib import Path


class SsgError(Exception):
    """A problem with the user's input, naming the file (and line) and what to do next."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __reduce__(self):  # so that an error raised in a render worker arrives whole
        return (SsgError, (self.message, self.path, self.line))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"
