"""An editor's buffer: lines as the loader counts them, positions in the
client's units, the token at a position and the keys around the cursor.

The loader's positions are 1-based lines and columns in characters (code
points); the Language Server Protocol counts 0-based lines and, by default,
UTF-16 code units (the client may choose UTF-8 or UTF-32). Lines end at
``\\n``, ``\\r\\n`` or ``\\r``, as in the loader and in the protocol.
"""

from __future__ import annotations

import re

from lsprotocol import types

from blueprint.problems import Pos

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: where a plain scalar or key ends on its line
_PLAIN_END = re.compile(r":(?=\s|$)|\s#|,|\]|\}|\s*$")
_KEY_LINE = re.compile(
    r"^(?P<indent> *)(?P<dash>(?:- +)*)(?P<key>[^\s:#][^:#]*?)?\s*(?::(?:\s|$)|$)"
)
_ID_CHARS = re.compile(r"[^\s:,\[\]{}#'\"]+")


class Buffer:
    """One version of a document's text."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.lines = _LINE_BREAK.split(text)
        self.encoding = str(getattr(encoding, "value", encoding))  # 'utf-8', 'utf-16', 'utf-32'

    def line(self, n: int) -> str:
        """Line ``n`` (1-based), '' past the end."""
        return self.lines[n - 1] if 0 < n <= len(self.lines) else ""

    def _units(self, s: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf32.value:
            return len(s)
        if self.encoding == types.PositionEncodingKind.Utf8.value:
            return len(s.encode("utf-8", "surrogatepass"))
        return len(s.encode("utf-16-le", "surrogatepass")) // 2

    def position(self, pos: Pos) -> types.Position:
        """A 1-based loader position as an LSP position in the client's units."""
        line = max(pos.line, 1)
        text = self.line(line)
        return types.Position(line - 1, self._units(text[: max(pos.col - 1, 0)]))

    def range(self, start: Pos, end: Pos | None = None) -> types.Range:
        return types.Range(self.position(start), self.position(end or start))

    def pos(self, position: types.Position) -> Pos:
        """An LSP position as a 1-based loader position (column in characters)."""
        text = self.line(position.line + 1)
        units, col = 0, 0
        while col < len(text) and units < position.character:
            units += self._units(text[col])
            col += 1
        return Pos(position.line + 1, col + 1)

    def token_end(self, start: Pos) -> Pos:
        """Where the token written at ``start`` ends, read from the text: a quoted
        scalar after its closing quote, a plain one before ``: ``, `` #``, ``,``,
        ``]``, ``}`` or the end of the line; at least one character."""
        text = self.line(start.line)
        i = start.col - 1
        if i >= len(text):
            return Pos(start.line, start.col + (1 if i < len(text) else 0))
        quote = text[i]
        if quote in "'\"":
            j = i + 1
            while j < len(text):
                if text[j] == quote:
                    if quote == "'" and text[j + 1 : j + 2] == "'":
                        j += 2
                        continue
                    return Pos(start.line, j + 2)
                if text[j] == "\\" and quote == '"':
                    j += 1
                j += 1
            return Pos(start.line, len(text) + 1)
        if quote in "[{":
            return Pos(start.line, start.col + 1)
        m = _PLAIN_END.search(text, i + 1)
        end = m.start() if m else len(text)
        while end > i + 1 and text[end - 1] in " \t":  # not the blanks before a comment
            end -= 1
        return Pos(start.line, max(end, i + 1) + 1)

    def token_at(self, pos: Pos) -> tuple[Pos, Pos] | None:
        """The id-like word (letters, digits, '-', '_', '.') around ``pos``."""
        text = self.line(pos.line)
        for m in _ID_CHARS.finditer(text):
            if m.start() <= pos.col - 1 <= m.end():
                return Pos(pos.line, m.start() + 1), Pos(pos.line, m.end() + 1)
        return None

    def parents(self, line: int, col: int) -> list[str]:
        """The keys that hold the cursor, outermost first, read from the
        indentation (the buffer may not parse while it is being typed):
        ``['steps', '-', 'fail']`` inside a step's ``fail:``; ``'-'`` is a list item."""
        text = self.line(line)
        m = _KEY_LINE.match(text)
        if m and m["dash"] and ":" not in text[: col - 1]:
            # a list item being typed ('- val|', or '- ke|' starting a mapping): the
            # chain of the list that holds it (the caller adds the '-')
            threshold = len(m["indent"])
        else:
            stripped = len(text) - len(text.lstrip(" "))
            threshold = min(stripped, col - 1) if text.strip() else col - 1
        chain: list[str] = []
        for n in range(line - 1, 0, -1):
            if threshold == 0:
                break
            above = self.line(n)
            if not above.strip() or above.lstrip().startswith("#"):
                continue
            km = _KEY_LINE.match(above)
            if km is None:
                continue
            indent = len(km["indent"])
            key_col = indent + len(km["dash"])
            if km["dash"]:
                if key_col == threshold:  # a sibling key in the same list item
                    chain.append("-")
                    threshold = indent
                elif key_col < threshold and km["key"]:  # '- fail:' holding the cursor
                    chain += [km["key"], "-"]
                    threshold = indent
            elif indent < threshold and km["key"]:
                chain.append(km["key"])
                threshold = indent
        chain.reverse()
        return chain
