"""The words a diagram shows, in each locale a blueprint may declare.

Chinese diagrams also carry the English name in small type under lane
titles and beside line names, as trainers in mixed teams expect.
"""

from __future__ import annotations

from blueprint import i18n, vocab

#: the diagram's own band, between the evidence and the customer's lane
EMOTION = "emotion"


def locale_of(bp) -> str:
    return vocab.locale_of(bp.locale)


def word(locale: str, key: str) -> str:
    """A word of the diagram (i18n.DIAGRAM) in ``locale`` (English when unknown)."""
    return i18n.DIAGRAM[vocab.locale_of(locale)][key]


def _lane(locale: str, lane: str) -> str:
    if lane == EMOTION:
        return word(locale, EMOTION)
    return i18n.lane_title(lane, locale)


def lane_title(locale: str, lane: str) -> tuple[str, str]:
    """(title, English subtitle or '') for a lane's band."""
    if locale == "en":
        return _lane("en", lane), ""
    return _lane(locale, lane), _lane("en", lane)


def line_label(locale: str, line: str) -> str:
    if locale == "en":
        return i18n.line_name(line, "en")
    return f"{i18n.line_name(line, locale)} {i18n.line_name(line, 'en')}"


def line_short(locale: str, line: str) -> str:
    """The line's name in the locale alone (for where the two names do not fit)."""
    return i18n.line_name(line, locale)
