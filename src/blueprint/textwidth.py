"""Text width in display cells, as a terminal or a fixed-width layout sees it.

A CJK ideograph, kana, Hangul syllable or full-width form takes two cells;
combining marks and zero-width characters take none; everything else one.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=8192)
def char_width(ch: str) -> int:
    """Display cells of one character: 0, 1 or 2."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if ch in "\u200b\u200c\u200d\u2060\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Display cells of ``text`` (a CJK character counts two)."""
    if text.isascii():
        return len(text)
    return sum(map(char_width, text))


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


# characters that must not start a line (closing punctuation) or end one (opening)
_NO_START = set("，。、；：！？）》」』】〕〉’”…·,.;:!?)]}%")
_NO_END = set("（《「『【〔〈‘“([{")


def _tokens(text: str) -> list[str]:
    """Split into breakable pieces: words of narrow text (with the space that
    follows), and single wide characters (CJK text breaks between any two)."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch == " ":
            word += ch
            out.append(word)
            word = ""
        elif _is_wide(ch):
            if word:
                out.append(word)
                word = ""
            if ch in _NO_START and out:
                out[-1] += ch
            else:
                out.append(ch)
        else:
            if ch in _NO_START and not word and out and not out[-1].endswith(" "):
                out[-1] += ch
                continue
            if word and _is_wide(word[-1]):
                out.append(word)
                word = ""
            word += ch
    if word:
        out.append(word)
    # keep opening punctuation with what follows it
    merged: list[str] = []
    for t in out:
        if merged and merged[-1] and merged[-1][-1] in _NO_END:
            merged[-1] += t
        else:
            merged.append(t)
    return merged


def _split_long(token: str, width: int) -> list[str]:
    """Hard-break a token wider than ``width`` cells."""
    parts, cur, w = [], "", 0
    for ch in token:
        cw = char_width(ch)
        if cur and w + cw > width:
            parts.append(cur)
            cur, w = "", 0
        cur += ch
        w += cw
    if cur:
        parts.append(cur)
    return parts


def wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` into lines of at most ``width`` display cells.

    Breaks at spaces in Latin text and between any two CJK characters (not
    before closing or after opening punctuation); a word longer than the
    width is broken inside. Existing line breaks are kept; runs of white space
    collapse to one space. Always returns at least one line.
    """
    width = max(2, int(width))
    lines: list[str] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        para = " ".join(para.split())
        cur, w = "", 0
        for tok in _tokens(para):
            tw = display_width(tok.rstrip(" "))
            if cur and w + tw > width:
                lines.append(cur.rstrip(" "))
                cur, w = "", 0
            if not cur and tw > width:
                pieces = _split_long(tok.rstrip(" "), width)
                lines.extend(pieces[:-1])
                tok = pieces[-1] + (" " if tok.endswith(" ") else "")
                tw = display_width(pieces[-1])
            cur += tok
            w += display_width(tok)
        lines.append(cur.rstrip(" "))
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines or [""]
