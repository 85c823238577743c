"""What a change does to the service: two analysed blueprints in, a list of changes out.

Pure and deterministic: :func:`compare` takes the old and the new blueprint,
each with its analysis and its problems, and returns a :class:`Diff` whose
changes are values (a ``kind`` and its data, never words). The words are the
reports' (:mod:`blueprint.report.diff_text`, ``diff_markdown``, ``diff_json``,
``diff_github``); docs/diff.md describes every kind.

Steps are matched by id. A step of the old blueprint whose id is gone is
matched to a new step whose id is new when their *similarity* is at least
:data:`RENAME_THRESHOLD`::

    similarity = 0.5 × text + 0.2 × lane + 0.3 × neighbours

where ``text`` is difflib's ratio of the two texts (0..1), ``lane`` is 1 when
the lane is the same (else 0) and ``neighbours`` is the Jaccard index of the
two steps' neighbours (the steps flowing into or out of each, old ids
translated to new ones where the id is kept). Pairs are taken best first
(ties: new file order, then old file order), each step at most once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from blueprint import vocab
from blueprint.analysis import Analysis
from blueprint.model import Blueprint, Step
from blueprint.problems import Problem

RENAME_THRESHOLD = 0.6
WEIGHT_TEXT, WEIGHT_LANE, WEIGHT_NEIGHBOURS = 0.5, 0.2, 0.3

#: the kinds of change, in the order they are reported for one step
KINDS: tuple[str, ...] = (
    "step-added",
    "step-removed",
    "step-renamed",
    "lane-moved",
    "phase-moved",
    "text-changed",
    "says-changed",
    "role-changed",
    "duration-changed",
    "standard-changed",
    "description-changed",
    "key-changed",
    "evidence-added",
    "evidence-removed",
    "emotion-changed",
    "fail-added",
    "fail-resolved",
    "fail-declared",
    "fail-prevention-added",
    "fail-recovery-added",
    "fail-changed",
    "wait-added",
    "wait-removed",
    "wait-shortened",
    "wait-lengthened",
    "wait-filled",
    "wait-explained",
    "flow-added",
    "flow-removed",
    "flow-changed",
    "loop-added",
    "loop-removed",
    "end-added",
    "end-removed",
    "end-score-changed",
)
_KIND_RANK = {k: i for i, k in enumerate(KINDS)}
#: the step fields compared as text, in report order (standard is compared with its time limit)
TEXT_FIELDS: tuple[str, ...] = (
    "text",
    "says",
    "role",
    "duration",
    "standard",
    "description",
    "key",
)

#: why --fail-on worse fails, in report order
WORSE_REASONS: tuple[str, ...] = ("unrecovered-fail-points", "customer-time", "peak-end", "errors")


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a blueprint that loaded, its analysis and its problems."""

    name: str  # as the user named it (a file, or REV:path)
    bp: Blueprint
    analysis: Analysis
    problems: tuple[Problem, ...] = ()
    file: str = ""  # the file in the working tree it stands for (annotations), "" for ``name``


@dataclass(frozen=True)
class Change:
    kind: str
    step: str | None  # the step's id in the new blueprint (the old id for a removed step)
    phase: str | None  # the phase it belongs to (new side; old side for a removed step)
    side: str  # "new" or "old": which file ``line`` is in
    line: int
    data: tuple[tuple[str, object], ...] = ()  # the kind's values, in a fixed order

    def get(self, key: str, default: object = None) -> object:
        for k, v in self.data:
            if k == key:
                return v
        return default


@dataclass(frozen=True)
class Figure:
    """One service figure, old → new (seconds or a score; None: unknown)."""

    old: float | None
    new: float | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class ProblemChange:
    problem: Problem
    introduced: bool  # else fixed


@dataclass
class Diff:
    old: Side
    new: Side
    renamed: list[tuple[str, str, float]] = field(default_factory=list)  # (old id, new id, score)
    changes: list[Change] = field(default_factory=list)  # in report order
    phases: list[tuple[str | None, str]] = field(default_factory=list)  # (id, name), report order
    timing: dict[str, Figure] = field(default_factory=dict)
    customer_complete: tuple[bool, bool] = (True, True)
    peak_end: Figure = field(default_factory=lambda: Figure(None, None))
    #: (end step, its peak–end score old → new) for every end of either side: the new
    #: blueprint's ends in flow order, then the old ones that are no longer ends (new ids)
    ends: list[tuple[str, Figure]] = field(default_factory=list)
    unrecovered: Figure = field(default_factory=lambda: Figure(0, 0))  # declared, no recovery
    inferred: Figure = field(default_factory=lambda: Figure(0, 0))  # inferred fail points
    problems: list[ProblemChange] = field(default_factory=list)
    worse: list[str] = field(default_factory=list)  # WORSE_REASONS that hold

    @property
    def changed(self) -> bool:
        return bool(
            self.changes
            or self.problems
            or any(f.changed for f in self.timing.values())
            or self.peak_end.changed
        )

    def by_phase(self) -> list[tuple[str | None, str, list[Change]]]:
        """The changes grouped by phase, phases in report order (empty ones left out)."""
        out = []
        for pid, name in self.phases:
            group = [c for c in self.changes if c.phase == pid]
            if group:
                out.append((pid, name, group))
        return out


# ------------------------------------------------------------------------------ matching


def _neighbours(bp: Blueprint) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {s.id: set() for s in bp.steps}
    for f in bp.flows():
        if f.target in out:
            out[f.source].add(f.target)
            out[f.target].add(f.source)
    return out


def similarity(
    a: Step, b: Step, na: Iterable[str], nb: Iterable[str], text: float | None = None
) -> float:
    """The rename score of old step ``a`` and new step ``b`` (module docstring)."""
    if text is None:
        text = difflib.SequenceMatcher(None, a.text, b.text, autojunk=False).ratio()
    sa, sb = set(na), set(nb)
    union = len(sa | sb)
    jac = len(sa & sb) / union if union else 1.0
    return WEIGHT_TEXT * text + WEIGHT_LANE * (a.lane == b.lane) + WEIGHT_NEIGHBOURS * jac


def match_steps(
    old: Blueprint, new: Blueprint
) -> tuple[dict[str, str], list[tuple[str, str, float]]]:
    """old id -> new id for every old step that survives, and the renames (old, new, score)."""
    mapping = {s.id: s.id for s in old.steps if s.id in new.by_id}
    gone = [s for s in old.steps if s.id not in new.by_id]
    fresh = [s for s in new.steps if s.id not in old.by_id]
    renames: list[tuple[str, str, float]] = []
    if not gone or not fresh:
        return mapping, renames
    n_old, n_new = _neighbours(old), _neighbours(new)
    old_nb = {o.id: {mapping.get(x, x) for x in n_old[o.id]} for o in gone}
    # texts repeat: each pair of texts is compared once (exactly, or by an upper bound)
    ratios: dict[tuple[str, str], float] = {}
    bounds: dict[tuple[str, str], float] = {}
    scored = []
    sm = difflib.SequenceMatcher(None, autojunk=False)
    for n in fresh:
        sm.set_seq2(n.text)  # the matcher keeps what it learnt of the new text
        nb = n_new[n.id]
        for o in gone:
            ob = old_nb[o.id]  # (similarity() without the text, inlined: this loop is hot)
            common = len(ob & nb)
            union = len(ob) + len(nb) - common
            lane_and_nb = WEIGHT_LANE * (o.lane == n.lane) + WEIGHT_NEIGHBOURS * (
                common / union if union else 1.0
            )
            need = (RENAME_THRESHOLD - lane_and_nb) / WEIGHT_TEXT  # the text ratio needed
            if need > 1.0:
                continue
            key = (o.text, n.text)
            text = ratios.get(key)
            if text is None:
                bound = bounds.get(key)
                if bound is not None and bound < need:
                    continue
                if o.text == n.text:
                    text = 1.0
                else:
                    sm.set_seq1(o.text)
                    if bound is None:  # upper bounds of the ratio, cheap to compute
                        bound = sm.real_quick_ratio()
                        if bound >= need:
                            bound = sm.quick_ratio()
                        bounds[key] = bound
                        if bound < need:
                            continue  # it cannot be enough
                    text = sm.ratio()
                ratios[key] = text
            score = lane_and_nb + WEIGHT_TEXT * text
            if score >= RENAME_THRESHOLD:
                scored.append((-round(score, 6), n.index, o.index, o.id, n.id, score))
    scored.sort()
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    for _, _, _, oid, nid, score in scored:
        if oid in taken_old or nid in taken_new:
            continue
        taken_old.add(oid)
        taken_new.add(nid)
        mapping[oid] = nid
        renames.append((oid, nid, round(score, 3)))
    renames.sort(key=lambda r: new.by_id[r[1]].index)
    return mapping, renames


# ------------------------------------------------------------------------------ comparing


class _Collector:
    def __init__(self, old: Side, new: Side, mapping: dict[str, str]) -> None:
        self.old, self.new, self.mapping = old, new, mapping
        new_order = new.analysis.structure.order
        self.rank: dict[str, float] = {n: float(i) for i, n in enumerate(new_order)}
        # a removed step is reported where it was: just after the surviving step before it
        self.old_rank: dict[str, float] = {}
        last = -1.0
        for i, n in enumerate(old.analysis.structure.order):
            if n in mapping:
                last = self.rank.get(mapping[n], last)
            else:
                self.old_rank[n] = last + 0.5 + i / 1e7
        self.changes: list[tuple[tuple, Change]] = []

    def add(
        self,
        kind: str,
        step: str,
        *,
        removed: bool = False,
        line: int | None = None,
        **data: object,
    ) -> None:
        if removed:
            s = self.old.bp.by_id[step]
            rank = self.old_rank.get(step, -1.0)
            side = "old"
        else:
            s = self.new.bp.by_id[step]
            rank = self.rank.get(step, float(s.index))
            side = "new"
        change = Change(
            kind, step, s.phase, side, line if line is not None else s.pos.line, tuple(data.items())
        )
        self.changes.append(((rank, _KIND_RANK[kind], len(self.changes)), change))


def _std(s: Step) -> str | None:
    if s.standard is None:
        return None
    if s.standard.within is not None:
        return f"{s.standard.text} (within {s.standard.within.text})"
    return s.standard.text


def _field(s: Step, name: str) -> object:
    if name == "duration":
        return s.duration.text if s.duration else None
    if name == "standard":
        return _std(s)
    if name == "key":
        return s.key
    value = getattr(s, name)
    return value if value not in ("",) else None


def _phase_name(bp: Blueprint, phase: str | None) -> str | None:
    return next((p.name for p in bp.phases if p.id == phase), phase)


def _step_changes(c: _Collector, o: Step, n: Step) -> None:
    if o.lane != n.lane:
        crossed = vocab.lines_crossed(o.lane, n.lane)
        down = vocab.LANE_RANK.get(n.lane or "", 0) > vocab.LANE_RANK.get(o.lane or "", 0)
        c.add(
            "lane-moved",
            n.id,
            line=n.value_pos("lane").line,
            old=o.lane,
            new=n.lane,
            lines=list(crossed),
            direction="down" if down else "up",
        )
    if o.phase != n.phase:
        c.add(
            "phase-moved",
            n.id,
            line=n.value_pos("phase").line,
            old=o.phase,
            new=n.phase,
            old_name=_phase_name(c.old.bp, o.phase),
            new_name=_phase_name(c.new.bp, n.phase),
        )
    for name in TEXT_FIELDS:
        a, b = _field(o, name), _field(n, name)
        if a != b:
            c.add(f"{name}-changed", n.id, line=n.value_pos(name).line, old=a, new=b)
    old_ev = [e.text for e in o.evidence]
    new_ev = [e.text for e in n.evidence]
    for e in n.evidence:
        if e.text not in old_ev:
            c.add("evidence-added", n.id, line=e.pos.line, evidence=e.text)
    for text in old_ev:
        if text not in new_ev:
            c.add("evidence-removed", n.id, line=n.value_pos("evidence").line, evidence=text)
    if o.emotion != n.emotion:
        c.add(
            "emotion-changed", n.id, line=n.value_pos("emotion").line, old=o.emotion, new=n.emotion
        )


def _fail_changes(c: _Collector, common: list[tuple[Step, Step]], added: list[Step]) -> None:
    oa, na = c.old.analysis, c.new.analysis
    pairs: list[tuple[Step | None, Step]] = [*common, *((None, n) for n in added)]
    for o, n in pairs:
        fo = oa.fail_at(o.id) if o is not None else None
        fn = na.fail_at(n.id)
        if fo is None and fn is None:
            continue
        line = fn.fail.pos.line if fn is not None and fn.fail is not None else n.pos.line
        if fo is None:
            c.add(
                "fail-added",
                n.id,
                line=line,
                declared=fn.declared,
                risk=fn.fail.risk if fn.fail else None,
                heuristics=list(fn.heuristics),
            )
            continue
        if fn is None:
            c.add(
                "fail-resolved",
                n.id,
                declared=fo.declared,
                risk=fo.fail.risk if fo.fail else None,
                heuristics=list(fo.heuristics),
            )
            continue
        if not fo.declared and fn.declared:
            c.add("fail-declared", n.id, line=line, risk=fn.fail.risk if fn.fail else None)
        pa = fo.fail.prevention if fo.fail else ""
        pb = fn.fail.prevention if fn.fail else ""
        ra = fo.fail.recovery if fo.fail else ""
        rb = fn.fail.recovery if fn.fail else ""
        if pb and not pa:
            c.add("fail-prevention-added", n.id, line=line, prevention=pb)
        if rb and not ra:
            c.add("fail-recovery-added", n.id, line=line, recovery=rb)
        for name in ("risk", "likelihood", "severity", "prevention", "recovery"):
            a = getattr(fo.fail, name) if fo.fail else None
            b = getattr(fn.fail, name) if fn.fail else None
            if fo.declared and fn.declared and a != b and a and b:
                c.add("fail-changed", n.id, line=line, field=name, old=a, new=b)


def _wait_changes(c: _Collector, common: list[tuple[Step, Step]], added: list[Step]) -> None:
    oa, na = c.old.analysis, c.new.analysis
    pairs: list[tuple[Step | None, Step]] = [*common, *((None, n) for n in added)]
    for o, n in pairs:
        wo = oa.wait_at(o.id) if o is not None else None
        wn = na.wait_at(n.id)
        if wo is None and wn is None:
            continue
        line = n.wait.pos.line if n.wait is not None else n.pos.line
        if wo is None:
            c.add("wait-added", n.id, line=line, declared=wn.declared, expected=wn.expected)
            continue
        if wn is None:
            c.add("wait-removed", n.id, declared=wo.declared, expected=wo.expected)
            continue
        if wo.expected is not None and wn.expected is not None and wo.expected != wn.expected:
            kind = "wait-shortened" if wn.expected < wo.expected else "wait-lengthened"
            c.add(kind, n.id, line=line, old=wo.expected, new=wn.expected)
        fill_o = o.wait.fill if o is not None and o.wait else ""
        fill_n = n.wait.fill if n.wait else ""
        if fill_n and not fill_o:
            c.add("wait-filled", n.id, line=line, fill=fill_n)
        exp_o = o.wait.explain if o is not None and o.wait else ""
        exp_n = n.wait.explain if n.wait else ""
        if exp_n and not exp_o:
            c.add("wait-explained", n.id, line=line, explain=exp_n)


def _flow_changes(c: _Collector) -> None:
    m = c.mapping
    old_flows = {(m.get(f.source), m.get(f.target)): f for f in c.old.bp.flows()}
    new_flows = {(f.source, f.target): f for f in c.new.bp.flows()}
    for f in c.new.bp.flows():
        of = old_flows.get((f.source, f.target))
        loop = f.kind != "normal"
        if of is None:
            c.add(
                "loop-added" if loop else "flow-added",
                f.source,
                line=f.pos.line,
                target=f.target,
                flow=f.kind,
                when=f.when or None,
            )
        elif (of.kind, of.when) != (f.kind, f.when):
            if f.kind != "normal" and of.kind == "normal":
                c.add(
                    "loop-added",
                    f.source,
                    line=f.pos.line,
                    target=f.target,
                    flow=f.kind,
                    when=f.when or None,
                )
            elif of.kind != "normal" and f.kind == "normal":
                c.add(
                    "loop-removed",
                    f.source,
                    line=f.pos.line,
                    target=f.target,
                    flow=of.kind,
                    when=of.when or None,
                )
            else:
                c.add(
                    "flow-changed",
                    f.source,
                    line=f.pos.line,
                    target=f.target,
                    old_flow=of.kind,
                    new_flow=f.kind,
                    old_when=of.when or None,
                    new_when=f.when or None,
                )
    for f in c.old.bp.flows():
        src, tgt = m.get(f.source), m.get(f.target)
        if (src, tgt) in new_flows:
            continue
        loop = f.kind != "normal"
        kind = "loop-removed" if loop else "flow-removed"
        if src is None:
            continue  # the step went with its flows: step-removed says it
        if tgt is None:
            continue  # flows into a removed step: step-removed says it
        c.add(kind, src, target=tgt, flow=f.kind, when=f.when or None)


def _end_changes(c: _Collector) -> None:
    old_ends = {c.mapping.get(e.step, ""): e for e in c.old.analysis.end_moments}
    new_ends = {e.step: e for e in c.new.analysis.end_moments}
    for e in c.new.analysis.end_moments:
        oe = old_ends.get(e.step)
        if oe is None:
            c.add("end-added", e.step, emotion=e.emotion, score=e.score)
        elif oe.score != e.score:
            c.add("end-score-changed", e.step, old=oe.score, new=e.score)
    for e in c.old.analysis.end_moments:
        nid = c.mapping.get(e.step)
        if nid is not None and nid not in new_ends:
            c.add("end-removed", nid, emotion=e.emotion, score=e.score)


def unrecovered_fail_points(a: Analysis) -> int:
    """Declared fail points with neither a ``recovery:`` nor a recovery flow out
    of their step (inferred ones are candidates: :func:`inferred_fail_points`)."""
    out = 0
    for f in a.fail_points:
        if not f.declared:
            continue
        step = a.bp.by_id.get(f.step)
        has_flow = step is not None and any(fl.kind == "recovery" for fl in step.flows)
        if not (f.fail is not None and f.fail.recovery) and not has_flow:
            out += 1
    return out


def inferred_fail_points(a: Analysis) -> int:
    """Fail points only the analysis infers (not declared)."""
    return sum(1 for f in a.fail_points if not f.declared)


def _problem_key(p: Problem) -> tuple[str, str, str]:
    return (p.rule, p.severity, p.message)


def _problem_changes(old: Side, new: Side) -> list[ProblemChange]:
    ok = {_problem_key(p) for p in old.problems}
    nk = {_problem_key(p) for p in new.problems}
    out = [ProblemChange(p, False) for p in old.problems if _problem_key(p) not in nk]
    out += [ProblemChange(p, True) for p in new.problems if _problem_key(p) not in ok]
    return out


def compare(old: Side, new: Side) -> Diff:
    """Everything the change from ``old`` to ``new`` does to the service, in report order."""
    mapping, renames = match_steps(old.bp, new.bp)
    c = _Collector(old, new, mapping)
    survivors = set(mapping.values())
    added = [s for s in new.bp.steps if s.id not in survivors]
    common = [(o, new.bp.by_id[mapping[o.id]]) for o in old.bp.steps if o.id in mapping]
    for s in added:
        c.add("step-added", s.id, lane=s.lane, text=s.text)
    for s in old.bp.steps:
        if s.id not in mapping:
            c.add("step-removed", s.id, removed=True, lane=s.lane, text=s.text)
    for oid, nid, score in renames:
        c.add(
            "step-renamed",
            nid,
            line=new.bp.by_id[nid].value_pos("id").line,
            old_id=oid,
            similarity=score,
        )
    for o, n in common:
        _step_changes(c, o, n)
    _fail_changes(c, common, added)
    _wait_changes(c, common, added)
    _flow_changes(c)
    _end_changes(c)

    d = Diff(old, new, renamed=renames)
    d.changes = [ch for _, ch in sorted(c.changes, key=lambda t: t[0])]
    seen: set[str | None] = set()
    for p in new.bp.phases:
        d.phases.append((p.id, p.name))
        seen.add(p.id)
    for p in old.bp.phases:
        if p.id not in seen:
            d.phases.append((p.id, p.name))
            seen.add(p.id)
    d.phases.append((None, ""))
    known = {pid for pid, _ in d.phases}
    for ch in d.changes:  # a phase the blueprint does not declare (check reports it)
        if ch.phase not in known:
            d.phases.insert(len(d.phases) - 1, (ch.phase, ch.phase or ""))
            known.add(ch.phase)

    to, tn = old.analysis.timing, new.analysis.timing
    d.timing = {
        "customer": Figure(
            None if to.customer.skipped else to.customer.total,
            None if tn.customer.skipped else tn.customer.total,
        ),
        "critical_path": Figure(to.critical_seconds, tn.critical_seconds),
        "tolerance": Figure(to.tolerance, tn.tolerance),
        "margin": Figure(to.margin, tn.margin),
    }
    d.customer_complete = (to.customer.complete, tn.customer.complete)
    d.peak_end = Figure(old.analysis.peak_end_score, new.analysis.peak_end_score)
    old_scores = {mapping.get(e.step, e.step): e.score for e in old.analysis.end_moments}
    new_scores = {e.step: e.score for e in new.analysis.end_moments}
    d.ends = [(e, Figure(old_scores.get(e), new_scores[e])) for e in new_scores]
    d.ends += [(e, Figure(old_scores[e], None)) for e in old_scores if e not in new_scores]
    d.unrecovered = Figure(
        unrecovered_fail_points(old.analysis), unrecovered_fail_points(new.analysis)
    )
    d.inferred = Figure(inferred_fail_points(old.analysis), inferred_fail_points(new.analysis))
    d.problems = _problem_changes(old, new)
    d.worse = _worse(d)
    return d


def _worse(d: Diff) -> list[str]:
    """The WORSE_REASONS that hold (docs/diff.md defines each)."""
    out = []
    u = d.unrecovered
    if u.old is not None and u.new is not None and u.new > u.old:
        out.append("unrecovered-fail-points")
    t = d.timing["customer"]
    if t.old is not None and t.new is not None and t.new > t.old:
        out.append("customer-time")
    pe = d.peak_end
    lower_end = any(
        ch.kind == "end-score-changed"
        and isinstance(ch.get("old"), (int, float))
        and isinstance(ch.get("new"), (int, float))
        and ch.get("new") < ch.get("old")  # type: ignore[operator]
        for ch in d.changes
    )
    if (pe.old is not None and pe.new is not None and pe.new < pe.old) or lower_end:
        out.append("peak-end")
    if any(pc.introduced and pc.problem.severity == vocab.ERROR for pc in d.problems):
        out.append("errors")
    return out
