"""The blueprint model: plain, positioned objects built from checked data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from blueprint.durations import parse_duration
from blueprint.load import Document
from blueprint.problems import Pos, Problem, did_you_mean, problem

LANES = ("customer", "frontstage", "backstage", "support")
#: lanes in drawing order, evidence first
BANDS = ("evidence",) + LANES
LOOP_KINDS = ("recovery", "rework")


@dataclass(frozen=True, slots=True)
class Duration:
    text: str
    seconds: float
    pos: Pos


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
class Standard:
    text: str
    within: Duration | None
    pos: Pos


@dataclass(frozen=True, slots=True)
class FailPoint:
    risk: str
    likelihood: str | None
    severity: str | None
    prevention: str
    recovery: str
    pos: Pos


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

    @property
    def is_loop(self) -> bool:
        return self.kind in LOOP_KINDS


@dataclass(slots=True)
class Step:
    id: str
    lane: str
    text: str
    index: int  # order in the file
    pos: Pos
    description: str = ""
    phase: str | None = None
    role: str | None = None
    evidence: tuple = ()
    duration: Duration | None = None
    standard: Standard | None = None
    says: str = ""
    emotion: int | None = None
    key: bool = False
    fail: FailPoint | None = None
    wait: WaitPoint | None = None
    ignore: frozenset = frozenset()
    ignore_pos: dict = field(default_factory=dict)  # ignored id -> Pos of the list item
    flows: tuple = ()
    positions: dict = field(default_factory=dict)  # field name -> Pos of its key
    values: dict = field(default_factory=dict)  # field name -> Pos of its value

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
    locale: str = "en"
    customer: str = ""
    owner: str = ""
    status: str = ""
    version: str = ""
    tolerance: Duration | None = None
    rules: dict = field(default_factory=dict)  # rule id -> (severity, Pos)
    phases: list = field(default_factory=list)
    roles: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)
    positions: dict = field(default_factory=dict)  # top-level key -> Pos

    by_id: dict = field(default_factory=dict)  # step id -> Step

    def flows(self):
        for s in self.steps:
            yield from s.flows

    def phase_index(self, phase_id: str | None) -> int | None:
        for p in self.phases:
            if p.id == phase_id:
                return p.index
        return None


def _s(value) -> str:
    return value if isinstance(value, str) else ""


def _emotion(value) -> int | None:
    """-2..2; a whole float (2.0) counts as the JSON Schema's integer does."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    if not -2 <= value <= 2 or value != int(value):  # the range first: int(.inf) would raise
        return None
    return int(value)


_DURATION_SHAPE = re.compile(r"^\s*(\d+(\.\d+)?\s*(s|sec|m|min|h|d|w)\s*)+$")


def _duration(doc: Document, path: tuple, value, problems: list | None = None) -> Duration | None:
    if not isinstance(value, str):
        return None
    seconds = parse_duration(value)
    if seconds is None:
        if problems is not None and _DURATION_SHAPE.match(value):  # well written, but absurdly long
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


def build(doc: Document) -> tuple[Blueprint | None, list[Problem]]:
    """Build the model from schema-checked data and check its references.

    Parts that do not have the right shape are skipped (the schema has
    already reported them), so a partly broken file still yields a model.
    """
    data = doc.data
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, problems
    path = doc.path

    def pos(*p):
        return doc.pos(p)

    bp = Blueprint(
        path=path,
        id=_s(data.get("id")),
        title=_s(data.get("title")),
        pos=pos(),
        description=_s(data.get("description")),
        locale=data.get("locale") if data.get("locale") in ("en", "zh-CN", "zh-TW") else "en",
        customer=_s(data.get("customer")),
        owner=_s(data.get("owner")),
        status=_s(data.get("status")),
        version=""
        if data.get("version") is None
        else doc.numbers.get(("version",), str(data.get("version"))),
        tolerance=_duration(doc, ("tolerance",), data.get("tolerance"), problems),
        positions={k: doc.key_pos((k,)) for k in data},
    )
    rules = data.get("rules")
    if isinstance(rules, dict):
        bp.rules = {
            k: (v, doc.key_pos(("rules", k))) for k, v in rules.items() if isinstance(v, str)
        }

    phases = data.get("phases")
    if isinstance(phases, list):
        seen: dict = {}
        for i, ph in enumerate(phases):
            if not isinstance(ph, dict) or not isinstance(ph.get("id"), str):
                continue
            pid = ph["id"]
            if pid in seen:
                problems.append(
                    problem(
                        path,
                        pos("phases", i, "id"),
                        "error",
                        f"duplicate phase id '{pid}' (first at line {seen[pid].line})",
                        "duplicate-id",
                    )
                )
                continue
            seen[pid] = pos("phases", i, "id")
            bp.phases.append(
                Phase(
                    pid,
                    _s(ph.get("name")) or pid,
                    _s(ph.get("description")),
                    len(bp.phases),
                    pos("phases", i),
                )
            )

    roles = data.get("roles")
    if isinstance(roles, dict):
        for rid, r in roles.items():
            if isinstance(rid, str):
                r = r if isinstance(r, dict) else {}
                bp.roles[rid] = Role(
                    rid,
                    _s(r.get("name")) or rid,
                    _s(r.get("description")),
                    doc.key_pos(("roles", rid)),
                )

    steps = data.get("steps")
    if not isinstance(steps, list):
        return bp, problems
    seen_steps: dict = {}
    for i, raw in enumerate(steps):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            continue
        sid = raw["id"]
        base = ("steps", i)
        if sid in seen_steps:
            problems.append(
                problem(
                    path,
                    pos(*base, "id"),
                    "error",
                    f"duplicate step id '{sid}' (first at line {seen_steps[sid].line})",
                    "duplicate-id",
                )
            )
            continue
        seen_steps[sid] = pos(*base, "id")
        lane = raw.get("lane") if raw.get("lane") in LANES else None
        step = Step(
            id=sid,
            lane=lane,
            text=_s(raw.get("text")) or sid,
            index=len(bp.steps),
            pos=pos(*base),
            description=_s(raw.get("description")),
            phase=raw.get("phase") if isinstance(raw.get("phase"), str) else None,
            role=raw.get("role") if isinstance(raw.get("role"), str) else None,
            duration=_duration(doc, base + ("duration",), raw.get("duration"), problems),
            says=_s(raw.get("says")),
            emotion=_emotion(raw.get("emotion")),
            key=raw.get("key") is True,
            positions={k: doc.key_pos(base + (k,)) for k in raw if isinstance(k, str)},
            values={k: doc.pos(base + (k,)) for k in raw if isinstance(k, str)},
        )
        ev = raw.get("evidence")
        if isinstance(ev, list):
            step.evidence = tuple(
                Evidence(e, pos(*base, "evidence", j))
                for j, e in enumerate(ev)
                if isinstance(e, str)
            )
        std = raw.get("standard")
        if isinstance(std, str) and std:
            step.standard = Standard(std, None, pos(*base, "standard"))
        elif isinstance(std, dict) and isinstance(std.get("text"), str):
            step.standard = Standard(
                std["text"],
                _duration(doc, base + ("standard", "within"), std.get("within"), problems),
                pos(*base, "standard"),
            )
        fail = raw.get("fail")
        if isinstance(fail, dict) and isinstance(fail.get("risk"), str):
            step.fail = FailPoint(
                fail["risk"],
                fail.get("likelihood"),
                fail.get("severity"),
                _s(fail.get("prevention")),
                _s(fail.get("recovery")),
                doc.key_pos(base + ("fail",)),
            )
        wait = raw.get("wait")
        if isinstance(wait, dict):
            step.wait = WaitPoint(
                _duration(doc, base + ("wait", "expected"), wait.get("expected"), problems),
                _duration(doc, base + ("wait", "tolerable"), wait.get("tolerable"), problems),
                _s(wait.get("fill")),
                _s(wait.get("explain")),
                doc.key_pos(base + ("wait",)),
            )
        ign = raw.get("ignore")
        if isinstance(ign, list):
            step.ignore = frozenset(x for x in ign if isinstance(x, str))
            step.ignore_pos = {
                x: pos(*base, "ignore", j) for j, x in enumerate(ign) if isinstance(x, str)
            }
        nxt = raw.get("next")
        items = [nxt] if isinstance(nxt, str) else nxt if isinstance(nxt, list) else []
        flows = []
        for j, item in enumerate(items):
            fpath = base + ("next",) if isinstance(nxt, str) else base + ("next", j)
            if isinstance(item, str):
                flows.append(Flow(sid, item, "", "normal", doc.pos(fpath)))
            elif isinstance(item, dict) and isinstance(item.get("to"), str):
                kind = item.get("kind") if item.get("kind") in LOOP_KINDS else "normal"
                flows.append(
                    Flow(sid, item["to"], _s(item.get("when")), kind, doc.pos(fpath + ("to",)))
                )
        step.flows = tuple(flows)
        bp.steps.append(step)

    bp.by_id = {s.id: s for s in bp.steps}
    problems.extend(_check_references(bp))
    return bp, problems


def _check_references(bp: Blueprint) -> list[Problem]:
    out = []
    ids = {s.id for s in bp.steps}
    phase_ids = {p.id for p in bp.phases}

    def hint(word, choices):
        # short ids (two Chinese characters, say) differ by a larger share of their letters
        return did_you_mean(word, sorted(choices), cutoff=0.5 if len(word) <= 3 else 0.6)

    for s in bp.steps:
        if s.phase is not None and s.phase not in phase_ids:
            known = ", ".join(sorted(phase_ids)) or "none are declared"
            out.append(
                problem(
                    bp.path,
                    s.value_pos("phase"),
                    "error",
                    f"step '{s.id}' names unknown phase '{s.phase}'{hint(s.phase, phase_ids) or f' (phases: {known})'}",
                    "unknown-phase",
                )
            )
        if s.role is not None and s.role not in bp.roles:
            out.append(
                problem(
                    bp.path,
                    s.value_pos("role"),
                    "error",
                    f"step '{s.id}' names unknown role '{s.role}'{hint(s.role, bp.roles) or ' (declare it under roles)'}",
                    "unknown-role",
                )
            )
        seen_targets = set()
        for f in s.flows:
            if f.target not in ids and not any(
                c in f.target for c in " ,;"
            ):  # else the schema said it
                out.append(
                    problem(
                        bp.path,
                        f.pos,
                        "error",
                        f"step '{s.id}' flows to unknown step '{f.target}'{hint(f.target, ids)}",
                        "unknown-step",
                    )
                )
            elif f.target in seen_targets:
                out.append(
                    problem(
                        bp.path,
                        f.pos,
                        "error",
                        f"step '{s.id}' names '{f.target}' twice in next",
                        "duplicate-flow",
                    )
                )
            seen_targets.add(f.target)
    return out
