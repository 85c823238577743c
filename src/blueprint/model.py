"""The blueprint model: plain, positioned objects built from checked data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from blueprint import vocab
from blueprint.durations import parse_duration, parse_working_days, well_written
from blueprint.load import Document
from blueprint.messages import N_, _
from blueprint.problems import Pos, Problem, did_you_mean, problem

LANES = vocab.LANES  # kept for importers; vocab.LANES is the definition
#: lanes in drawing order, evidence first
BANDS = vocab.BANDS
LOOP_KINDS = ("recovery", "rework")
#: how a customer deals with staff or systems they cannot see (``contact:``)
CONTACTS = ("phone", "video", "email", "message", "mail", "web", "app")


@dataclass(frozen=True, slots=True)
class Duration:
    text: str
    seconds: float  # for a limit in working days: its working time (days x hours a day)
    pos: Pos
    working_days: float | None = None  # a limit written in working days (3wd)


@dataclass(frozen=True, slots=True)
class Phase:
    id: str
    name: str
    description: str
    index: int
    pos: Pos


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    description: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Need:
    """What the customer needs at a customer action (or on the whole journey: core_need)."""

    text: str
    type: str  # one of vocab.NEED_TYPES
    pos: Pos


@dataclass(frozen=True, slots=True)
class Standard:
    text: str
    within: Duration | None
    pos: Pos
    # a promise timed from another step (docs/format.md, "Promised times")
    trigger: str | None = None  # from: the step whose end starts the clock
    after: Duration | None = None  # a follow-up: this step starts this long after the trigger
    at: Duration | None = None  # a promised time after the trigger ...
    window: Duration | None = None  # ... give or take this much
    start: str = ""  # when the trigger ends on the calendar (fri 16:00), for working days
    trigger_pos: Pos | None = None  # where from: is written
    dimension: str = ""  # the SERVQUAL dimension it protects (vocab.SERVQUAL), "" when not said

    @property
    def kind(self) -> str:
        """'duration' (the step's own time), 'within', 'after' or 'window'."""
        if self.after is not None:
            return "after"
        if self.at is not None:
            return "window"
        if self.trigger is not None or (self.within and self.within.working_days is not None):
            return "within"
        return "duration"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Calendar:
    """Working days of the week, hours of a working day and when it opens (minutes)."""

    days: tuple = WEEKDAYS[:5]
    hours: float = 8.0
    opens: int = 9 * 60


@dataclass(frozen=True, slots=True)
class EmotionScale:
    low: float = -2.0
    high: float = 2.0

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True, slots=True)
class FailPoint:
    risk: str
    likelihood: str | None
    severity: str | None
    prevention: str
    recovery: str
    pos: Pos
    dimension: str = ""  # the SERVQUAL dimension it threatens (vocab.SERVQUAL)


@dataclass(frozen=True, slots=True)
class WaitPoint:
    expected: Duration | None
    tolerable: Duration | None
    fill: str
    explain: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Flow:
    source: str
    target: str
    when: str
    kind: str  # normal, recovery, rework
    pos: Pos
    contact: str = ""  # how the customer and an unseen employee or system meet (phone, email, ...)

    @property
    def is_loop(self) -> bool:
        return self.kind in LOOP_KINDS


@dataclass(slots=True)
class Step:
    id: str
    lane: str | None  # None: not one of the lanes (the schema reported it)
    text: str
    index: int  # order in the file
    pos: Pos
    description: str = ""
    phase: str | None = None
    role: str | None = None
    evidence: tuple[Evidence, ...] = ()
    duration: Duration | None = None
    standard: Standard | None = None
    says: str = ""
    emotion: float | None = None  # on the blueprint's emotion_scale
    key: bool = False
    end: bool = False  # marked as the usual end of the journey (end: true)
    contact: str = ""  # its flows across the line of visibility are this kind of contact
    fail: FailPoint | None = None
    wait: WaitPoint | None = None
    need: Need | None = None  # what the customer needs here (customer actions)
    known: str = ""  # how it is known: one of vocab.KNOWN_LEVELS ("" when not said)
    source: str = ""  # where it comes from (an interview, a data set, a date)
    ignore: frozenset[str] = frozenset()
    ignore_pos: dict[str, Pos] = field(default_factory=dict)  # ignored id -> Pos of the list item
    flows: tuple[Flow, ...] = ()
    positions: dict[str, Pos] = field(default_factory=dict)  # field name -> Pos of its key
    values: dict[str, Pos] = field(default_factory=dict)  # field name -> Pos of its value

    def field_pos(self, name: str) -> Pos:
        return self.positions.get(name, self.pos)

    def value_pos(self, name: str) -> Pos:
        return self.values.get(name, self.field_pos(name))


@dataclass(slots=True)
class Blueprint:
    path: str
    id: str
    title: str
    pos: Pos
    description: str = ""
    locale: str = vocab.DEFAULT_LOCALE
    customer: str = ""
    owner: str = ""
    status: str = ""
    version: str = ""
    tolerance: Duration | None = None
    calendar: Calendar = field(default_factory=Calendar)
    emotion_scale: EmotionScale = field(default_factory=EmotionScale)
    replaces: str = ""  # the as-is blueprint this one replaces, relative to this file
    core_need: Need | None = None  # the need the journey exists for (core_need:)
    # servqual: dimension -> (expected, perceived), in vocab.SERVQUAL order
    servqual: dict[str, tuple[float, float]] = field(default_factory=dict)
    rules: dict[str, tuple[str, Pos]] = field(default_factory=dict)  # rule id -> (severity, Pos)
    phases: list[Phase] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    positions: dict[str, Pos] = field(default_factory=dict)  # top-level key -> Pos

    by_id: dict[str, Step] = field(default_factory=dict)  # step id -> Step

    def flows(self) -> Iterator[Flow]:
        for s in self.steps:
            yield from s.flows

    def phase_index(self, phase_id: str | None) -> int | None:
        for p in self.phases:
            if p.id == phase_id:
                return p.index
        return None


def _s(value) -> str:
    return value if isinstance(value, str) else ""


def _contact(value) -> str:
    return value if isinstance(value, str) and value in CONTACTS else ""


def _emotion(value, scale: EmotionScale) -> int | float | None:
    """A number on the scale (a whole float such as 2.0 is kept as the integer 2)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    if not scale.low <= value <= scale.high:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _emotion_problems(
    doc: Document, path: tuple, sid: str, value, scale: EmotionScale
) -> list[Problem]:
    """What is wrong with an emotion the schema let through (a finite number): off the scale."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    where = doc.pos(path)
    if value != value or value in (float("inf"), float("-inf")):
        return []  # not a finite number: the schema said it (schema._not_finite)
    if not scale.low <= value <= scale.high:
        msg = _(
            "step '%(step)s' emotion is %(value)s; it must be between %(low)s and "
            "%(high)s (the blueprint's emotion_scale)"
        ) % {
            "step": sid,
            "value": f"{value:g}",
            "low": f"{scale.low:g}",
            "high": f"{scale.high:g}",
        }
        return [problem(doc.path, where, "error", msg, "invalid-value")]
    return []


def _emotion_scale(doc: Document, raw) -> tuple[EmotionScale, list[Problem]]:
    if not isinstance(raw, dict):
        return EmotionScale(), []
    lo, hi = raw.get("min"), raw.get("max")
    if not isinstance(lo, (int, float)) or not isinstance(hi, (int, float)):
        return EmotionScale(), []  # the schema said it
    if isinstance(lo, bool) or isinstance(hi, bool):
        return EmotionScale(), []
    if not (lo == lo and hi == hi and abs(lo) < 1e9 and abs(hi) < 1e9 and lo < hi):
        msg = _("emotion_scale min (%(low)s) must be a number below max (%(high)s)") % {
            "low": f"{lo:g}",
            "high": f"{hi:g}",
        }
        return EmotionScale(), [
            problem(doc.path, doc.pos(("emotion_scale", "min")), "error", msg, "invalid-value")
        ]
    return EmotionScale(float(lo), float(hi)), []


def _calendar(doc: Document, raw, problems: list) -> Calendar:
    if not isinstance(raw, dict):
        return Calendar()
    days = raw.get("days")
    hours = raw.get("hours")
    opens = raw.get("opens")
    cal = Calendar()
    finite = hours == hours and hours not in (
        float("inf"),
        float("-inf"),
    )  # else the schema said it
    if (
        isinstance(hours, (int, float))
        and not isinstance(hours, bool)
        and finite
        and not 0 < hours <= 24
    ):
        problems.append(
            problem(
                doc.path,
                doc.pos(("calendar", "hours")),
                "error",
                f"calendar hours is {hours:g}; a working day has more than 0 and at most 24 hours",
                "invalid-value",
            )
        )
    return Calendar(
        tuple(d for d in WEEKDAYS if d in days)
        if isinstance(days, list) and any(d in WEEKDAYS for d in days)
        else cal.days,
        float(hours)
        if isinstance(hours, (int, float)) and not isinstance(hours, bool) and 0 < hours <= 24
        else cal.hours,
        int(opens[:2]) * 60 + int(opens[3:5])
        if isinstance(opens, str) and re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", opens)
        else cal.opens,
    )


_DURATION_SHAPE = re.compile(r"^\s*(\d+(\.\d+)?\s*(s|sec|m|min|h|d|w)\s*)+$")


def _duration(doc: Document, path: tuple, value, problems: list | None = None) -> Duration | None:
    if not isinstance(value, str):
        return None
    seconds = parse_duration(value)
    if seconds is None:
        if problems is not None and well_written(value):  # well written, but absurdly long
            problems.append(
                problem(
                    doc.path,
                    doc.pos(path),
                    "error",
                    f"'{value.strip()[:40]}' is longer than 100 years; is a digit too many?",
                    "bad-duration",
                )
            )
        return None
    return Duration(value.strip(), seconds, doc.pos(path))


def _limit(doc: Document, path: tuple, value, cal: Calendar, problems: list) -> Duration | None:
    """A promise's time limit: a duration, or working days (3wd) on the calendar."""
    days = parse_working_days(value) if isinstance(value, str) else None
    if days is not None:
        return Duration(value.strip(), days * cal.hours * 3600, doc.pos(path), days)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*wd\s*", value):  # well written, too long
        problems.append(
            problem(
                doc.path,
                doc.pos(path),
                "error",
                f"'{value.strip()[:40]}' is longer than 100 years; is a digit too many?",
                "bad-duration",
            )
        )
        return None
    return _duration(doc, path, value, problems)


_PROMISE_KEYS = ("within", "after", "at")


def _standard_map(
    doc: Document, base: tuple, std: dict, cal: Calendar, problems: list[Problem]
) -> Standard:
    """A standard written as a mapping, with its promise (if any) checked for sense."""
    sp = base + ("standard",)

    def dur(key):
        return _duration(doc, sp + (key,), std.get(key), problems)

    given = [k for k in _PROMISE_KEYS if k in std]
    for k in given[1:]:
        problems.append(
            problem(
                doc.path,
                doc.key_pos(sp + (k,)),
                "error",
                f"a standard promises one time: {given[0]} or {k}, not both "
                "(write the other on the step it binds)",
                "invalid-value",
            )
        )
    trigger = std.get("from") if isinstance(std.get("from"), str) else None
    needs_from = [k for k in ("after", "at") if k in std and trigger is None]
    for k in needs_from:
        problems.append(
            problem(
                doc.path,
                doc.key_pos(sp + (k,)),
                "error",
                f"'{k}' needs 'from': the step whose end starts the clock",
                "missing-field",
            )
        )
    if "window" in std and "at" not in std:
        problems.append(
            problem(
                doc.path,
                doc.key_pos(sp + ("window",)),
                "error",
                "'window' needs 'at': the promised time it is around",
                "missing-field",
            )
        )
    if "from" in std and not given:
        problems.append(
            problem(
                doc.path,
                doc.key_pos(sp + ("from",)),
                "error",
                "'from' needs a time: within, after or at (with window)",
                "missing-field",
            )
        )
    raw_start = std.get("start")
    start: str = raw_start if isinstance(raw_start, str) else ""
    return Standard(
        std["text"],
        _limit(doc, sp + ("within",), std.get("within"), cal, problems),
        doc.pos(sp),
        trigger=trigger,
        after=dur("after"),
        at=dur("at"),
        window=dur("window"),
        start=start,
        trigger_pos=doc.pos(sp + ("from",)) if trigger is not None else None,
        dimension=_dimension(std.get("dimension")),
    )


def build(doc: Document) -> tuple[Blueprint | None, list[Problem]]:
    """Build the model from schema-checked data and check its references.

    Parts that do not have the right shape are skipped (the schema has
    already reported them), so a partly broken file still yields a model.
    The steps: the top-level fields (:func:`_head`), the phases, the roles,
    the steps (each by :func:`_step`), then the references between them
    (:func:`_check_references`). Problems come in that order.
    """
    data = doc.data
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, problems
    bp = _head(doc, data, problems)
    bp.emotion_scale, scale_problems = _emotion_scale(doc, data.get("emotion_scale"))
    problems.extend(scale_problems)
    bp.rules = _rules(doc, data)
    bp.phases = _phases(doc, data, problems)
    bp.roles = _roles(doc, data)
    # a broken scale is reported once, not at every emotion
    bp.steps = _steps(doc, data, bp, problems, check_emotions=not scale_problems)
    bp.by_id = {s.id: s for s in bp.steps}
    problems.extend(_check_references(bp))
    return bp, problems


def _head(doc: Document, data: dict, problems: list[Problem]) -> Blueprint:
    """The blueprint with its top-level fields (id, title, locale, …,
    tolerance), no phases, roles or steps yet."""
    locale = data.get("locale")
    return Blueprint(
        path=doc.path,
        id=_s(data.get("id")),
        title=_s(data.get("title")),
        pos=doc.pos(()),
        description=_s(data.get("description")),
        locale=vocab.locale_of(locale),
        customer=_s(data.get("customer")),
        owner=_s(data.get("owner")),
        status=_s(data.get("status")),
        version=""
        if data.get("version") is None
        else doc.numbers.get(("version",), str(data.get("version"))),
        tolerance=_duration(doc, ("tolerance",), data.get("tolerance"), problems),
        calendar=_calendar(doc, data.get("calendar"), problems),
        replaces=_s(data.get("replaces")),
        core_need=_need(doc, ("core_need",), data.get("core_need")),
        servqual=_servqual(data.get("servqual")),
        positions={k: doc.key_pos((k,)) for k in data},
    )


def _rules(doc: Document, data: dict) -> dict[str, tuple[str, Pos]]:
    """``rules:``, rule id -> (severity, position of the rule's key)."""
    rules = data.get("rules")
    if not isinstance(rules, dict):
        return {}
    return {k: (v, doc.key_pos(("rules", k))) for k, v in rules.items() if isinstance(v, str)}


#: the problem of a repeated id, per list (whole sentences, for the message catalogs)
_DUPLICATE_ID = {
    "phases": N_("duplicate phase id '%(id)s' (first at line %(line)d)"),
    "steps": N_("duplicate step id '%(id)s' (first at line %(line)d)"),
}


def _unique(
    doc: Document, data: dict, key: str, problems: list[Problem]
) -> Iterator[tuple[int, dict]]:
    """(index, mapping) of each item of the list ``key`` that has a text id, in file
    order; a repeated id is a problem and the repeat is left out."""
    items = data.get(key)
    if not isinstance(items, list):
        return
    seen: dict[str, Pos] = {}
    for i, raw in enumerate(items):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            continue
        item_id = raw["id"]
        if item_id in seen:
            problems.append(
                problem(
                    doc.path,
                    doc.pos((key, i, "id")),
                    "error",
                    _(_DUPLICATE_ID[key]) % {"id": item_id, "line": seen[item_id].line},
                    "duplicate-id",
                )
            )
            continue
        seen[item_id] = doc.pos((key, i, "id"))
        yield i, raw


def _phases(doc: Document, data: dict, problems: list[Problem]) -> list[Phase]:
    """The phases in file order (a repeated id is left out: see :func:`_unique`)."""
    out: list[Phase] = []
    for i, ph in _unique(doc, data, "phases", problems):
        pid = ph["id"]
        out.append(
            Phase(
                pid,
                _s(ph.get("name")) or pid,
                _s(ph.get("description")),
                len(out),
                doc.pos(("phases", i)),
            )
        )
    return out


def _roles(doc: Document, data: dict) -> dict[str, Role]:
    """The roles by id; a role without a name is named by its id."""
    roles = data.get("roles")
    out: dict[str, Role] = {}
    if not isinstance(roles, dict):
        return out
    for rid, r in roles.items():
        if isinstance(rid, str):
            r = r if isinstance(r, dict) else {}
            out[rid] = Role(
                rid,
                _s(r.get("name")) or rid,
                _s(r.get("description")),
                doc.key_pos(("roles", rid)),
            )
    return out


def _steps(
    doc: Document, data: dict, bp: Blueprint, problems: list[Problem], check_emotions: bool
) -> list[Step]:
    """The steps in file order (a repeated id is left out: see :func:`_unique`)."""
    out: list[Step] = []
    for i, raw in _unique(doc, data, "steps", problems):
        sid = raw["id"]
        out.append(_step(doc, raw, ("steps", i), len(out), bp, problems))
        if check_emotions:
            problems.extend(
                _emotion_problems(
                    doc, ("steps", i, "emotion"), sid, raw.get("emotion"), bp.emotion_scale
                )
            )
    return out


def _step(
    doc: Document, raw: dict, base: tuple, index: int, bp: Blueprint, problems: list[Problem]
) -> Step:
    """One step from its mapping at ``base`` in the document."""
    sid = raw["id"]
    lane = raw.get("lane")
    phase = raw.get("phase")
    role = raw.get("role")
    return Step(
        id=sid,
        lane=lane if lane in LANES else None,
        text=_s(raw.get("text")) or sid,
        index=index,
        pos=doc.pos(base),
        description=_s(raw.get("description")),
        phase=phase if isinstance(phase, str) else None,
        role=role if isinstance(role, str) else None,
        duration=_duration(doc, base + ("duration",), raw.get("duration"), problems),
        says=_s(raw.get("says")),
        emotion=_emotion(raw.get("emotion"), bp.emotion_scale),
        key=raw.get("key") is True,
        end=raw.get("end") is True,
        contact=_contact(raw.get("contact")),
        positions={k: doc.key_pos(base + (k,)) for k in raw if isinstance(k, str)},
        values={k: doc.pos(base + (k,)) for k in raw if isinstance(k, str)},
        evidence=_evidence(doc, raw, base),
        standard=_standard(doc, raw, base, bp.calendar, problems),
        fail=_fail(doc, raw, base),
        wait=_wait(doc, raw, base, problems),
        need=_need(doc, base + ("need",), raw.get("need")),
        known=raw["known"] if raw.get("known") in vocab.KNOWN_LEVELS else "",
        source=_s(raw.get("source")),
        ignore=_ignore(raw),
        ignore_pos=_ignore_pos(doc, raw, base),
        flows=_flows(doc, raw, base),
    )


def _evidence(doc: Document, raw: dict, base: tuple) -> tuple[Evidence, ...]:
    """A step's ``evidence:`` items that are text."""
    ev = raw.get("evidence")
    if not isinstance(ev, list):
        return ()
    return tuple(
        Evidence(e, doc.pos(base + ("evidence", j))) for j, e in enumerate(ev) if isinstance(e, str)
    )


def _standard(
    doc: Document, raw: dict, base: tuple, cal: Calendar, problems: list[Problem]
) -> Standard | None:
    """A step's ``standard:``, written as text or as a mapping (``{text, within}``, or a
    promise timed from another step: ``from`` with ``within``, ``after`` or ``at``)."""
    std = raw.get("standard")
    if isinstance(std, str) and std:
        return Standard(std, None, doc.pos(base + ("standard",)))
    if isinstance(std, dict) and isinstance(std.get("text"), str):
        return _standard_map(doc, base, std, cal, problems)
    return None


def _fail(doc: Document, raw: dict, base: tuple) -> FailPoint | None:
    """A step's declared fail point (``fail:`` with a ``risk``)."""
    fail = raw.get("fail")
    if not (isinstance(fail, dict) and isinstance(fail.get("risk"), str)):
        return None
    return FailPoint(
        fail["risk"],
        fail.get("likelihood"),
        fail.get("severity"),
        _s(fail.get("prevention")),
        _s(fail.get("recovery")),
        doc.key_pos(base + ("fail",)),
        _dimension(fail.get("dimension")),
    )


def _wait(doc: Document, raw: dict, base: tuple, problems: list[Problem]) -> WaitPoint | None:
    """A step's declared wait point (``wait:``)."""
    wait = raw.get("wait")
    if not isinstance(wait, dict):
        return None
    return WaitPoint(
        _duration(doc, base + ("wait", "expected"), wait.get("expected"), problems),
        _duration(doc, base + ("wait", "tolerable"), wait.get("tolerable"), problems),
        _s(wait.get("fill")),
        _s(wait.get("explain")),
        doc.key_pos(base + ("wait",)),
    )


def _need(doc: Document, path: tuple, raw: object) -> Need | None:
    """A ``need:`` (or ``core_need:``) with its text and a known type (else the schema said it)."""
    if not isinstance(raw, dict):
        return None
    text, kind = raw.get("text"), raw.get("type")
    if not isinstance(text, str) or kind not in vocab.NEED_TYPES:
        return None
    return Need(text, kind, doc.key_pos(path))


def _dimension(value: object) -> str:
    return value if isinstance(value, str) and value in vocab.SERVQUAL else ""


def _finite(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x and abs(x) < 1e12


def _servqual(raw: object) -> dict[str, tuple[float, float]]:
    """``servqual:`` scores that are numbers, in vocab.SERVQUAL order (else the schema said it)."""
    if not isinstance(raw, dict):
        return {}
    out = {}
    for d in vocab.SERVQUAL:
        v = raw.get(d)
        if isinstance(v, dict) and _finite(v.get("expected")) and _finite(v.get("perceived")):
            out[d] = (float(v["expected"]), float(v["perceived"]))
    return out


def _ignore(raw: dict) -> frozenset[str]:
    """The ids a step's ``ignore:`` turns off for it."""
    ign = raw.get("ignore")
    if not isinstance(ign, list):
        return frozenset()
    return frozenset(x for x in ign if isinstance(x, str))


def _ignore_pos(doc: Document, raw: dict, base: tuple) -> dict[str, Pos]:
    """Ignored id -> position of its item in the step's ``ignore:`` list."""
    ign = raw.get("ignore")
    if not isinstance(ign, list):
        return {}
    return {x: doc.pos(base + ("ignore", j)) for j, x in enumerate(ign) if isinstance(x, str)}


def _flows(doc: Document, raw: dict, base: tuple) -> tuple[Flow, ...]:
    """A step's flows from ``next:``: one step id, or a list of ids and
    ``{to, when, kind, contact}`` mappings."""
    sid = raw["id"]
    nxt = raw.get("next")
    items = [nxt] if isinstance(nxt, str) else nxt if isinstance(nxt, list) else []
    flows = []
    for j, item in enumerate(items):
        fpath = base + ("next",) if isinstance(nxt, str) else base + ("next", j)
        if isinstance(item, str):
            flows.append(Flow(sid, item, "", "normal", doc.pos(fpath)))
        elif isinstance(item, dict) and isinstance(item.get("to"), str):
            kind = item.get("kind")
            flows.append(
                Flow(
                    sid,
                    item["to"],
                    _s(item.get("when")),
                    kind if kind in LOOP_KINDS else "normal",
                    doc.pos(fpath + ("to",)),
                    _contact(item.get("contact")),
                )
            )
    return tuple(flows)


def _check_references(bp: Blueprint) -> list[Problem]:
    """Every step's phase, role and flow targets name something declared, and
    no step names one target twice; problems in step order."""
    out: list[Problem] = []
    ids = {s.id for s in bp.steps}
    phase_ids = {p.id for p in bp.phases}
    for s in bp.steps:
        out.extend(_phase_and_role_problems(bp, s, phase_ids))
        out.extend(_trigger_problems(bp, s, ids))
        out.extend(_flow_problems(bp, s, ids))
    return out


def _hint(word: str, choices) -> str:
    """The closest declared name, as a "did you mean" suffix, or ""."""
    # short ids (two Chinese characters, say) differ by a larger share of their letters
    return did_you_mean(word, sorted(choices), cutoff=0.5 if len(word) <= 3 else 0.6)


def _phase_and_role_problems(bp: Blueprint, s: Step, phase_ids: set[str]) -> list[Problem]:
    """A step's phase and role must be declared."""
    out = []
    if s.phase is not None and s.phase not in phase_ids:
        known = ", ".join(sorted(phase_ids)) or _("none are declared")
        out.append(
            problem(
                bp.path,
                s.value_pos("phase"),
                "error",
                _("step '%(step)s' names unknown phase '%(phase)s'%(hint)s")
                % {
                    "step": s.id,
                    "phase": s.phase,
                    "hint": _hint(s.phase, phase_ids)
                    or _(" (phases: %(known)s)") % {"known": known},
                },
                "unknown-phase",
            )
        )
    if s.role is not None and s.role not in bp.roles:
        out.append(
            problem(
                bp.path,
                s.value_pos("role"),
                "error",
                _("step '%(step)s' names unknown role '%(role)s'%(hint)s")
                % {
                    "step": s.id,
                    "role": s.role,
                    "hint": _hint(s.role, bp.roles) or _(" (declare it under roles)"),
                },
                "unknown-role",
            )
        )
    return out


def _trigger_problems(bp: Blueprint, s: Step, ids: set[str]) -> list[Problem]:
    """A promise's ``from:`` must name a step."""
    trig = s.standard.trigger if s.standard else None
    if trig is None or trig in ids or any(c in trig for c in " ,;"):  # else the schema said it
        return []
    return [
        problem(
            bp.path,
            (s.standard.trigger_pos if s.standard else None) or s.value_pos("standard"),
            "error",
            _("step '%(step)s' times its standard from unknown step '%(trigger)s'%(hint)s")
            % {"step": s.id, "trigger": trig, "hint": _hint(trig, ids)},
            "unknown-step",
        )
    ]


def _flow_problems(bp: Blueprint, s: Step, ids: set[str]) -> list[Problem]:
    """A step's flows must go to existing steps, each at most once."""
    out = []
    seen_targets = set()
    for f in s.flows:
        if f.target not in ids and not any(c in f.target for c in " ,;"):  # else the schema said it
            out.append(
                problem(
                    bp.path,
                    f.pos,
                    "error",
                    _("step '%(step)s' flows to unknown step '%(target)s'%(hint)s")
                    % {"step": s.id, "target": f.target, "hint": _hint(f.target, ids)},
                    "unknown-step",
                )
            )
        elif f.target in seen_targets:
            out.append(
                problem(
                    bp.path,
                    f.pos,
                    "error",
                    _("step '%(step)s' names '%(target)s' twice in next")
                    % {"step": s.id, "target": f.target},
                    "duplicate-flow",
                )
            )
        seen_targets.add(f.target)
    return out
