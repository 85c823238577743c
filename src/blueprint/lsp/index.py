"""One checked version of a buffer and where each id is written in it.

A :class:`Snapshot` is ``check`` run on the buffer's text (with the project
configuration found upward from the file's path) plus an index of every place
a step, role or phase id, or a rule id, is written: its definition and its uses,
each with the exact span of its token, so that hover, definition, references
and rename work on the same positions the problems carry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from blueprint import lint
from blueprint.load import Document
from blueprint.lsp.text import Buffer
from blueprint.model import Blueprint
from blueprint.problems import Pos

STEP, ROLE, PHASE, RULE = "step", "role", "phase", "rule"


@dataclass(frozen=True, slots=True)
class Occurrence:
    kind: str  # STEP, ROLE, PHASE or RULE
    id: str
    start: Pos
    end: Pos  # just after the token (after the closing quote of a quoted id)
    definition: bool  # the place that declares the id (a step's id:, a role's key...)
    step: int | None = None  # the index of the step it is written in, if any

    def holds(self, pos: Pos) -> bool:
        return self.start.line == pos.line and self.start.col <= pos.col <= self.end.col


class Snapshot:
    """``check`` on one version of a buffer, and its id index."""

    def __init__(self, text: str, path: str, encoding: str, version: int | None = None) -> None:
        self.path = path
        self.version = version
        self.buffer = Buffer(text, encoding)
        self.result = lint.check_file(path, text=text)
        self.doc: Document | None = self.result.document
        self.bp: Blueprint | None = self.result.blueprint
        self.occurrences: list[Occurrence] = list(self._index()) if self.doc else []

    # --- spans -------------------------------------------------------------------------

    def end_of(self, start: Pos) -> Pos:
        """The end of the token at ``start``: the loader's span, else read from the text."""
        ends = self.doc.ends if self.doc is not None else None
        end = ends.get(start) if ends else None
        if end is None or end.line < start.line:
            return self.buffer.token_end(start)
        return end

    def token_text(self, start: Pos, end: Pos) -> str:
        if start.line != end.line:
            return ""
        return self.buffer.line(start.line)[start.col - 1 : end.col - 1]

    # --- the index ---------------------------------------------------------------------

    def _at(
        self, kind: str, value: object, pos: Pos | None, definition: bool, step: int | None = None
    ) -> Iterator[Occurrence]:
        """An occurrence when ``value`` is really written at ``pos`` (not merged
        in by '<<' or brought by an alias)."""
        if not isinstance(value, str) or pos is None:
            return
        end = self.end_of(pos)
        if unquote(self.token_text(pos, end)) == value:
            yield Occurrence(kind, value, pos, end, definition, step)

    def _index(self) -> Iterator[Occurrence]:
        assert self.doc is not None
        data, values, keys = self.doc.data, self.doc.values, self.doc.keys
        if not isinstance(data, dict):
            return
        phases = data.get("phases")
        for i, ph in enumerate(phases if isinstance(phases, list) else []):
            if isinstance(ph, dict):
                yield from self._at(PHASE, ph.get("id"), values.get(("phases", i, "id")), True)
        roles = data.get("roles")
        for rid in roles if isinstance(roles, dict) else {}:
            yield from self._at(ROLE, rid, keys.get(("roles", rid)), True)
        rules = data.get("rules")
        for rid in rules if isinstance(rules, dict) else {}:
            yield from self._at(RULE, rid, keys.get(("rules", rid)), False)
        steps = data.get("steps")
        for i, st in enumerate(steps if isinstance(steps, list) else []):
            if isinstance(st, dict):
                yield from self._step(i, st)

    def _step(self, i: int, st: dict) -> Iterator[Occurrence]:
        values = self.doc.values if self.doc is not None else {}
        base = ("steps", i)
        yield from self._at(STEP, st.get("id"), values.get(base + ("id",)), True, i)
        yield from self._at(ROLE, st.get("role"), values.get(base + ("role",)), False, i)
        yield from self._at(PHASE, st.get("phase"), values.get(base + ("phase",)), False, i)
        nxt = st.get("next")
        if isinstance(nxt, str):
            yield from self._at(STEP, nxt, values.get(base + ("next",)), False, i)
        for j, item in enumerate(nxt if isinstance(nxt, list) else []):
            if isinstance(item, dict):
                path = base + ("next", j, "to")
                yield from self._at(STEP, item.get("to"), values.get(path), False, i)
            else:
                yield from self._at(STEP, item, values.get(base + ("next", j)), False, i)
        ignore = st.get("ignore")
        for j, rid in enumerate(ignore if isinstance(ignore, list) else []):
            yield from self._at(RULE, rid, values.get(base + ("ignore", j)), False, i)

    # --- questions ---------------------------------------------------------------------

    def at(self, pos: Pos) -> Occurrence | None:
        for o in self.occurrences:
            if o.holds(pos):
                return o
        return None

    def named(self, kind: str, ident: str) -> list[Occurrence]:
        return [o for o in self.occurrences if o.kind == kind and o.id == ident]

    def raw_step(self, i: int) -> dict:
        """Step ``i`` as written (its mapping; {} when it is not one)."""
        data = self.doc.data if self.doc is not None else None
        steps = data.get("steps") if isinstance(data, dict) else None
        if isinstance(steps, list) and 0 <= i < len(steps) and isinstance(steps[i], dict):
            return steps[i]
        return {}

    def step_at_line(self, line: int) -> int | None:
        """The index of the step whose item holds ``line`` (from its id's line
        up to the next step's), when the cursor is inside ``steps:``."""
        if self.doc is None:
            return None
        steps = self.doc.data.get("steps") if isinstance(self.doc.data, dict) else None
        if not isinstance(steps, list):
            return None
        steps_key = self.doc.keys.get(("steps",))
        if steps_key is not None:  # past the end of steps: (a top-level key below it)
            below = [
                p.line for k, p in self.doc.keys.items() if len(k) == 1 and p.line > steps_key.line
            ]
            if below and line >= min(below):
                return None
        found = None
        for i in range(len(steps)):
            start = self.doc.values.get(("steps", i))
            if start is None:
                continue
            if start.line > line:
                break
            found = i
        return found


def unquote(token: str) -> str:
    """A scalar's text without its quotes ('' inside single quotes is one quote)."""
    if len(token) >= 2 and token[0] == token[-1] == "'":
        return token[1:-1].replace("''", "'")
    if len(token) >= 2 and token[0] == token[-1] == '"':
        inner = token[1:-1]
        return inner if "\\" not in inner else "\0"  # escapes: not compared (never renamed)
    return token
