"""Fail points: the declared ones and the candidates that heuristics infer.

Each heuristic has a kebab-case id (docs/analysis.md explains each one). A
designer silences a heuristic for one step with the step's ``ignore: [id]``,
or for the whole blueprint with ``rules: {id: off}``.

A reason is a :class:`~blueprint.analysis.findings.Phrase`: the sentence's key
(the heuristic's id) and its values; the report layer words it (English in the
JSON and in ``blueprint check``, the blueprint's locale in the text report).
"""

from __future__ import annotations

import networkx as nx

from blueprint.analysis.findings import FailFinding, Phrase
from blueprint.analysis.flow import FlowDag

#: heuristic id -> what it looks for (one line)
HEURISTICS = {
    "handoff-visibility": "a hand-off across the line of visibility (front stage <-> back stage or support)",
    "handoff-internal": "a hand-off across the line of internal interaction (back stage <-> support)",
    "parallel-join": "a step that waits for two or more flows running in parallel (synchronisation)",
    "contact-without-standard": "a front-stage step (the customer sees it) without a work standard",
    "branch-without-recovery": "a branch that never comes back to the journey (no recovery path)",
    "customer-alone": "a customer action done alone on the way to the next one: no staff or system step before or after it",
}

_ROOT = ("blueprint:root",)  # a virtual start node; a tuple never equals a step id


def infer(dag: FlowDag, off: set) -> dict:
    """step id -> {heuristic id: (reason, anchor Pos)}, for heuristics not turned off."""
    bp, st = dag.bp, dag.st
    by_id = bp.by_id
    found: dict[str, dict] = {}

    def add(step, hid, reason, anchor):
        if hid in off or hid in by_id[step].ignore:
            return
        found.setdefault(step, {}).setdefault(hid, (reason, anchor))

    # hand-offs across the line of visibility and of internal interaction
    if not {"handoff-visibility", "handoff-internal"} <= off:
        incoming: dict = {}
        for u, v, line in st.crossings():
            if f"handoff-{line}" in HEURISTICS:  # a heuristic per line: handoff-<line id>
                incoming.setdefault((v, line), []).append(u)
        for (v, line), sources in sorted(
            incoming.items(), key=lambda kv: (dag.rank[kv[0][0]], kv[0][1])
        ):
            sources = sorted(set(sources), key=dag.rank.__getitem__)
            first = next((f for f in by_id[sources[0]].flows if f.target == v), None)
            hid = f"handoff-{line}"
            add(v, hid, Phrase(hid, names=tuple(sources)), first.pos if first else by_id[v].pos)

    # synchronisation: flows in parallel that must meet
    if "parallel-join" not in off:
        joins = [n for n in dag.order if len(dag.pred[n]) >= 2]
        if joins:
            g: nx.DiGraph[str | tuple[str]] = nx.DiGraph()
            g.add_nodes_from(dag.order)
            g.add_edges_from((u, v) for u in dag.order for v in dag.succ[u])
            g.add_edges_from((_ROOT, n) for n in dag.order if not dag.pred[n])
            idom = nx.immediate_dominators(g, _ROOT)
            for n in joins:
                plain = [p for p in dag.pred[n] if not _when(by_id[p], n)]
                if len(plain) < 2:
                    continue
                split = idom.get(n)
                if (
                    split != _ROOT
                    and split is not None
                    and any(f.when for f in by_id[split].flows if f.kind == "normal")
                ):
                    continue  # alternatives of one branch meet again: not a synchronisation
                add(
                    n,
                    "parallel-join",
                    Phrase("parallel-join", n=len(plain), names=tuple(plain)),
                    by_id[n].pos,
                )

    # customer-facing steps without a standard
    if "contact-without-standard" not in off:
        why = Phrase("contact-without-standard")
        for n in dag.order:
            s = by_id[n]
            if s.lane == "frontstage" and s.standard is None:
                add(n, "contact-without-standard", why, s.pos)

    # branches that never come back
    if "branch-without-recovery" not in off:
        ends = None
        for n in dag.order:
            s = by_id[n]
            # the alternatives (flows without when: run in any case, beside them)
            branches = [f for f in s.flows if f.kind == "normal" and f.when and f.target in by_id]
            if len(branches) < 2:
                continue
            if ends is None:
                ends, back = _ends_reached(dag)
            masks = [ends[f.target] for f in branches]
            # the expected branch: the first listed, unless it is a fix that loops back before the split
            whole = 0
            for m in masks:
                whole |= m
            main = next((i for i, f in enumerate(branches) if back[f.target] & whole != whole), 0)
            meets = [
                any((m | back[f.target]) & o for j, o in enumerate(masks) if j != i)
                for i, (f, m) in enumerate(zip(branches, masks))
            ]
            for i, (f, rejoins) in enumerate(zip(branches, meets)):
                if i == main or rejoins:
                    continue
                why = Phrase("branch-without-recovery", when=f.when, step=n)
                add(f.target, "branch-without-recovery", why, f.pos)
    # the customer on their own, finding the way with nothing but the evidence
    if "customer-alone" not in off:
        why = Phrase("customer-alone")
        every = st.graph  # every flow: a recovery or rework flow to staff is support too
        for n in dag.order:
            if dag.lane[n] != "customer":
                continue
            succ = list(every.successors(n))
            if succ and all(dag.lane[m] == "customer" for m in (*succ, *every.predecessors(n))):
                add(n, "customer-alone", why, by_id[n].pos)
    return found


def _when(step, target) -> str:
    return next((f.when for f in step.flows if f.target == target), "")


def _ends_reached(dag: FlowDag) -> tuple[dict, dict]:
    """For each step: the ends its normal flow leads to, and the ends that the
    recovery and rework flows leaving it or a later step lead back to (each a
    set of ends as the bits of an int).

    A branch comes back when what it leads to, directly or through a recovery
    or rework flow, meets what another branch leads to. Two passes in reverse
    flow order: linear in the size of the blueprint.
    """
    by_id = dag.bp.by_id
    ends: dict = {}
    count = 0
    for n in reversed(dag.order):
        succ = dag.succ[n]
        if succ:
            m = 0
            for v in succ:
                m |= ends[v]
            ends[n] = m
        else:
            ends[n] = 1 << count
            count += 1
    back: dict = {}
    for n in reversed(dag.order):
        m = 0
        for f in by_id[n].flows:
            if f.is_loop and f.target in ends:
                m |= ends[f.target]
        for v in dag.succ[n]:
            m |= back[v]
        back[n] = m
    return ends, back


def fail_points(dag: FlowDag, off: set) -> list:
    """Declared and inferred fail points, one finding per step, in flow order."""
    inferred = infer(dag, off)
    out = []
    for n in dag.order:
        s = dag.bp.by_id[n]
        hits = inferred.get(n, {})
        if s.fail is None and not hits:
            continue
        hids = tuple(h for h in HEURISTICS if h in hits)
        out.append(
            FailFinding(
                n,
                s.fail is not None,
                s.fail,
                hids,
                tuple(hits[h][0] for h in hids),
                tuple(hits[h][1] for h in hids),
            )
        )
    return out
