"""Timing: the critical path, the customer's time, phases, tolerance, standards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from blueprint.analysis import promises
from blueprint.analysis.findings import CustomerTime, PhaseTime, Segment, StandardCheck, Timing
from blueprint.analysis.flow import FlowDag
from blueprint.analysis.waits import action_seconds, between_seconds, declared_wait

if TYPE_CHECKING:
    from blueprint.model import Blueprint, Step


def _journey(dag: FlowDag) -> list[str]:
    """Steps reached in the normal flow from the customer's first actions, in flow order
    (every step when the journey has no start)."""
    starts = dag.st.customer_starts
    if not starts:
        return list(dag.order)
    seen = set(starts)
    stack = list(starts)
    while stack:
        for v in dag.succ[stack.pop()]:
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return [n for n in dag.order if n in seen]


def customer_time(dag: FlowDag, segs: list[Segment]) -> tuple[CustomerTime, dict]:
    """The longest route through the customer actions and the time spent on it.

    Returns the CustomerTime and, per phase id, [actions, service, waits].
    The steps: the route (:func:`_customer_route`), then the customer's own
    actions and declared waits along it (:func:`_tally_actions`), then the
    work between them (:func:`_tally_segments`).
    """
    found = _customer_route(dag, segs)
    if found is None:
        return CustomerTime(), {}
    route, edges = found
    tally = _Tally(dag.bp.by_id)
    _tally_actions(dag, route, edges, tally)
    _tally_segments(dag, edges, tally)
    missing = sorted(set(tally.missing), key=dag.rank.__getitem__)
    return CustomerTime(
        tuple(route),
        tally.actions,
        tally.service,
        tally.waits,
        tuple(tally.untimed),
        tuple(missing),
    ), tally.per_phase


@dataclass
class _Tally:
    """The customer's time, added up along the route."""

    by_id: dict[str, Step]
    actions: float = 0.0  # the customer actions' own durations
    service: float = 0.0  # front-stage work between them
    waits: float = 0.0  # declared waits and invisible work between them
    untimed: list[str] = field(default_factory=list)  # customer actions without a duration
    missing: list[str] = field(default_factory=list)  # steps and waits of unknown time
    # phase id -> [actions, service, waits]
    per_phase: dict[str | None, list[float]] = field(default_factory=dict)

    def add(self, step: str, i: int, seconds: float) -> None:
        """Count ``seconds`` as actions (0), service (1) or waits (2) of the step's phase."""
        self.per_phase.setdefault(self.by_id[step].phase, [0.0, 0.0, 0.0])[i] += seconds


# one definition of the customer's clock, shared with the inference of waits behind
# parallel work (waits.py), so that both measure the customer's time alike
_declared_wait = declared_wait
_node_weight = action_seconds
_edge_weight = between_seconds


def _customer_route(dag: FlowDag, segs: list[Segment]) -> tuple[list[str], list[Segment]] | None:
    """The heaviest route through the customer actions (ties: the later end,
    the earlier predecessor), as its steps and the segments between them;
    None when there are no customer actions."""
    rank = dag.rank
    dist: dict[str, float] = {}
    back: dict[str, Segment | None] = {}
    preds: dict[str, list[Segment]] = {}
    for g in segs:
        preds.setdefault(g.step, []).append(g)
    for c in dag.st.customer_steps:
        best, prev = 0.0, None
        for g in sorted(preds.get(c, []), key=lambda g: rank[g.after]):
            if g.after not in dist:
                continue
            d = dist[g.after] + _edge_weight(dag, g)
            if prev is None or d > best:
                best, prev = d, g
        dist[c] = best + _node_weight(dag, c)
        back[c] = prev
    if not dist:
        return None
    end = max(dist, key=lambda c: (dist[c], rank[c]))  # ties: the later end
    route, edges = [end], []
    while (seg := back[route[-1]]) is not None:
        edges.append(seg)
        route.append(seg.after)
    route.reverse()
    edges.reverse()
    return route, edges


def _tally_actions(dag: FlowDag, route: list[str], edges: list[Segment], tally: _Tally) -> None:
    """Add the customer actions' durations and their declared waits; note
    actions without a duration and declared waits of unknown length with no
    work behind them to estimate."""
    for c in route:
        s = dag.bp.by_id[c]
        d = dag.duration[c]
        if d is None:
            tally.untimed.append(c)
        else:
            tally.actions += d
            tally.add(c, 0, d)
        if s.wait is not None:
            if s.wait.expected is not None:
                tally.waits += s.wait.expected.seconds
                tally.add(c, 2, s.wait.expected.seconds)
            elif not any(g.step == c and g.has_invisible for g in edges):
                tally.missing.append(c)


def _tally_segments(dag: FlowDag, edges: list[Segment], tally: _Tally) -> None:
    """Add the work between the actions: the customer is served during the
    front-stage work on the path and waits during the rest (unless the next
    action declares its wait); note the steps whose time is unknown."""
    for g in edges:
        declared = _declared_wait(dag, g)
        # of work that ran beside the customer, only the part still running after their last action
        for n, seconds in g.timed(dag.duration):
            if dag.lane[n] == "frontstage":
                tally.service += seconds
                tally.add(n, 1, seconds)
            elif not declared:
                tally.waits += seconds
                tally.add(n, 2, seconds)
        tally.missing.extend(g.service_missing)
        if not declared:
            tally.missing.extend(g.missing)


def timing(dag: FlowDag, segs: list[Segment]) -> Timing:
    """The critical path, the customer's time, the preparation outside the
    journey, the time per phase, the standards and the tolerance."""
    journey = _journey(dag)
    critical, critical_s, crit_missing = _critical_path(dag, journey)
    cust, cust_phase = customer_time(dag, segs)
    prep, prep_s = _preparation(dag, journey)
    tol = dag.bp.tolerance.seconds if dag.bp.tolerance else None
    margin = tol - cust.total if tol is not None and cust.route else None
    over = margin is not None and margin < 0
    return Timing(
        critical,
        critical_s,
        crit_missing,
        cust,
        _phase_times(dag.bp, set(critical), cust_phase),
        tol,
        margin,
        over,
        _standards(dag),
        prep,
        prep_s,
    )


def _critical_path(
    dag: FlowDag, journey: list[str]
) -> tuple[tuple[str, ...], float, tuple[str, ...]]:
    """The heaviest path through the journey (ties: the later end), its known
    duration, and the journey's staff and system steps without a duration."""
    rank, dur = dag.rank, dag.duration
    dist, back = dag.longest(journey, lambda n: dur[n] or 0.0)
    critical: tuple[str, ...] = ()
    if dist:
        end = max(dist, key=lambda n: (dist[n], rank[n]))  # ties: the later end
        critical = tuple(dag.path_to(back, end))
    critical_s = sum(dur[n] or 0.0 for n in critical)
    crit_missing = tuple(n for n in journey if dur[n] is None and dag.lane[n] != "customer")
    return critical, critical_s, crit_missing


def _preparation(dag: FlowDag, journey: list[str]) -> tuple[tuple[str, ...], float]:
    """The staff and system steps outside the journey, and their known duration."""
    in_journey = set(journey)
    prep = tuple(n for n in dag.order if n not in in_journey and dag.lane[n] != "customer")
    return prep, sum(dag.duration[n] or 0.0 for n in prep)


def _phase_times(
    bp: Blueprint, on_critical: set[str], cust_phase: dict[str | None, list[float]]
) -> tuple[PhaseTime, ...]:
    """Per phase (and for the steps without a known phase, if any): the work,
    the work on the critical path, and the customer's actions, service and waits."""
    phases = []
    names: dict[str | None, str] = {p.id: p.name for p in bp.phases}
    ids: list[str | None] = [p.id for p in bp.phases]
    if any(s.phase not in names for s in bp.steps):
        ids.append(None)
    for pid in ids:
        members = [s for s in bp.steps if _known(s.phase, names) == pid]
        work = sum(s.duration.seconds for s in members if s.duration)
        crit = sum(s.duration.seconds for s in members if s.duration and s.id in on_critical)
        act, svc, wt = [0.0, 0.0, 0.0]
        for ph, vals in cust_phase.items():
            if _known(ph, names) == pid:
                act, svc, wt = act + vals[0], svc + vals[1], wt + vals[2]
        phases.append(PhaseTime(pid, names.get(pid, "(no phase)"), work, crit, act, svc, wt))
    return tuple(phases)


def _known(phase: str | None, names: dict[str | None, str]) -> str | None:
    """The phase id if the phase is declared, else None (counted as no phase)."""
    return phase if phase in names else None


def _standards(dag: FlowDag) -> tuple[StandardCheck, ...]:
    """Every step's standard, in flow order, checked against its duration."""
    standards = []
    for n in dag.order:
        s = dag.bp.by_id[n]
        if s.standard is None:
            continue
        if s.standard.kind != "duration":  # a promise timed from a trigger, or in working days
            standards.append(promises.check(dag, n, s.standard))
            continue
        within = s.standard.within.seconds if s.standard.within else None
        d = dag.duration[n]
        status = (
            "no-limit"
            if within is None
            else "untimed"
            if d is None
            else "exceeded"
            if d > within
            else "met"
        )
        standards.append(StandardCheck(n, s.standard.text, within, d, status))
    return tuple(standards)
