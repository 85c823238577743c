"""Durations as designers write them: 30s, 5m, 2h, 3d, 1w, or combined (1h30m).

Promised times may also count working days: ``3wd`` (see :func:`parse_working_days`).
A working day is not a fixed number of seconds (it depends on the calendar and on
when the clock starts), so it is never mixed with the other units.
"""

from __future__ import annotations

import re

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(sec|min|s|m|h|d|w)\s*")
#: the longest duration accepted: 100 years (longer ones are typing mistakes)
MAX_SECONDS = 100 * 365 * 86400


def parse_duration(text: str) -> float | None:
    """Seconds in ``text``, or None when it is not a duration."""
    if not isinstance(text, str) or not text.strip():
        return None
    pos, total = 0, 0.0
    while pos < len(text):
        m = _PART.match(text, pos)
        if not m:
            return None
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    return total if total <= MAX_SECONDS else None


#: a limit in whole working days, as promises are written: 3wd, 3 wd
_WORKING_DAYS = re.compile(r"^\s*(\d+)\s*wd\s*$")
#: the longest working-day limit accepted (longer ones are typing mistakes)
MAX_WORKING_DAYS = 100 * 260


def parse_working_days(text: str) -> int | None:
    """Working days in ``text`` (``3wd``), or None when it is not a working-day limit."""
    if not isinstance(text, str):
        return None
    m = _WORKING_DAYS.match(text)
    if not m:
        return None
    n = int(m.group(1))
    return n if n <= MAX_WORKING_DAYS else None


def format_duration(seconds: float | None) -> str:
    """A short human form: 45s, 5m, 1h 30m, 2d 4h."""
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            n, seconds = divmod(seconds, size)
            parts.append(f"{n}{unit}")
    return " ".join(parts[:2])
