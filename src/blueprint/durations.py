"""Durations as designers write them: 30s, 5m, 2h, 3d, 1w, or combined (1h30m).

The grammar (units and pattern) is :mod:`blueprint.vocab`'s, shared with the
schema checks and the JSON Schema.

Promised times may also count working days: ``3wd`` (see :func:`parse_working_days`).
A working day is not a fixed number of seconds (it depends on the calendar and on
when the clock starts), so it is never mixed with the other units.
"""

from __future__ import annotations

from blueprint.vocab import (
    DURATION_OUTPUT_UNITS,
    DURATION_PART_RE,
    DURATION_RE,
    DURATION_UNITS,
    WORKING_DAYS_RE,
)

#: the longest duration accepted: 100 years (longer ones are typing mistakes)
MAX_SECONDS = 100 * 365 * 86400


def parse_duration(text: str) -> float | None:
    """Seconds in ``text``, or None when it is not a duration."""
    if not isinstance(text, str) or not text.strip():
        return None
    pos, total = 0, 0.0
    while pos < len(text):
        m = DURATION_PART_RE.match(text, pos)
        if not m:
            return None
        total += float(m.group(1)) * DURATION_UNITS[m.group(2)]
        pos = m.end()
    return total if total <= MAX_SECONDS else None


def well_written(text: str) -> bool:
    """Is ``text`` written as a duration (whether or not its length is accepted)?"""
    return isinstance(text, str) and DURATION_RE.match(text) is not None


def duration_parts(seconds: float) -> list[tuple[int, str]]:
    """(number, unit) of the short human form, largest unit first, at most two:
    ``[(1, "h"), (30, "m")]``; ``[(0, "s")]`` for no time."""
    left = int(round(seconds))
    if left == 0:
        return [(0, DURATION_OUTPUT_UNITS[-1])]
    parts = []
    for unit in DURATION_OUTPUT_UNITS:
        size = DURATION_UNITS[unit]
        if left >= size:
            n, left = divmod(left, size)
            parts.append((n, unit))
    return parts[:2]


#: the longest working-day limit accepted (longer ones are typing mistakes)
MAX_WORKING_DAYS = 100 * 260


def parse_working_days(text: str) -> int | None:
    """Working days in ``text`` (``3wd``), or None when it is not a working-day limit."""
    if not isinstance(text, str):
        return None
    m = WORKING_DAYS_RE.match(text)
    if not m:
        return None
    n = int(m.group(1))
    return n if n <= MAX_WORKING_DAYS else None


def format_duration(seconds: float | None) -> str:
    """A short human form: 45s, 5m, 1h 30m, 2d 4h."""
    if seconds is None:
        return "?"
    return " ".join(f"{n}{unit}" for n, unit in duration_parts(seconds))
