"""The tabular form of a blueprint, shared by every export and by the importer.

A checked :class:`~blueprint.model.Blueprint` becomes one plain mapping in the
blueprint format's own keys (:func:`canonical`: what ``export --format json``
holds under ``blueprint`` and what ``import`` writes as YAML). That mapping
flattens into tables and back without loss (:func:`step_row` /
:func:`step_from_row`, :func:`flow_text` / :func:`parse_flow_text`, the About
key/value rows), so export then import gives back the same blueprint.

Text a spreadsheet would execute is neutralised by one function per output
kind: :func:`xlsx_text` (kept as text, with Excel's quote prefix, so the
cell shows exactly the blueprint's text) and :func:`csv_text` (an apostrophe
in front, as spreadsheet programs expect; :func:`csv_untext` takes it off
when a CSV is imported).
"""

from __future__ import annotations

import re
from typing import Any

from blueprint import vocab
from blueprint.model import CONTACTS, LOOP_KINDS, Blueprint, Calendar, EmotionScale, Step

#: the columns of the Steps table (sheet and CSV), in order; a dot is a key of a mapping
STEP_COLUMNS: tuple[str, ...] = (
    "id",
    "lane",
    "phase",
    "role",
    "text",
    "description",
    "evidence",
    "duration",
    "standard",
    "standard.within",
    "standard.from",
    "standard.after",
    "standard.at",
    "standard.window",
    "standard.start",
    "standard.dimension",
    "says",
    "emotion",
    "need.text",
    "need.type",
    "known",
    "source",
    "key",
    "end",
    "contact",
    "fail.risk",
    "fail.likelihood",
    "fail.severity",
    "fail.prevention",
    "fail.recovery",
    "fail.dimension",
    "wait.expected",
    "wait.tolerable",
    "wait.fill",
    "wait.explain",
    "ignore",
    "next",
)
#: the columns of the Flows table
FLOW_COLUMNS: tuple[str, ...] = ("from", "to", "when", "kind", "contact")
#: the columns of the Phases and Roles tables
PHASE_COLUMNS: tuple[str, ...] = ("id", "name", "description")
ROLE_COLUMNS: tuple[str, ...] = ("id", "name", "description")
#: the keys of the About table, in order (calendar and emotion_scale flattened; rules.<id>)
ABOUT_KEYS: tuple[str, ...] = (
    "blueprint",
    "id",
    "title",
    "description",
    "locale",
    "customer",
    "owner",
    "status",
    "version",
    "tolerance",
    "calendar.days",
    "calendar.hours",
    "calendar.opens",
    "emotion_scale.min",
    "emotion_scale.max",
    "core_need.text",
    "core_need.type",
    *(f"servqual.{d}.{k}" for d in vocab.SERVQUAL for k in ("expected", "perceived")),
)
_STANDARD_KEYS = ("within", "from", "after", "at", "window", "start", "dimension")
_BOOL_COLUMNS = ("key", "end")
_LIST_COLUMNS = {"evidence": "\n", "ignore": ", "}
TRUE_WORDS = frozenset({"true", "yes", "y", "x", "1", "✓", "✔", "是", "對", "对"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "", "否"})

# ------------------------------------------------------------------------ escaping

#: what makes a spreadsheet read a text as a formula or a command (OWASP CSV injection)
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def xlsx_text(text: str) -> tuple[str, bool]:
    """A text for an xlsx cell and whether it needs the quote prefix: text a
    spreadsheet would execute is stored as a string with Excel's quote prefix
    (shown as typed, never evaluated); unsafe characters are shown as ``\\xNN``."""
    text = vocab.printable(text, keep="\t\n")
    return text, text.startswith(DANGEROUS_START)


def csv_text(text: str) -> str:
    """A text for a CSV cell: an apostrophe in front of text a spreadsheet would
    execute (``'=1+1``); :func:`csv_untext` reverses it."""
    text = vocab.printable(text, keep="\t\n")
    return "'" + text if text.startswith(DANGEROUS_START) or _escaped(text) else text


def _escaped(text: str) -> bool:
    return text.startswith("'") and text[1:].startswith((*DANGEROUS_START, "'"))


def csv_untext(text: str) -> str:
    """The text :func:`csv_text` neutralised."""
    return text[1:] if _escaped(text) else text


# ----------------------------------------------------------------- model -> mapping


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _flow(f: Any) -> str | dict:
    if not (f.when or f.kind != "normal" or f.contact):
        return f.target
    d: dict[str, Any] = {"to": f.target}
    if f.when:
        d["when"] = f.when
    if f.kind != "normal":
        d["kind"] = f.kind
    if f.contact:
        d["contact"] = f.contact
    return d


def _standard(s: Step) -> str | dict | None:
    std = s.standard
    if std is None:
        return None
    d: dict[str, Any] = {"text": std.text}
    for key, value in (
        ("within", std.within.text if std.within else None),
        ("from", std.trigger),
        ("after", std.after.text if std.after else None),
        ("at", std.at.text if std.at else None),
        ("window", std.window.text if std.window else None),
        ("start", std.start or None),
        ("dimension", std.dimension or None),
    ):
        if value is not None:
            d[key] = value
    return std.text if len(d) == 1 else d


def _step(s: Step) -> dict:
    d: dict[str, Any] = {"id": s.id, "lane": s.lane, "text": s.text}
    for key, value in (
        ("phase", s.phase),
        ("role", s.role),
        ("description", s.description),
        ("evidence", [e.text for e in s.evidence]),
        ("duration", s.duration.text if s.duration else None),
        ("standard", _standard(s)),
        ("says", s.says),
        ("emotion", s.emotion),
        ("key", s.key),
        ("end", s.end),
        ("contact", s.contact),
        ("need", {"text": s.need.text, "type": s.need.type} if s.need else None),
        ("known", s.known),
        ("source", s.source),
    ):
        if value or (key == "emotion" and value is not None):
            d[key] = value
    if s.fail is not None:
        f = s.fail
        d["fail"] = {
            k: v
            for k, v in (
                ("risk", f.risk),
                ("likelihood", f.likelihood),
                ("severity", f.severity),
                ("prevention", f.prevention),
                ("recovery", f.recovery),
                ("dimension", f.dimension),
            )
            if v
        }
    if s.wait is not None:
        w = s.wait
        d["wait"] = {
            k: v
            for k, v in (
                ("expected", w.expected.text if w.expected else None),
                ("tolerable", w.tolerable.text if w.tolerable else None),
                ("fill", w.fill),
                ("explain", w.explain),
            )
            if v
        }
    if s.ignore:
        d["ignore"] = sorted(s.ignore)
    if s.flows:
        d["next"] = [_flow(f) for f in s.flows]
    return d


def canonical(bp: Blueprint) -> dict:
    """The blueprint as one plain mapping in the format's keys: empty fields
    left out, the calendar and emotion scale only when they are not the default,
    every ``next`` a list."""
    d: dict[str, Any] = {"blueprint": 1, "id": bp.id, "title": bp.title}
    for key, value in (
        ("description", bp.description),
        ("locale", bp.locale),
        ("customer", bp.customer),
        ("owner", bp.owner),
        ("status", bp.status),
        ("version", bp.version),
        ("tolerance", bp.tolerance.text if bp.tolerance else ""),
    ):
        if value:
            d[key] = value
    if bp.calendar != Calendar():
        c = bp.calendar
        d["calendar"] = {"days": list(c.days), "hours": _num(c.hours), "opens": _hhmm(c.opens)}
    if bp.emotion_scale != EmotionScale():
        e = bp.emotion_scale
        d["emotion_scale"] = {"min": _num(e.low), "max": _num(e.high)}
    if bp.core_need is not None:
        d["core_need"] = {"text": bp.core_need.text, "type": bp.core_need.type}
    if bp.servqual:
        d["servqual"] = {
            dim: {"expected": _num(e), "perceived": _num(p)} for dim, (e, p) in bp.servqual.items()
        }
    if bp.rules:
        d["rules"] = {rid: sev for rid, (sev, _pos) in sorted(bp.rules.items())}
    if bp.phases:
        d["phases"] = [
            {
                "id": p.id,
                "name": p.name,
                **({"description": p.description} if p.description else {}),
            }
            for p in bp.phases
        ]
    if bp.roles:
        d["roles"] = {
            r.id: {"name": r.name, **({"description": r.description} if r.description else {})}
            for r in bp.roles.values()
        }
    d["steps"] = [_step(s) for s in bp.steps]
    return d


# ------------------------------------------------------------- mapping <-> tables

_FLOW_RE = re.compile(
    r"^(?P<to>\S+)"
    rf"(?: \[(?P<kind>{'|'.join(LOOP_KINDS)})\])?"
    rf"(?: \[(?P<contact>{'|'.join(CONTACTS)})\])?"
    r"(?: when: (?P<when>.*))?$"
)


def flow_text(flow: str | dict) -> str:
    """One flow as a line of the Steps table's ``next`` column:
    ``target [recovery] [phone] when: the condition``."""
    if isinstance(flow, str):
        return flow
    out = flow["to"]
    if flow.get("kind"):
        out += f" [{flow['kind']}]"
    if flow.get("contact"):
        out += f" [{flow['contact']}]"
    if flow.get("when"):
        out += f" when: {flow['when']}"
    return out


def parse_flow_text(line: str) -> str | dict | None:
    """The flow :func:`flow_text` wrote (None when the line is not one)."""
    m = _FLOW_RE.match(line.strip())
    if not m:
        return None
    if not (m["kind"] or m["contact"] or m["when"] is not None):
        return m["to"]
    d: dict[str, Any] = {"to": m["to"]}
    if m["when"]:
        d["when"] = m["when"]
    if m["kind"]:
        d["kind"] = m["kind"]
    if m["contact"]:
        d["contact"] = m["contact"]
    return d


def step_row(step: dict) -> dict[str, Any]:
    """A canonical step as a row of the Steps table (column -> str, number, bool or None)."""
    row: dict[str, Any] = {}
    std = step.get("standard")
    std_map = {"text": std} if isinstance(std, str) else (std or {})
    for col in STEP_COLUMNS:
        head, _, sub = col.partition(".")
        if head == "standard":
            value = std_map.get(sub or "text")
        elif sub:
            value = (step.get(head) or {}).get(sub)
        elif col in _LIST_COLUMNS:
            value = _LIST_COLUMNS[col].join(step.get(col) or []) or None
        elif col == "next":
            value = "\n".join(flow_text(f) for f in step.get("next") or []) or None
        else:
            value = step.get(col)
        row[col] = value
    return row


#: columns and keys whose text is kept as written (a trailing line break included)
FREE_TEXT = frozenset(
    {
        "text",
        "description",
        "says",
        "standard",
        "fail.risk",
        "fail.prevention",
        "fail.recovery",
        "wait.fill",
        "wait.explain",
        "title",
        "customer",
        "owner",
        "status",
        "name",
        "when",
    }
)


def cell_text(value: Any, column: str) -> str:
    """A cell's text for ``column``: free text as written, anything else stripped
    ('' when the cell holds only blanks)."""
    text = cell_str(value)
    if text and column in FREE_TEXT and isinstance(value, str):
        return value
    return text


def cell_str(value: Any) -> str:
    """A cell's value as text ('' for an empty cell; 2.0 read back as 2)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def number(value: Any) -> int | float | None:
    """A cell's number (None when it holds none)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _num(value) if value == value else None
    try:
        return _num(float(str(value).strip()))
    except ValueError:
        return None


def truth(value: Any) -> bool | None:
    """A cell read as yes or no (None when it is neither)."""
    if isinstance(value, bool):
        return value
    word = cell_str(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def step_from_row(row: dict[str, Any], complain: Any) -> dict:
    """A canonical step from a row of the Steps table (column -> cell value);
    ``complain(column, message)`` is told about a cell it cannot read."""
    step: dict[str, Any] = {}
    std: dict[str, Any] = {}
    for col in STEP_COLUMNS:
        value = row.get(col)
        text = cell_text(value, col)
        if not text:
            continue
        head, _, sub = col.partition(".")
        if head == "standard":
            std[sub or "text"] = text
        elif col == "emotion":
            n = number(value)
            if n is None:
                complain(col, f"emotion '{text}' is not a number; left out")
            else:
                step[col] = n
        elif col in _BOOL_COLUMNS:
            yes = truth(value)
            if yes is None:
                complain(col, f"{col} '{text}' is neither yes nor no; left out")
            elif yes:
                step[col] = True
        elif col in _LIST_COLUMNS:
            sep = _LIST_COLUMNS[col].strip() or "\n"
            items = [t.strip() for t in text.split(sep) if t.strip()]
            step[col] = items
        elif col == "next":
            flows = []
            for line in text.split("\n"):
                if not line.strip():
                    continue
                f = parse_flow_text(line)
                if f is None:
                    complain(col, f"cannot read the flow '{line.strip()}'; write a step id")
                else:
                    flows.append(f)
            if flows:
                step[col] = flows
        elif sub:
            step.setdefault(head, {})[sub] = text
        else:
            step[col] = text
    if std:
        step["standard"] = std["text"] if set(std) == {"text"} else std
    return step


def ordered_step(step: dict) -> dict:
    """The step's keys in the order of the Steps table (id, lane, text first)."""
    order = ("id", "lane", "phase", "role", "text")
    out = {k: step[k] for k in order if k in step}
    for head in dict.fromkeys(c.partition(".")[0] for c in STEP_COLUMNS):
        if head in step and head not in out:
            out[head] = step[head]
    return out


def about_rows(data: dict) -> list[tuple[str, Any]]:
    """The About table: (key, value) of the blueprint's own fields, then rules.<id>."""
    rows: list[tuple[str, Any]] = []
    for key in ABOUT_KEYS:
        value: Any = data
        for part in key.split("."):  # servqual.reliability.expected: two levels down
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, list):
            value = ", ".join(value)
        if value not in (None, ""):
            rows.append((key, value))
    for rid, sev in (data.get("rules") or {}).items():
        rows.append((f"rules.{rid}", sev))
    return rows


def about_from_rows(rows: list[tuple[str, Any]]) -> dict:
    """The blueprint's own fields from the About table."""
    d: dict[str, Any] = {}
    for key, value in rows:
        text = cell_text(value, key)
        if not text:
            continue
        head, _, sub = key.partition(".")
        if key == "blueprint":
            d[key] = number(value) or 1
        elif head == "rules" and sub:
            d.setdefault("rules", {})[sub] = text
        elif key == "calendar.days":
            d.setdefault("calendar", {})["days"] = [t.strip() for t in text.split(",") if t.strip()]
        elif key in ("calendar.hours", "emotion_scale.min", "emotion_scale.max"):
            n = number(value)
            d.setdefault(head, {})[sub] = n if n is not None else text
        elif head == "servqual" and "." in sub:
            dim, _, which = sub.partition(".")
            n = number(value)
            d.setdefault(head, {}).setdefault(dim, {})[which] = n if n is not None else text
        elif sub:
            d.setdefault(head, {})[sub] = text
        elif key in ABOUT_KEYS:
            d[key] = text
    return d
