"""The vocabulary of blueprints, in one place: the ids every other module uses.

Lanes and the lines between them (DOMAIN.md §1), locales, severities, the
duration grammar, the output formats and their choices, and :func:`printable`,
the one filter of characters that must not reach an output as they are.

Only ids live here; the words people read (lane titles, line names, in each
locale) are in :mod:`blueprint.i18n`, keyed by these ids. A new lane, line or
locale is a one-line change here, plus its words in :mod:`blueprint.i18n` and
its colours in :mod:`blueprint.render.dot` (tests/test_vocabulary.py names what
is missing). The JSON Schema (``schema/blueprint.schema.json``) ships as a file
for editors; the same test holds its enums and its duration pattern to these.

This module imports nothing from blueprint: everything may import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ------------------------------------------------------------------- lanes and lines

#: the band above the lanes: the physical evidence a customer meets
EVIDENCE = "evidence"

CUSTOMER = "customer"  # the customer's actions
FRONTSTAGE = "frontstage"  # visible contact staff
BACKSTAGE = "backstage"  # invisible contact staff
SUPPORT = "support"  # other departments, systems, suppliers

INTERACTION = "interaction"  # below the customer: where customer and service meet
VISIBILITY = "visibility"  # customers see nothing below it
INTERNAL = "internal"  # below it: other teams, systems, suppliers


@dataclass(frozen=True)
class Lane:
    id: str
    line_below: str | None  # the line drawn below the lane (None: the bottom lane)
    step_noun: str  # how check's messages (English) name one of its steps


#: the lanes, top to bottom: a new lane or line is one line here
LANE_TABLE: tuple[Lane, ...] = (
    Lane(CUSTOMER, INTERACTION, "customer action"),
    Lane(FRONTSTAGE, VISIBILITY, "front-stage step"),
    Lane(BACKSTAGE, INTERNAL, "back-stage step"),
    Lane(SUPPORT, None, "support process"),
)

LANES: tuple[str, ...] = tuple(lane.id for lane in LANE_TABLE)
#: the lines, top to bottom
LINES: tuple[str, ...] = tuple(lane.line_below for lane in LANE_TABLE if lane.line_below)
#: lane -> the line below it (None for the bottom lane)
LINE_BELOW: dict[str, str | None] = {lane.id: lane.line_below for lane in LANE_TABLE}
#: lane -> how check's messages name one of its steps
STEP_NOUN: dict[str, str] = {lane.id: lane.step_noun for lane in LANE_TABLE}
#: (line, the lane above it, the lane below it), top to bottom
LINES_BETWEEN: tuple[tuple[str, str, str], ...] = tuple(
    (lane.line_below, lane.id, LANES[i + 1]) for i, lane in enumerate(LANE_TABLE) if lane.line_below
)
#: the evidence band, then the lanes: the bands of a diagram, top to bottom
BANDS: tuple[str, ...] = (EVIDENCE, *LANES)
#: lane -> its place, top (0) to bottom
LANE_RANK: dict[str, int] = {lane: i for i, lane in enumerate(LANES)}


def _above(line: str) -> int:
    return next(i for i, lane in enumerate(LANE_TABLE) if lane.line_below == line) + 1


def lanes_above(line: str) -> tuple[str, ...]:
    """The lanes above a line, top to bottom."""
    return LANES[: _above(line)]


def lanes_below(line: str) -> tuple[str, ...]:
    """The lanes below a line, top to bottom."""
    return LANES[_above(line) :]


#: the lanes a customer sees (above the line of visibility) and those they do not
VISIBLE: tuple[str, ...] = lanes_above(VISIBILITY)
INVISIBLE: tuple[str, ...] = lanes_below(VISIBILITY)
#: the lanes of staff and systems (below the line of interaction)
STAFF: tuple[str, ...] = lanes_below(INTERACTION)
#: the lanes of contact staff, visible or not (between the lines of interaction
#: and of internal interaction)
CONTACT_STAFF: tuple[str, ...] = tuple(lane for lane in STAFF if lane in lanes_above(INTERNAL))


def lines_crossed(a: str | None, b: str | None) -> tuple[str, ...]:
    """The lines a flow between lanes ``a`` and ``b`` crosses, top to bottom
    (none when either is not a lane)."""
    i = LANE_RANK.get(a) if a is not None else None
    j = LANE_RANK.get(b) if b is not None else None
    if i is None or j is None:
        return ()
    between = LANE_TABLE[min(i, j) : max(i, j)]
    return tuple(lane.line_below for lane in between if lane.line_below)


# ----------------------------------------------------------------------- customer needs

#: the types of a customer need (DOMAIN.md §7): what the customer takes for granted,
#: expects, is delighted by, needs solved, is annoyed to be given, and needs on the side
NEED_TYPES: tuple[str, ...] = ("basic", "expected", "delight", "problem", "reverse", "secondary")
#: the need type that providing annoys: a front-stage step that still serves it is flagged
REVERSE_NEED = "reverse"

# ---------------------------------------------------------------------- evidence levels

#: how a fact of the blueprint is known (``known:``), from the firmest: seen, timed or
#: measured; said by customers or staff; the team's belief; not in the service yet
KNOWN_LEVELS: tuple[str, ...] = ("observed", "reported", "assumed", "proposed")
ASSUMED, PROPOSED = KNOWN_LEVELS[2], KNOWN_LEVELS[3]
#: the levels a decision should not rest on unseen (the drawing marks them, the
#: customer time says when it rests on them)
UNSURE: tuple[str, ...] = (ASSUMED, PROPOSED)

# ----------------------------------------------------------------------------- SERVQUAL

#: the five SERVQUAL dimensions of service quality (DOMAIN.md §7); evidence counts as tangibles
SERVQUAL: tuple[str, ...] = ("reliability", "responsiveness", "assurance", "empathy", "tangibles")

# ------------------------------------------------------------------------------ locales

#: the locales a blueprint may declare (``locale:``); the first is the default
LOCALES: tuple[str, ...] = ("en", "zh-CN", "zh-TW")
DEFAULT_LOCALE = LOCALES[0]


def locale_of(locale: object) -> str:
    """The supported locale for ``locale`` (the default when unknown or empty)."""
    return locale if isinstance(locale, str) and locale in LOCALES else DEFAULT_LOCALE


# --------------------------------------------------------------------------- severities

INFO, WARNING, ERROR = "info", "warning", "error"
#: the severities of a problem, from the mildest
SEVERITIES: tuple[str, ...] = (INFO, WARNING, ERROR)
#: a rule's level in a configuration: off, or a severity
OFF = "off"
LEVELS: tuple[str, ...] = (OFF, *SEVERITIES)
#: level -> rank (off below every severity)
SEVERITY_RANK: dict[str, int] = {level: i - 1 for i, level in enumerate(LEVELS)}


def at_least(severity: str) -> tuple[str, ...]:
    """The severities as severe as ``severity`` or more, from the mildest."""
    return SEVERITIES[SEVERITIES.index(severity) :]


# ---------------------------------------------------------------------------- durations

#: unit -> seconds, as designers write them (30s, 5min, 2h, 3d, 1w)
DURATION_UNITS: dict[str, int] = {
    "s": 1,
    "sec": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
}
#: the units a duration is written back in, largest first (format_duration)
DURATION_OUTPUT_UNITS: tuple[str, ...] = ("d", "h", "m", "s")
_UNIT_CHOICE = "|".join(DURATION_UNITS)
#: the JSON Schema's pattern of a duration (schema/blueprint.schema.json holds this text)
DURATION_PATTERN = rf"^\s*(\d+(\.\d+)?\s*({_UNIT_CHOICE})\s*)+$"
#: a whole duration, as the schema checks it
DURATION_RE = re.compile(DURATION_PATTERN)
#: one part of a duration: a number and its unit (the longest unit name tried first)
DURATION_PART_RE = re.compile(
    r"\s*(\d+(?:\.\d+)?)\s*(" + "|".join(sorted(DURATION_UNITS, key=len, reverse=True)) + r")\s*"
)
#: whole working days, the unit of promises such as "refunded within 3 working days" (3wd):
#: never mixed with the other units, since a working day's length depends on the calendar
WORKING_DAY_UNIT = "wd"
WORKING_DAYS_RE = re.compile(rf"^\s*(\d+)\s*{WORKING_DAY_UNIT}\s*$")
#: the JSON Schema's pattern of a promise's limit: a duration, or whole working days
LIMIT_PATTERN = rf"^\s*((\d+(\.\d+)?\s*({_UNIT_CHOICE})\s*)+|\d+\s*{WORKING_DAY_UNIT}\s*)$"

# ------------------------------------------------------------------ formats and choices

#: blueprint check --format
CHECK_FORMATS: tuple[str, ...] = ("text", "json", "github", "sarif", "junit")
#: blueprint rules --format
RULES_FORMATS: tuple[str, ...] = ("text", "markdown")
#: blueprint analyze --format
ANALYSIS_FORMATS: tuple[str, ...] = ("text", "json")
#: blueprint diff --format (the first is the default)
DIFF_FORMATS: tuple[str, ...] = ("text", "markdown", "json", "github")
#: blueprint diff --fail-on (the first is the default)
DIFF_FAIL_ON: tuple[str, ...] = ("change", "worse")
#: blueprint render --format (the first is the default)
DIAGRAM_FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "dot")
#: the media type of each diagram format (downloads served by blueprint serve)
DIAGRAM_MEDIA_TYPES: dict[str, str] = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "dot": "text/vnd.graphviz",
}
#: blueprint export --format (docs/interchange.md)
EXPORT_FORMATS: tuple[str, ...] = ("xlsx", "csv", "json")
#: blueprint script --format (the first is the default)
SCRIPT_FORMATS: tuple[str, ...] = ("md", "html", "txt")
_MM = 72 / 25.4  # points per millimetre
#: paper of the PDF diagrams -> its portrait width and height in points (the first is the default)
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210 * _MM, 297 * _MM),
    "a3": (297 * _MM, 420 * _MM),
    "letter": (8.5 * 72, 11 * 72),
    "a2": (420 * _MM, 594 * _MM),  # posters
    "a1": (594 * _MM, 841 * _MM),
    "a0": (841 * _MM, 1189 * _MM),
}
PAPERS: tuple[str, ...] = tuple(PAPER_SIZES)
#: colour themes of the diagrams (the first is the default)
THEMES: tuple[str, ...] = ("color", "mono")

# --------------------------------------------------------------------- printable text

#: the characters no output carries as they are: the C0 controls (escape
#: sequences, carriage returns, line breaks, the bell), DEL and the C1 controls,
#: the bidirectional marks and overrides (U+061C, U+200E/F, U+202A-E, U+2066-9),
#: which reorder what a reader sees and can hide or fake text, the line and
#: paragraph separators (U+2028/9), and the two noncharacters XML forbids
#: (U+FFFE/F)
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


def _shown(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def printable(text: str, *, keep: str = "", replace: str | None = None) -> str:
    """``text`` without the characters of :data:`UNSAFE` (one set for every output).

    Each one is shown as ``\\xNN`` or ``\\uNNNN`` (a reader sees that something
    was there and what), or replaced by ``replace`` when given (``""`` drops it).
    ``keep`` lists characters of the set that the output holds as they are: a
    terminal line keeps none; a multi-line text keeps ``"\\n\\t"``; XML and HTML
    keep ``"\\t\\n\\r"``. The outputs choose only ``keep`` and ``replace``::

        terminal, check and analyze   printable(text)
        text scripts                  printable(text, keep="\\n\\t")
        JUnit XML                     printable(text, keep="\\t\\n\\r")
        HTML scripts                  printable(text, keep="\\t\\n\\r", replace="")
        DOT labels                    printable(text, replace=" ")
    """
    if not UNSAFE.search(text):
        return text
    if replace is None:
        return UNSAFE.sub(lambda m: m[0] if m[0] in keep else _shown(m[0]), text)
    return UNSAFE.sub(lambda m: m[0] if m[0] in keep else replace, text)
