"""Durations as designers write them: 30s, 5m, 2h, 3d, 1w, or combined (1h30m)."""

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
