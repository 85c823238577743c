"""Timing: the critical path, the customer's time, phases, tolerance, standards."""

from __future__ import annotations

from blueprint.analysis import promises
from blueprint.analysis.findings import CustomerTime, PhaseTime, StandardCheck, Timing
from blueprint.analysis.flow import FlowDag


def _journey(dag: FlowDag) -> list:
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


def customer_time(dag: FlowDag, segs: list) -> tuple[CustomerTime, dict]:
    """The longest route through the customer actions and the time spent on it.

    Returns the CustomerTime and, per phase id, [actions, service, waits].
    """
    bp, rank, dur = dag.bp, dag.rank, dag.duration
    by_id = bp.by_id

    def node_w(c):
        s = by_id[c]
        decl = s.wait.expected.seconds if s.wait and s.wait.expected else 0.0
        return (dur[c] or 0.0) + decl

    def declared_wait(g) -> bool:
        s = by_id[g.step]
        return s.wait is not None and s.wait.expected is not None

    def edge_w(g):
        # the longest path of all the work between the two actions (parallel work overlaps);
        # a declared wait replaces the invisible part of it
        if declared_wait(g):
            return sum(dur[n] or 0.0 for n in g.path if dag.lane[n] == "frontstage")
        return g.path_seconds

    dist: dict = {}
    back: dict = {}
    preds: dict = {}
    for g in segs:
        preds.setdefault(g.step, []).append(g)
    for c in dag.st.customer_steps:
        best, prev = 0.0, None
        for g in sorted(preds.get(c, []), key=lambda g: rank[g.after]):
            if g.after not in dist:
                continue
            d = dist[g.after] + edge_w(g)
            if prev is None or d > best:
                best, prev = d, g
        dist[c] = best + node_w(c)
        back[c] = prev
    if not dist:
        return CustomerTime(), {}
    end = max(dist, key=lambda c: (dist[c], rank[c]))  # ties: the later end
    route, edges = [end], []
    while back[route[-1]] is not None:
        g = back[route[-1]]
        edges.append(g)
        route.append(g.after)
    route.reverse()
    edges.reverse()

    per_phase: dict = {}

    def add(step, i, seconds):
        per_phase.setdefault(by_id[step].phase, [0.0, 0.0, 0.0])[i] += seconds

    actions = service = waits = 0.0
    untimed, missing = [], []
    for c in route:
        s = by_id[c]
        if dur[c] is None:
            untimed.append(c)
        else:
            actions += dur[c]
            add(c, 0, dur[c])
        if s.wait is not None:
            if s.wait.expected is not None:
                waits += s.wait.expected.seconds
                add(c, 2, s.wait.expected.seconds)
            elif not any(g.step == c and g.has_invisible for g in edges):
                missing.append(
                    c
                )  # a declared wait of unknown length, and no work behind it to estimate
    for g in edges:
        # the customer is served during the front-stage work on the path and waits during the rest
        for n in g.path:
            if dag.lane[n] == "frontstage":
                service += dur[n] or 0.0
                add(n, 1, dur[n] or 0.0)
            elif not declared_wait(g):
                waits += dur[n] or 0.0
                add(n, 2, dur[n] or 0.0)
        missing.extend(g.service_missing)
        if not declared_wait(g):
            missing.extend(g.missing)
    missing = sorted(set(missing), key=rank.__getitem__)
    return CustomerTime(
        tuple(route), actions, service, waits, tuple(untimed), tuple(missing)
    ), per_phase


def timing(dag: FlowDag, segs: list) -> Timing:
    bp, rank, dur = dag.bp, dag.rank, dag.duration
    by_id = bp.by_id
    journey = _journey(dag)
    dist, back = dag.longest(journey, lambda n: dur[n] or 0.0)
    critical: tuple = ()
    if dist:
        end = max(dist, key=lambda n: (dist[n], rank[n]))  # ties: the later end
        critical = tuple(dag.path_to(back, end))
    critical_s = sum(dur[n] or 0.0 for n in critical)
    crit_missing = tuple(n for n in journey if dur[n] is None and dag.lane[n] != "customer")

    cust, cust_phase = customer_time(dag, segs)

    in_journey = set(journey)
    prep = tuple(n for n in dag.order if n not in in_journey and dag.lane[n] != "customer")
    prep_s = sum(dur[n] or 0.0 for n in prep)

    phases = []
    names = {p.id: p.name for p in bp.phases}
    ids = [p.id for p in bp.phases]
    if any(s.phase not in names for s in bp.steps):
        ids.append(None)
    on_critical = set(critical)
    for pid in ids:
        members = [s for s in bp.steps if (s.phase if s.phase in names else None) == pid]
        work = sum(s.duration.seconds for s in members if s.duration)
        crit = sum(s.duration.seconds for s in members if s.duration and s.id in on_critical)
        act, svc, wt = [0.0, 0.0, 0.0]
        for ph, vals in cust_phase.items():
            if (ph if ph in names else None) == pid:
                act, svc, wt = act + vals[0], svc + vals[1], wt + vals[2]
        phases.append(PhaseTime(pid, names.get(pid, "(no phase)"), work, crit, act, svc, wt))

    standards = []
    for n in dag.order:
        s = by_id[n]
        if s.standard is None:
            continue
        if s.standard.kind != "duration":  # a promise timed from a trigger, or in working days
            standards.append(promises.check(dag, n, s.standard))
            continue
        within = s.standard.within.seconds if s.standard.within else None
        d = dur[n]
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

    tol = bp.tolerance.seconds if bp.tolerance else None
    margin = tol - cust.total if tol is not None and cust.route else None
    over = margin is not None and margin < 0
    return Timing(
        critical,
        critical_s,
        crit_missing,
        cust,
        tuple(phases),
        tol,
        margin,
        over,
        tuple(standards),
        prep,
        prep_s,
    )
