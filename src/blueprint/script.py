"""Service scripts: what each role does, step by step, and the customer's journey.

:func:`build` turns a checked blueprint and its analysis into a :class:`Handout`:
one :class:`Script` per role (its steps grouped by phase, in flow order within
each phase, each with its cue, what to do and say, the standard and time to
meet, the evidence to prepare or present, the fail point's prevention and
recovery, the wait to fill and explain, and the hand-offs across the line of
visibility) and one for the customer (what they do, see and wait for, the staff
they meet, the branches). :func:`render` fills the jinja2 templates in
``templates/`` (or a designer's overrides) to Markdown, HTML or plain text.

The model holds plain text from the blueprint; escaping belongs to the output
format and is done by the template environment, never by the model.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, fields, is_dataclass, replace

from blueprint import i18n
from blueprint.analysis.findings import NOTICEABLE_WAIT, WaitFinding
from blueprint.durations import duration_parts
from blueprint.textwidth import display_width, wrap
from blueprint.vocab import SCRIPT_FORMATS as FORMATS
from blueprint.vocab import STAFF as STAFF_LANES
from blueprint.vocab import VISIBLE, printable

MOMENTS = ("key", "best", "worst", "end")  # markers shown as badges, in this order
TEXT_WIDTH = 80
#: inferred waits shorter than this (seconds) are left out of scripts
MIN_INFERRED_WAIT = NOTICEABLE_WAIT


class ScriptError(Exception):
    """A script cannot be produced (a template is missing or broken): one line for people."""


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Marker:
    id: str
    name: str


@dataclass(frozen=True)
class Link:
    """Another step seen from this one: a cue, a hand-off, a branch or a staff step met."""

    step: str
    who: str  # role name, the customer, or the lane title
    text: str  # what happens there
    when: str = ""  # the condition on the way, if any
    again: bool = False  # reached through a recovery or rework flow
    customer: bool = False  # the other step is a customer action
    say: str = ""  # what the staff there say (staff met by the customer)
    behind: bool = False  # hand-offs: the other step is behind the line of visibility


@dataclass(frozen=True)
class FailNote:
    """A declared fail point (inferred candidates belong to the analysis report)."""

    risk: str
    likelihood: str  # localized word, or ""
    severity: str  # localized word, or ""
    prevention: str
    recovery: str


@dataclass(frozen=True)
class WaitNote:
    step: str  # the customer step at which the customer waits
    at: str  # that step's text
    declared: bool
    expected: str  # formatted duration or ""
    tolerable: str
    over_tolerance: bool
    fill: str
    explain: str


@dataclass(frozen=True)
class NeedNote:
    """What the customer needs at a customer action a staff step serves."""

    at: str  # the customer action's text
    text: str  # the need in words
    type: str  # its type, in the script's words


@dataclass(frozen=True)
class ScriptStep:
    id: str
    number: int
    lane: str
    lane_title: str
    phase: str
    who: str
    do: str
    description: str = ""
    say: str = ""
    standard: str = ""
    within: str = ""  # the standard's time limit, formatted
    promise: str = ""  # a promise timed from a trigger, in words (within 3 working days of “…”)
    late: str = ""  # the standard or promise is missed as the service is designed: by how much
    time: str = ""  # the step's own duration, formatted
    evidence: tuple = ()
    cues: tuple = ()  # Link: what just happened
    cue_note: str = ""  # when there is no cue: the service starts here, or "when needed"
    handoffs: tuple = ()  # Link: work handed across the line of visibility
    branches: tuple = ()  # Link: what comes next, when it depends on a condition
    served_by: tuple = ()  # Link: (customer script) front-stage steps met next
    fail: FailNote | None = None
    waits: tuple = ()  # WaitNote
    markers: tuple = ()  # Marker: key, peak, end moments of this step
    moments: tuple = ()  # Marker: (staff) moments of the customer step this one leads to
    end: bool = False  # (customer script) the journey may end here
    needs: tuple = ()  # NeedNote: (staff) what the customer needs at the actions this step serves


@dataclass(frozen=True)
class PhaseGroup:
    id: str
    name: str
    steps: tuple


@dataclass(frozen=True)
class Script:
    kind: str  # "role" or "customer"
    id: str
    anchor: str  # id for links inside a document
    title: str
    description: str
    phases: tuple  # PhaseGroup

    @property
    def steps(self) -> tuple:
        return tuple(s for p in self.phases for s in p.steps)


@dataclass(frozen=True)
class Handout:
    id: str
    title: str
    description: str
    locale: str
    customer: str
    owner: str
    status: str  # localized, or ""
    version: str
    scripts: tuple  # Script
    words: dict
    lanes: dict
    lines: dict

    @property
    def roles(self) -> tuple:
        """Ids of the role scripts, in order (what --role accepts)."""
        return tuple(s.id for s in self.scripts if s.kind == "role")

    def script(self, kind: str, script_id: str | None = None):
        return next(
            (
                s
                for s in self.scripts
                if s.kind == kind and (script_id is None or s.id == script_id)
            ),
            None,
        )


# --------------------------------------------------------------------------- building


def duration_text(seconds: float | None, words: dict) -> str:
    """A duration in the locale's units (durations.format_duration's parts, translated)."""
    if seconds is None:
        return ""
    parts = duration_parts(seconds)
    return words["unit_sep"].join(f"{n}{words['unit_' + u]}" for n, u in parts)


# Chinese and Japanese characters and punctuation (not Hangul: Korean separates words with spaces)
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])[ \t\r\n]+(?=[{_CJK}])")


def tidy(text: str) -> str:
    """Text from the blueprint without white space at its ends or between two
    CJK characters: that space only comes from folding a long YAML line (``>``),
    and Chinese text never has it."""
    return _CJK_GAP.sub("", text.strip())


def build(bp, structure, analysis) -> Handout:
    """Every script of the blueprint: the customer's journey first, then one per role."""
    return escape_model(_Builder(bp, structure, analysis).handout(), tidy)


def select(handout: Handout, *, role: str | None = None, customer: bool = False) -> Handout:
    """The handout with only one role's script, or only the customer's."""
    if role is not None:
        return replace(
            handout, scripts=tuple(s for s in handout.scripts if s.kind == "role" and s.id == role)
        )
    if customer:
        return replace(handout, scripts=tuple(s for s in handout.scripts if s.kind == "customer"))
    return handout


class _Builder:
    def __init__(self, bp, structure, analysis):
        self.bp = bp
        self.st = structure
        self.an = analysis
        self.loc = i18n.locale_of(bp.locale)
        self.w = i18n.words(self.loc)
        self.g = structure.graph
        self.rank = structure.rank
        self._waits: list[WaitFinding] | None = None  # computed by waits()
        self._own: dict[str, set[str]] | None = None  # computed by _own_next()
        self._beside: tuple[set[str], dict[str, set[str]]] | None = None  # by _met_beside()
        self._serves: dict[str, list[str]] | None = None  # computed by staff_needs()
        self._waits_at: dict[str, list[WaitFinding]] = {}  # step -> its waits
        self._waits_after: dict[
            str | None, list[WaitFinding]
        ] = {}  # inferred: step before -> waits
        # branches are told in the order the designer wrote them (the usual case first)
        self.flow_index = {
            (f.source, f.target): j for st in bp.steps for j, f in enumerate(st.flows)
        }

    # who and what -------------------------------------------------------
    def who(self, step_id: str) -> str:
        s = self.bp.by_id[step_id]
        if s.lane == "customer":
            return self.w["customer"]
        if s.role in self.bp.roles:
            return self.bp.roles[s.role].name
        return i18n.lane_title(s.lane, self.loc) if s.lane else ""

    def _edge_sort(self, u: str, v: str):
        return (
            self.g.edges[u, v]["kind"] != "normal",
            self.flow_index.get((u, v), 0),
            self.rank.get(v, 0),
        )

    def _pred_sort(self, u: str, v: str):
        return (self.g.edges[u, v]["kind"] != "normal", self.rank.get(u, 0))

    def link(self, other: str, when: str = "", kind: str = "normal", **kw) -> Link:
        o = self.bp.by_id[other]
        return Link(
            other, self.who(other), o.text, when, kind != "normal", o.lane == "customer", **kw
        )

    def moments_of(self, step_id: str) -> tuple:
        m = self.an.markers(step_id)
        return tuple(Marker(k, i18n.marker_name(k, self.loc)) for k in MOMENTS if k in m)

    # parts of a step --------------------------------------------------------
    def cues(self, step_id: str) -> tuple:
        preds = sorted(self.g.predecessors(step_id), key=lambda u: self._pred_sort(u, step_id))
        return tuple(
            self.link(u, self.g.edges[u, step_id]["when"], self.g.edges[u, step_id]["kind"])
            for u in preds
        )

    def cue_note(self, step_id: str, cues: tuple) -> str:
        if cues:
            return ""
        s = self.bp.by_id[step_id]
        first = self.st.order[0] if self.st.order else None
        return (
            self.w["cue_start"] if s.lane == "customer" or step_id == first else self.w["cue_none"]
        )

    def branches(self, step_id: str) -> tuple:
        succ = sorted(self.g.successors(step_id), key=lambda v: self._edge_sort(step_id, v))
        edges = [(v, self.g.edges[step_id, v]) for v in succ]
        if len(edges) < 2 and not any(d["when"] or d["kind"] != "normal" for _, d in edges):
            return ()
        return tuple(self.link(v, d["when"], d["kind"]) for v, d in edges)

    def handoffs(self, step_id: str) -> tuple:
        s = self.bp.by_id[step_id]
        out = []
        for v in sorted(self.g.successors(step_id), key=lambda v: self._edge_sort(step_id, v)):
            t = self.bp.by_id[v]
            if (s.lane in VISIBLE) != (t.lane in VISIBLE):
                d = self.g.edges[step_id, v]
                out.append(self.link(v, d["when"], d["kind"], behind=t.lane not in VISIBLE))
        return tuple(out)

    def fail(self, step_id: str) -> FailNote | None:
        f = self.an.fail_at(step_id)
        fp = f.fail if f is not None and f.declared else None
        if fp is None:
            return None
        return FailNote(
            fp.risk,
            self.w.get(fp.likelihood or "", ""),
            self.w.get(fp.severity or "", ""),
            fp.prevention,
            fp.recovery,
        )

    def waits(self) -> list[WaitFinding]:
        """Declared waits, and inferred ones long enough to explain to a customer."""
        if self._waits is None:
            self._waits = [
                wf
                for wf in self.an.wait_points
                if wf.declared or wf.expected is None or wf.expected >= MIN_INFERRED_WAIT
            ]
            for wf in self._waits:  # indexed once: looking them up per step stays linear
                self._waits_at.setdefault(wf.step, []).append(wf)
                if not wf.declared:
                    self._waits_after.setdefault(wf.after, []).append(wf)
        return self._waits

    def wait_note(self, wf) -> WaitNote:
        s = self.bp.by_id[wf.step]
        declared = s.wait if wf.declared else None
        expected = (
            wf.expected
            if wf.expected is not None
            else (declared.expected.seconds if declared and declared.expected else None)
        )
        tolerable = (
            wf.tolerable
            if wf.tolerable is not None
            else (declared.tolerable.seconds if declared and declared.tolerable else None)
        )
        return WaitNote(
            step=wf.step,
            at=s.text,
            declared=bool(wf.declared),
            expected=duration_text(expected, self.w),
            tolerable=duration_text(tolerable, self.w),
            over_tolerance=bool(wf.over_tolerance),
            fill=declared.fill if declared else "",
            explain=declared.explain if declared else "",
        )

    def customer_waits(self, step_id: str) -> tuple:
        """The wait at a customer step: the declared one(s), else the longest inferred one."""
        self.waits()
        found = self._waits_at.get(step_id, [])
        declared = [wf for wf in found if wf.declared]
        if not declared and found:
            declared = [max(found, key=lambda wf: (wf.expected is not None, wf.expected or 0.0))]
        return tuple(self.wait_note(wf) for wf in declared)

    def staff_waits(self, step_id: str) -> tuple:
        """Waits a front-stage step starts: it leads straight into a declared wait,
        or it is the first visible step after the customer step an inferred wait follows."""
        s = self.bp.by_id[step_id]
        if s.lane != "frontstage":
            return ()
        succ = set(self.st.forward.successors(step_id))
        preds = set(self.g.predecessors(step_id))
        self.waits()
        mine = {id(wf) for n in succ for wf in self._waits_at.get(n, ()) if wf.declared}
        mine |= {id(wf) for n in preds for wf in self._waits_after.get(n, ())}
        return tuple(self.wait_note(wf) for wf in self.waits() if id(wf) in mine)

    def staff_evidence(self, step_id: str) -> tuple:
        """The step's own evidence; for a front-stage step also the evidence of the
        customer steps it leads to (or, when it leads to none, follows)."""
        s = self.bp.by_id[step_id]
        items = [e.text for e in s.evidence]
        if s.lane == "frontstage":
            fwd = self.st.forward
            near = [
                v
                for v in sorted(fwd.successors(step_id), key=self.rank.get)
                if self.st.lane(v) == "customer"
            ]
            if not near:
                near = [
                    u
                    for u in sorted(fwd.predecessors(step_id), key=self.rank.get)
                    if self.st.lane(u) == "customer"
                ]
            for c in near:
                items.extend(e.text for e in self.bp.by_id[c].evidence)
        return tuple(dict.fromkeys(items))

    def staff_moments(self, step_id: str) -> tuple:
        seen: dict = {}
        for v in sorted(self.st.forward.successors(step_id), key=self.rank.get):
            if self.st.lane(v) == "customer":
                for m in self.moments_of(v):
                    seen.setdefault(m.id, m)
        return tuple(seen[k] for k in MOMENTS if k in seen)

    def promise(self, step_id: str) -> str:
        """A promise timed from a trigger (or in working days) in words, else ""."""
        check = next((c for c in self.an.timing.standards if c.step == step_id), None)
        if check is None or check.kind == "duration":
            return ""
        from blueprint.analysis.promises import promise_words

        trigger = self.bp.by_id[check.trigger].text if check.trigger in self.bp.by_id else None
        return promise_words(check, self.w, trigger)

    def late(self, step_id: str) -> str:
        over = [c for c in self.an.timing.standards if c.step == step_id and c.over]
        if not over:
            return ""
        c = max(over, key=lambda c: c.over)
        key = "promise_early_fmt" if c.status == "early" else "promise_late_fmt"
        return self.w[key].format(duration_text(c.over, self.w))

    def common(self, step_id: str, number: int) -> dict:
        s = self.bp.by_id[step_id]
        std = s.standard
        return dict(
            id=s.id,
            number=number,
            lane=s.lane or "",
            lane_title=i18n.lane_title(s.lane, self.loc) if s.lane else "",
            phase=s.phase or "",
            who=self.who(step_id),
            do=s.text,
            description=s.description,
            say=s.says,
            standard=std.text if std else "",
            within=duration_text(std.within.seconds, self.w)
            if std and std.within and std.kind == "duration"
            else "",
            promise=self.promise(step_id),
            late=self.late(step_id),
            time=duration_text(s.duration.seconds, self.w) if s.duration else "",
            markers=self.moments_of(step_id),
        )

    def staff_needs(self, step_id: str) -> tuple:
        """What the customer needs at the customer actions whose staff this step is: the
        front-stage steps met after an action, before the next (as served_by)."""
        if self._serves is None:
            self._serves = {}
            for c in self.st.customer_steps:
                if self.bp.by_id[c].need is not None:
                    for link in self.served_by(c):
                        self._serves.setdefault(link.step, []).append(c)
        out = []
        for c in self._serves.get(step_id, ()):
            need = self.bp.by_id[c].need
            out.append(NeedNote(self.bp.by_id[c].text, need.text, self.w[f"need_{need.type}"]))
        return tuple(out)

    def staff_step(self, step_id: str, number: int) -> ScriptStep:
        cues = self.cues(step_id)
        handoffs = self.handoffs(step_id)
        return ScriptStep(
            **self.common(step_id, number),
            evidence=self.staff_evidence(step_id),
            cues=cues,
            cue_note=self.cue_note(step_id, cues),
            handoffs=handoffs,
            branches=tuple(
                b for b in self.branches(step_id) if b.step not in {h.step for h in handoffs}
            ),
            fail=self.fail(step_id),
            waits=self.staff_waits(step_id),
            moments=self.staff_moments(step_id),
            needs=self.staff_needs(step_id),
        )

    # the customer's view --------------------------------------------------------
    def customer_next(self, step_id: str) -> tuple:
        """Next customer steps, with the conditions met on the way there."""
        found: dict = {}
        stack = [
            (v, self._when((), step_id, v), self.g.edges[step_id, v]["kind"] != "normal")
            for v in reversed(
                sorted(self.g.successors(step_id), key=lambda v: self._edge_sort(step_id, v))
            )
        ]
        seen = set()
        while stack:
            n, whens, again = stack.pop()
            if self.st.lane(n) == "customer":
                found.setdefault(n, (whens, again))
                continue
            if n in seen:
                continue
            seen.add(n)
            succ = sorted(self.g.successors(n), key=lambda v: self._edge_sort(n, v))
            for v in reversed(succ):
                stack.append(
                    (v, self._when(whens, n, v), again or self.g.edges[n, v]["kind"] != "normal")
                )
        own = self._own_next().get(step_id)
        if own and own & found.keys():
            # a result that arrives while the customer goes on (work run in parallel, no
            # when: on the way) is not what they do next: their own next action is
            found = {v: wa for v, wa in found.items() if wa[0] or wa[1] or v in own}
        ordered = sorted(found, key=lambda v: (found[v][1], self.rank.get(v, 0)))
        return tuple(
            self.link(v, "; ".join(found[v][0]), "rework" if found[v][1] else "normal")
            for v in ordered
        )

    def _own_next(self) -> dict[str, set[str]]:
        """Customer step -> the customer's own next actions, as the analysis paired
        them (work that runs beside the customer is not a pair); computed once."""
        if self._own is None:
            self._own = {}
            for g in self.an.segments:
                self._own.setdefault(g.after, set()).add(g.step)
        return self._own

    def _when(self, whens: tuple, u: str, v: str) -> tuple:
        w = self.g.edges[u, v]["when"]
        return whens + (w,) if w and w not in whens else whens

    def served_by(self, step_id: str) -> tuple:
        """Front-stage steps the customer meets before their next action (normal flows).

        Work that runs beside the customer is met after their last action before
        it joins them (the dish served after the party sat down), so it is told
        there, not at the action that started it."""
        fwd = self.st.forward
        found, seen, stack = [], {step_id}, list(fwd.successors(step_id))
        while stack:
            n = stack.pop()
            if n in seen or self.st.lane(n) == "customer":
                continue
            seen.add(n)
            if self.st.lane(n) == "frontstage":
                found.append(n)
            stack.extend(fwd.successors(n))
        later, here = self._met_beside()
        mine = here.get(step_id, set())
        found = [n for n in found if n not in later or n in mine] + sorted(mine - set(found))
        found.sort(key=self.rank.get)
        return tuple(self.link(n, say=self.bp.by_id[n].says) for n in found)

    def _met_beside(self) -> tuple[set[str], dict[str, set[str]]]:
        """Front-stage steps of work run beside the customer that they meet where it
        joins them, and by customer step the ones they meet after it; computed once."""
        if self._beside is None:
            later: set[str] = set()
            here: dict[str, set[str]] = {}
            for g in self.an.segments:
                if g.parallel is None:
                    continue
                front = {n for n in g.service if self.st.lane(n) == "frontstage"}
                later |= front
                here.setdefault(g.after, set()).update(front)
            self._beside = (later, here)
        return self._beside

    def customer_step(self, step_id: str, number: int) -> ScriptStep:
        s = self.bp.by_id[step_id]
        nxt = self.customer_next(step_id)
        show = len(nxt) > 1 or any(b.when or b.again for b in nxt)
        cues = ()
        return ScriptStep(
            **self.common(step_id, number),
            evidence=tuple(e.text for e in s.evidence),
            cues=cues,
            cue_note=self.cue_note(step_id, cues) if step_id in self.st.customer_starts else "",
            branches=nxt if show else (),
            served_by=self.served_by(step_id),
            fail=self.fail(step_id),
            waits=self.customer_waits(step_id),
            end=step_id in self.an.ends,
        )

    # grouping -------------------------------------------------------------------
    def group(self, step_ids: list, make) -> tuple:
        """Steps grouped by phase (in the order phases are declared), flow order within."""
        buckets: dict = {}
        for sid in step_ids:
            buckets.setdefault(
                self.bp.by_id[sid].phase
                if self.bp.phase_index(self.bp.by_id[sid].phase) is not None
                else None,
                [],
            ).append(sid)
        keys = [p.id for p in self.bp.phases if p.id in buckets] + (
            [None] if None in buckets else []
        )
        groups, n = [], 0
        names = {p.id: p.name for p in self.bp.phases}
        for k in keys:
            steps = []
            for sid in buckets[k]:
                n += 1
                steps.append(make(sid, n))
            name = names[k] if k is not None else (self.w["no_phase"] if self.bp.phases else "")
            groups.append(PhaseGroup(k or "", name, tuple(steps)))
        return tuple(groups)

    def handout(self) -> Handout:
        bp, order = self.bp, self.st.order
        scripts = [
            Script(
                "customer",
                "customer",
                "customer-journey",
                self.w["customer_script"],
                bp.customer,
                self.group(list(self.st.customer_steps), self.customer_step),
            )
        ]
        for rid, role in bp.roles.items():
            ids = [n for n in order if bp.by_id[n].role == rid and bp.by_id[n].lane in STAFF_LANES]
            scripts.append(
                Script(
                    "role",
                    rid,
                    f"role-{rid}",
                    role.name,
                    role.description,
                    self.group(ids, self.staff_step),
                )
            )
        for lane in STAFF_LANES:  # staff steps nobody is named for get a script per lane
            ids = [
                n for n in order if bp.by_id[n].lane == lane and bp.by_id[n].role not in bp.roles
            ]
            if ids:
                sid = (
                    lane if lane not in bp.roles else f"{lane}-no-role"
                )  # a role may be called 'backstage'
                title = f"{i18n.lane_title(lane, self.loc)} ({self.w['no_role']})"
                scripts.append(
                    Script("role", sid, f"role-{sid}", title, "", self.group(ids, self.staff_step))
                )
        return Handout(
            id=bp.id,
            title=bp.title,
            description=bp.description,
            locale=self.loc,
            customer=bp.customer,
            owner=bp.owner,
            status=self.w.get(bp.status, bp.status) if bp.status else "",
            version=bp.version,
            scripts=tuple(scripts),
            words=self.w,
            lanes=dict(i18n.LANES[self.loc]),
            lines=dict(i18n.LINES[self.loc]),
        )


# --------------------------------------------------------------------------- escaping

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&$])")
_MD_LEADING = re.compile(r"^(?:([-+](?=[\s-]|$)|=)|(\d{1,9})(?=[.)](?:\s|$)))")


def md_escape(value) -> str:
    """Text as literal Markdown (GitHub flavour), safe inside table cells too:
    runs of white space (line breaks too) become one space, and every character
    that could start markup, an HTML tag, an entity, maths or a table cell is
    backslash-escaped, as is a leading list or heading marker."""
    text = " ".join(_clean(str(value)).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    m = _MD_LEADING.match(text)
    if m:
        at = 0 if m.group(1) else m.end()
        text = text[:at] + "\\" + text[at:]
    return text


def _clean(text: str) -> str:
    """Control characters (ANSI escapes and the like) shown as \\xNN, never sent raw;
    line breaks and tabs kept (vocab.printable)."""
    return printable(text, keep="\n\t")


def _html_chars(text: str) -> str:
    """What HTML may hold: control characters shown as \\xNN (vocab.printable)."""
    return printable(text, keep="\t\n\r")


#: fields that hold identifiers, or the fixed words of i18n: never escaped
_IDENTIFIERS = frozenset(
    {"id", "kind", "anchor", "lane", "phase", "step", "locale", "words", "lanes", "lines"}
)


def escape_model(obj, esc, name: str = ""):
    """A copy of the handout (or any part of it) with every text passed through
    ``esc``: the Markdown and text formats escape once, here, so that templates,
    macros and filters never see raw blueprint text."""
    if name in _IDENTIFIERS:
        return obj
    if isinstance(obj, str):
        return esc(obj)
    if isinstance(obj, tuple):
        return tuple(escape_model(x, esc, name) for x in obj)
    if isinstance(obj, list):
        return [escape_model(x, esc, name) for x in obj]
    if isinstance(obj, dict):
        return {k: escape_model(v, esc) for k, v in obj.items()}
    if is_dataclass(obj) and not isinstance(obj, type):
        return replace(
            obj, **{f.name: escape_model(getattr(obj, f.name), esc, f.name) for f in fields(obj)}
        )
    return obj


# --------------------------------------------------------------------------- text helpers


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces to fill ``width`` display cells."""
    return text + " " * max(0, width - display_width(text))


def text_field(
    label: str, value, *, indent: int = 4, label_width: int = 14, width: int = TEXT_WIDTH
) -> str:
    """A label and its value(s) wrapped by display width under a hanging indent.

    ``value`` is a string or a list of strings (one line each, under the label).
    """
    values = [value] if isinstance(value, str) else list(value)
    label = _clean(label)
    lw = max(label_width, display_width(label) + 1)
    out, first = [], True
    for v in values:
        for line in wrap(_clean(str(v)), max(10, width - indent - lw)):
            head = pad(label, lw) if first else " " * lw
            out.append((" " * indent + head + line).rstrip())
            first = False
    if first:
        out.append((" " * indent + label).rstrip())
    return "\n".join(out)


def text_block(value, *, indent: int = 0, width: int = TEXT_WIDTH) -> str:
    """A paragraph wrapped by display width, every line indented."""
    return "\n".join(
        (" " * indent + line).rstrip() for line in wrap(_clean(str(value)), max(10, width - indent))
    )


def underline(text: str, char: str = "-") -> str:
    return char * max(1, display_width(_clean(str(text))))


# --------------------------------------------------------------------------- rendering


def environment(fmt: str, templates: str | None = None):
    """The jinja2 environment for one format: StrictUndefined always and
    autoescaping for HTML (Markdown and text get an escaped model instead, see
    :func:`render`). A designer's folder comes before the built-in one.

    One environment serves every render of a format with the same folders, so
    that each template is compiled once (a build renders a script per role of
    every blueprint). It is found again only while every file in the folders
    has the same name, size, modification time and inode: a template edited,
    added or removed gets a new environment, never a stale compiled one."""
    from blueprint.resources import templates_dir

    folders = ((os.path.abspath(templates),) if templates else ()) + (str(templates_dir()),)
    return _environment(fmt, folders, tuple(_fingerprint(f) for f in folders))


def _fingerprint(folder: str) -> tuple:
    """(path, size, mtime in ns, inode) of every file under ``folder``, in order."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            out.append((os.path.relpath(path, folder), st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _environment(fmt: str, folders: tuple[str, ...], fingerprint: tuple):
    import jinja2

    loaders = [jinja2.FileSystemLoader(folder) for folder in folders]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals.update(field=text_field, block=text_block, pad=pad, width=TEXT_WIDTH)
    env.filters.update(underline=underline, display_width=lambda v: display_width(str(v)))
    return env


def label_width(words: dict) -> int:
    """Cells for the label column of the text format: the widest label plus two."""
    keys = (
        "cue",
        "do",
        "say",
        "standard",
        "time",
        "evidence",
        "see",
        "fail",
        "prevent",
        "recover",
        "wait",
        "wait_inferred",
        "fill",
        "explain",
        "handoff",
        "then",
        "served_by",
        "moment",
    )
    return min(16, max(display_width(words.get(k, "")) for k in keys) + 2)


def render(handout: Handout, fmt: str, templates: str | None = None) -> str:
    """The handout as ``md``, ``html`` or ``txt`` text, from ``script.<fmt>.j2``."""
    import jinja2

    if fmt not in FORMATS:
        raise ScriptError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    env = environment(fmt, templates)
    if fmt == "md":
        handout = escape_model(handout, md_escape)
    elif fmt == "txt":
        handout = escape_model(handout, _clean)
    else:  # html: characters XML and HTML forbid (C0/C1 controls, U+FFFE, U+FFFF) are shown
        handout = escape_model(handout, _html_chars)
    name = f"script.{fmt}.j2"
    try:
        tpl = env.get_template(name)
        out = tpl.render(
            doc=handout,
            scripts=handout.scripts,
            words=handout.words,
            lang=handout.locale,
            label_width=label_width(handout.words),
        )
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise ScriptError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise ScriptError(f"template not found: {exc.name}") from None
    except jinja2.UndefinedError as exc:
        raise ScriptError(
            f"template {name} (or one it includes) uses an undefined value: {exc.message}"
        ) from None
    except jinja2.TemplateError as exc:
        raise ScriptError(f"template {name}: {exc}") from None
    except RecursionError:
        raise ScriptError("a template includes or extends itself without end") from None
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, ZeroDivisionError) as exc:
        if not templates:
            raise  # the built-in templates failing is a bug in blueprint, not the designer's
        raise ScriptError(
            f"template {name} (or one it includes) failed: {type(exc).__name__}: {exc}"
        ) from None
    out = out.replace("\r\n", "\n")
    return out if out.endswith("\n") else out + "\n"
