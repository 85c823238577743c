"""Problems are values: every stage returns them, only reporters print them."""

from __future__ import annotations

from dataclasses import dataclass

from blueprint.messages import _


@dataclass(frozen=True, slots=True)
class Pos:
    """A 1-based line and column in a source file."""

    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int
    col: int
    severity: str
    message: str
    rule: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity} {self.message} [{self.rule}]"

    def sort_key(self):
        return (self.path, self.line, self.col, self.rule, self.message)


def did_you_mean(word, choices, cutoff: float = 0.6) -> str:
    """'; did you mean 'x'?' for the choice closest to ``word``, or ''."""
    if not isinstance(word, str):
        return ""
    import difflib

    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=cutoff)
    return _("; did you mean '%(choice)s'?") % {"choice": close[0]} if close else ""


def problem(path: str, pos: Pos | None, severity: str, message: str, rule: str) -> Problem:
    pos = pos or Pos(1, 1)
    return Problem(path, pos.line, pos.col, severity, message, rule)
