"""Read a blueprint file into plain data plus a table of source positions.

YAML is read from parser events (libyaml when present) by our own small
composer, so that:

* every key and value keeps its 1-based line and column;
* duplicate keys are reported instead of silently keeping the last one;
* scalars follow YAML 1.2, as editors do (``no``, ``on``, ``off`` stay strings);
* alias expansion is bounded ("billion laughs") and recursive aliases refused;
* nesting depth and file size are bounded, and nothing here ever raises for
  bad input: every difficulty becomes a :class:`Problem`.
"""

from __future__ import annotations

import gc
import math
import os
import re
import stat
import sys
from dataclasses import dataclass, field

import yaml

from blueprint import vocab
from blueprint.messages import N_, _
from blueprint.problems import Pos, Problem, problem

try:  # libyaml's parser is several times faster than the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]  # the pure-Python twin

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES_FACTOR = 10  # alias expansion may add at most 10x the nodes written
MIN_NODE_BUDGET = 100_000

Path = tuple  # a path into the data: keys and list indexes


@dataclass
class Document:
    """Plain data of one YAML file and where each part of it was written."""

    path: str
    data: object = None
    values: dict = field(default_factory=dict)  # path -> Pos of the value
    keys: dict = field(default_factory=dict)  # path -> Pos of the mapping key
    numbers: dict = field(
        default_factory=dict
    )  # path -> the text of a value read as a number (1.10, 0x1f): top-level ones, and
    # every one that is not finite (.inf, .nan, 1e999, 5,000 digits), wherever it is
    #: start Pos -> end Pos (just after the token) of every scalar, key and alias;
    #: recorded only when asked for (``parse_yaml(..., spans=True)``: the language server)
    ends: dict | None = None

    def pos(self, path: Path) -> Pos:
        """Position of the value at ``path``, or of its nearest written parent."""
        path = tuple(path)
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Pos(1, 1))

    def key_pos(self, path: Path) -> Pos:
        """Position of the key that holds ``path`` (or of the value for list items)."""
        path = tuple(path)
        if path in self.keys:
            return self.keys[path]
        return self.pos(path)


class LoadError(Exception):
    def __init__(self, pos: Pos, message: str, rule: str):
        super().__init__(message)
        self.pos, self.message, self.rule = pos, message, rule


_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")

#: first characters of plain scalars that may be null, true or false, or a number
_WORDY = frozenset("nNtTfF~")
_WORDS = {
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_MAYBE_NUMBER = frozenset("0123456789+-.")

_STR_TAG = "tag:yaml.org,2002:str"
_KNOWN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


#: what a designer most often did when libyaml says this
_SYNTAX_HINTS = (
    (
        "mapping values are not allowed",
        N_("is this key indented too far, or does a text hold ': ' (then quote it)?"),
    ),
    (
        "did not find expected '-' indicator",
        N_("check the indentation of this line against the list items above"),
    ),
    ("did not find expected key", N_("check the indentation of this line against the keys above")),
    (
        "could not find expected ':'",
        N_("a key needs ': ' after it; or quote a text that runs over several lines"),
    ),
    ("found undefined alias", N_("an alias *name needs an anchor &name written before it")),
    ("found unexpected end of stream", N_("a quote or bracket is not closed")),
)


#: integers are held like JSON numbers (64-bit floating point): one larger than this
#: is "too large to hold" and read as infinity, as 1e999 is, and reported by the schema
_FLOAT_MAX = sys.float_info.max
#: longer than this (sign and leading zeros aside), an integer is past _FLOAT_MAX in
#: every base; checked before converting, which would take quadratic time in base 10
#: and which Python refuses past 4,300 digits
_MAX_DIGITS = 400


def _whole(text: str, base: int):
    """An integer written in ``base`` (with an optional sign), or an infinity
    when it is too large to hold as a number (see :data:`_FLOAT_MAX`)."""
    negative = text.startswith("-")
    digits = text.lstrip("+-")
    if base != 10:
        digits = digits[2:]  # 0o, 0x
    digits = digits.lstrip("0")
    if len(digits) > _MAX_DIGITS:
        return -math.inf if negative else math.inf
    n = int(digits or "0", base)
    if n > _FLOAT_MAX:
        return -math.inf if negative else math.inf
    return -n if negative else n


def resolve_scalar(value: str, plain: bool, tag: str | None):
    """Turn a YAML scalar into a Python value with the YAML 1.2 core schema."""
    if tag == _STR_TAG or not plain and tag in (None, "!"):
        return value
    if tag is None and value:  # fast paths: most plain scalars are words
        first = value[0]
        if first in _WORDY:
            return _WORDS.get(value, value)
        if first not in _MAYBE_NUMBER:
            return value
    if tag == "tag:yaml.org,2002:int" and _INT10.match(value):
        return _whole(value, 10)
    if tag == "tag:yaml.org,2002:float" and (_FLOAT.match(value) or _INT10.match(value)):
        return float(value)
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT10.match(value):
        return _whole(value, 10)
    if _INT8.match(value):
        return _whole(value, 8)
    if _INT16.match(value):
        return _whole(value, 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    return value


def _key_text(value, source: str | None = None):
    """A mapping key as text: ``1``, ``true`` and ``null`` as written, so that
    ``1`` and ``true`` (equal in Python) are not taken for duplicates."""
    if isinstance(value, (str, dict, list)):
        return value
    if source is not None:
        return source
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _mark(mark) -> Pos:
    return Pos(mark.line + 1, mark.column + 1)


class _Composer:
    """Builds plain data from parser events, iteratively (no recursion limit)."""

    def __init__(self, doc: Document, problems: list, text_len: int):
        self.doc = doc
        self.problems = problems
        self.anchors: dict = {}
        self.anchor_sizes: dict = {}
        self.open_anchors: set = set()
        self.nodes = 0
        self.budget = max(MIN_NODE_BUDGET, text_len * MAX_NODES_FACTOR // 4)
        self.restore: dict | None = None  # placeholder -> line separator (see parse_yaml)

    def _count(self, n: int, pos: Pos):
        self.nodes += n
        if self.nodes > self.budget:
            raise LoadError(
                pos,
                _(
                    "aliases expand to more than %(budget)s values; "
                    "the file is refused (a 'billion laughs' alias bomb?)"
                )
                % {"budget": f"{self.budget:,}"},
                "alias-limit",
            )

    def compose(self, events) -> None:
        # stack entries: [container, path, pending_key, key_pos, anchor, seen_keys, size]
        # size counts the values in the container, aliases expanded (for the alias budget)
        stack: list = []
        root_set = False
        values = self.doc.values
        ends = self.doc.ends
        Scalar, Alias = yaml.ScalarEvent, yaml.AliasEvent
        MapStart, SeqStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
        Ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        for ev in events:
            kind = type(ev)
            if kind in Ends:
                frame = stack.pop()
                value = frame[0]
                if frame[4] is not None:
                    self.open_anchors.discard(frame[4])
                    self.anchor_sizes[frame[4]] = frame[6]
                if not stack:
                    root_set = True
                    self.doc.data = value
                else:
                    self._add(stack, value, frame[1], frame[6])
                continue
            if (
                kind is not Scalar
                and kind is not Alias
                and kind is not MapStart
                and kind is not SeqStart
            ):
                if kind is yaml.DocumentStartEvent and root_set:
                    raise LoadError(
                        _mark(ev.start_mark),
                        _(
                            "the file holds more than one YAML document; keep one blueprint per file"
                        ),
                        "yaml-syntax",
                    )
                continue  # stream and document boundaries

            mark = ev.start_mark
            pos = Pos(mark.line + 1, mark.column + 1)
            if stack:
                top = stack[-1]
                if len(stack) >= MAX_DEPTH:
                    raise LoadError(
                        pos,
                        _("nesting deeper than %(depth)d levels") % {"depth": MAX_DEPTH},
                        "too-deep",
                    )
                is_key = top[2] is _NO_KEY and top[0].__class__ is dict
                if top[0].__class__ is list:
                    path = top[1] + (len(top[0]),)
                elif is_key:
                    path = top[1]  # a key: its position is recorded in keys
                else:
                    path = top[1] + (top[2],)
            else:
                top, is_key, path = None, False, ()

            if kind is Alias:
                if ev.anchor in self.open_anchors:
                    raise LoadError(
                        pos,
                        _("alias *%(anchor)s refers to itself (recursive alias)")
                        % {"anchor": ev.anchor},
                        "recursive-alias",
                    )
                if ev.anchor not in self.anchors:
                    raise LoadError(
                        pos, _("unknown alias *%(anchor)s") % {"anchor": ev.anchor}, "yaml-syntax"
                    )
                size = self.anchor_sizes.get(ev.anchor, 1)
                self._count(size, pos)
                if ends is not None:
                    ends[pos] = _mark(ev.end_mark)
                value = self.anchors[ev.anchor]
                if is_key:
                    self._key(stack, _key_text(value), pos)
                    continue
                values.setdefault(path, pos)
                if top is None:
                    root_set = True
                    self.doc.data = value
                else:
                    self._add(stack, value, path, size)
                continue

            self.nodes += 1
            if self.nodes > self.budget:
                self._count(0, pos)
            tag = ev.tag
            if tag and tag not in _KNOWN_TAGS and tag != "!":
                self.problems.append(
                    problem(
                        self.doc.path,
                        pos,
                        "error",
                        _("unsupported YAML tag %(tag)s") % {"tag": tag},
                        "yaml-tag",
                    )
                )

            if kind is Scalar:
                if ends is not None:
                    ends[pos] = _mark(ev.end_mark)
                value = resolve_scalar(ev.value, ev.implicit[0], tag)
                if self.restore and isinstance(value, str):
                    value = value.translate(self.restore)
                if ev.anchor:
                    self.anchors[ev.anchor] = value
                    self.anchor_sizes[ev.anchor] = 1
                if is_key:
                    self._key(
                        stack,
                        _key_text(
                            value, ev.value.translate(self.restore) if self.restore else ev.value
                        ),
                        pos,
                    )
                    continue
                values.setdefault(path, pos)
                if (
                    isinstance(value, (int, float))
                    and not isinstance(value, bool)
                    and (len(path) < 2 or not math.isfinite(value))
                ):
                    # top-level: 'version: 1.10' keeps its zero; anywhere: what was written
                    # for a number that is not finite (.inf, 1e999), for its message
                    self.doc.numbers.setdefault(path, ev.value)
                if top is None:
                    root_set = True
                    self.doc.data = value
                else:
                    self._add(stack, value, path, 1)
                continue

            # a collection starts
            if is_key:
                raise LoadError(
                    pos,
                    _("a mapping key must be a plain value, not a list or mapping"),
                    "complex-key",
                )
            container: dict | list = {} if kind is MapStart else []
            values.setdefault(path, pos)
            if ev.anchor:
                self.anchors[ev.anchor] = container
                self.open_anchors.add(ev.anchor)
            stack.append([container, path, _NO_KEY, None, ev.anchor, {}, 1])

    def _key(self, stack, key, pos: Pos) -> None:
        frame = stack[-1]
        if isinstance(key, (dict, list)):
            raise LoadError(
                pos, _("a mapping key must be a plain value, not a list or mapping"), "complex-key"
            )
        if key in frame[5]:
            first = frame[5][key]
            self.problems.append(
                problem(
                    self.doc.path,
                    pos,
                    "error",
                    _(
                        "duplicate key '%(key)s' (first written at line %(line)d); "
                        "YAML would silently keep only the last one"
                    )
                    % {"key": key, "line": first.line},
                    "duplicate-key",
                )
            )
        else:
            frame[5][key] = pos
            # the first written key wins, also over one brought in by a merge ('<<')
            self.doc.keys[frame[1] + (key,)] = pos
            self.doc.values.pop(frame[1] + (key,), None)
        frame[2] = key
        frame[3] = pos

    def _add(self, stack, value, path, size: int) -> None:
        frame = stack[-1]
        frame[6] += size
        container = frame[0]
        if container.__class__ is list:
            container.append(value)
            return
        key = frame[2]
        if key == "<<" and isinstance(value, (dict, list)):  # merge key
            sources = value if isinstance(value, list) else [value]
            for src in sources:
                if isinstance(src, dict):
                    for k, v in src.items():
                        if k not in container:
                            container[k] = v
                            # merged values point at the '<<' that brought them
                            self.doc.keys.setdefault(frame[1] + (k,), frame[3])
                            self.doc.values.setdefault(frame[1] + (k,), frame[3])
        elif key in frame[5] and frame[5][key] != frame[3]:
            pass  # duplicate: the first one wins, the duplicate is reported
        else:
            container[key] = value
        frame[2] = _NO_KEY


_NO_KEY = object()


#: kept importable from here for older callers; vocab.printable is the one filter
printable = vocab.printable


def _decode(raw: bytes, path: str, problems: list) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            problem(path, Pos(1, 1), "error", _("the file is UTF-16; save it as UTF-8"), "encoding")
        )
        return None
    if b"\x00" in raw[:8192]:
        problems.append(
            problem(
                path,
                Pos(1, 1),
                "error",
                _("this is a binary file, not a YAML blueprint"),
                "encoding",
            )
        )
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")  # valid UTF-8 up to the bad byte
        problems.append(
            problem(
                path,
                _pos_of_index(before, len(before)),  # lines and columns as editors count them
                "error",
                _("byte %(byte)s is not UTF-8; save the file as UTF-8")
                % {"byte": f"0x{raw[exc.start]:02x}"},
                "encoding",
            )
        )
        return None


def read_text(path: str, problems: list) -> str | None:
    """The file's text, or None with a problem explaining why it cannot be read."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            problems.append(
                problem(path, Pos(1, 1), "error", "is a folder, not a file", "file-unreadable")
            )
            return None
        if not stat.S_ISREG(st.st_mode):  # a pipe or a device could block or never end
            problems.append(
                problem(
                    path,
                    Pos(1, 1),
                    "error",
                    "is not a regular file (a pipe, socket or device)",
                    "file-unreadable",
                )
            )
            return None
        too_large = f"file is {{:.1f}} MiB; the limit is {MAX_FILE_BYTES // 1048576} MiB"
        if st.st_size > MAX_FILE_BYTES:
            problems.append(
                problem(
                    path,
                    Pos(1, 1),
                    "error",
                    too_large.format(st.st_size / 1048576),
                    "file-too-large",
                )
            )
            return None
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # bounded: the file may grow after stat
        if len(raw) > MAX_FILE_BYTES:
            problems.append(
                problem(
                    path, Pos(1, 1), "error", too_large.format(len(raw) / 1048576), "file-too-large"
                )
            )
            return None
    except OSError as exc:
        problems.append(
            problem(
                path,
                Pos(1, 1),
                "error",
                f"cannot read the file: {exc.strerror or exc}",
                "file-unreadable",
            )
        )
        return None
    return _decode(raw, path, problems)


#: Unicode line separators that YAML 1.1 readers (libyaml) count as line breaks
#: but YAML 1.2, editors, grep and GitHub do not; they are swapped for private-use
#: placeholders while parsing so that line numbers match what the designer sees.
_ODD_BREAKS = {"\x85": "\ue085", "\u2028": "\ue028", "\u2029": "\ue029"}
_TO_PLACEHOLDER = str.maketrans(_ODD_BREAKS)
_FROM_PLACEHOLDER = str.maketrans({v: k for k, v in _ODD_BREAKS.items()})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _pos_of_index(text: str, index: int) -> Pos:
    """Line and column of a character index, counting \\n, \\r\\n and \\r as breaks."""
    before = text[:index]
    lines = _LINE_BREAK.split(before)
    return Pos(len(lines), len(lines[-1]) + 1)


def _char_index(source: str, position: int) -> int:
    """The character index of a reader error's ``position``: libyaml counts it
    in bytes of the UTF-8 text it was given, the pure-Python reader in characters."""
    if _Loader.__name__.startswith("C"):
        return len(source.encode("utf-8")[:position].decode("utf-8", "ignore"))
    return min(position, len(source))


def _indenting_tab(text: str, up_to_line: int) -> Pos | None:
    """The first tab used as indentation, at or before ``up_to_line``."""
    for n, line in enumerate(_LINE_BREAK.split(text), 1):
        if n > up_to_line:
            break
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            return Pos(n, len(line) - len(stripped) + 1)
    return None


def _clamp(text: str, pos: Pos) -> Pos:
    """``pos`` kept inside the text: libyaml puts errors at the end of a file
    without a final line break one line below its last line."""
    breaks = len(_LINE_BREAK.findall(text))
    if pos.line <= breaks:
        return pos
    last = _LINE_BREAK.split(text)[-1]
    return Pos(breaks + 1, min(pos.col, len(last) + 1) if pos.line == breaks + 1 else len(last) + 1)


def _syntax_problem(path: str, text: str, pos: Pos, msg: str) -> Problem:
    pos = _clamp(text, pos)
    if "\t" in text:
        # libyaml's messages for tabs are cryptic: point at the indenting tab
        tab = _indenting_tab(text, pos.line)
        if tab is not None:
            return problem(
                path,
                tab,
                "error",
                _("YAML syntax: tab used for indentation; YAML needs spaces"),
                "yaml-syntax",
            )
    # TRANSLATORS: %(reason)s is the YAML parser's own (English) description
    return problem(
        path, pos, "error", _("YAML syntax: %(reason)s") % {"reason": msg}, "yaml-syntax"
    )


def parse_yaml(text: str, path: str, *, spans: bool = False) -> tuple[Document, list[Problem]]:
    """Compose ``text`` into a :class:`Document`; never raises for bad input.
    With ``spans``, the document also records where each token ends (``Document.ends``)."""
    doc = Document(path, ends={} if spans else None)
    problems: list[Problem] = []
    composer = _Composer(doc, problems, len(text))
    source = text
    if any(c in text for c in _ODD_BREAKS) and not any(c in text for c in _ODD_BREAKS.values()):
        source = text.translate(_TO_PLACEHOLDER)
        composer.restore = _FROM_PLACEHOLDER
    gc_was_enabled = gc.isenabled()
    gc.disable()  # composing makes millions of small objects and no cycles: the GC only slows it down
    try:
        composer.compose(yaml.parse(source, Loader=_Loader))
    except LoadError as exc:
        problems.append(problem(path, exc.pos, "error", exc.message, exc.rule))
        doc.data = None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _mark(mark) if mark else Pos(1, 1)
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml (PyYAML 6.0.4 and newer) stops at 1,000 levels while scanning ahead,
            # before our own limit is reached: the same problem, where libyaml stopped
            problems.append(
                problem(
                    path,
                    _clamp(text, pos),
                    "error",
                    _("nesting deeper than %(depth)d levels") % {"depth": MAX_DEPTH},
                    "too-deep",
                )
            )
            doc.data = None
            return doc, problems
        msg = exc.problem or "invalid YAML"
        if exc.context:
            msg = f"{msg} ({exc.context}"
            if exc.context_mark and exc.context_mark is not mark:
                msg += f" at line {exc.context_mark.line + 1}"
            msg += ")"
        for clue, hint in _SYNTAX_HINTS:
            if clue in (exc.problem or ""):
                msg += "; " + _(hint)
                break
        problems.append(_syntax_problem(path, text, pos, msg))
        doc.data = None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
        index = getattr(exc, "position", None)
        if mark:
            pos = _mark(mark)
        elif isinstance(index, int) and index >= 0:
            pos = _pos_of_index(text, _char_index(source, index))
        else:
            pos = Pos(1, 1)
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        char = getattr(exc, "character", None)
        if isinstance(char, str) and len(char) == 1:
            reason = f"{reason} (U+{ord(char):04X})"
        problems.append(
            problem(
                path, pos, "error", _("YAML syntax: %(reason)s") % {"reason": reason}, "yaml-syntax"
            )
        )
        doc.data = None
    except RecursionError:  # pragma: no cover - guarded by MAX_DEPTH
        problems.append(problem(path, Pos(1, 1), "error", "nesting too deep", "too-deep"))
        doc.data = None
    finally:
        if gc_was_enabled:
            gc.enable()
    return doc, problems


def load_yaml(path: str) -> tuple[Document, list[Problem]]:
    problems: list[Problem] = []
    text = read_text(path, problems)
    if text is None:
        return Document(path), problems
    doc, more = parse_yaml(text, path)
    return doc, problems + more
