"""Shape: counts that describe the service (how big, how branched, how many hand-offs)."""

from __future__ import annotations

from blueprint.analysis.findings import Shape
from blueprint.analysis.flow import FlowDag
from blueprint.vocab import LANES, LINES


def shape(dag: FlowDag) -> Shape:
    bp, st = dag.bp, dag.st
    lanes = {lane: 0 for lane in LANES}
    phases = {p.id: 0 for p in bp.phases}
    for s in bp.steps:
        if s.lane in lanes:
            lanes[s.lane] += 1
        key = s.phase if s.phase in phases else ""
        phases[key] = phases.get(key, 0) + 1
    crossings = {line: 0 for line in LINES}
    for _, _, line in st.crossings():
        crossings[line] += 1
    flows = [f for f in bp.flows() if f.target in bp.by_id]
    forward = st.forward
    branching = tuple(n for n in dag.order if forward.out_degree(n) >= 2)
    joins = tuple(n for n in dag.order if forward.in_degree(n) >= 2)
    dist, back = dag.longest(dag.order, lambda n: 1.0)
    longest: tuple = ()
    if dist:
        end = max(dist, key=lambda n: (dist[n], dag.rank[n]))
        longest = tuple(dag.path_to(back, end))
    return Shape(
        steps=len(bp.steps),
        lanes=lanes,
        phases=phases,
        flows=len(flows),
        loops=sum(1 for f in flows if f.is_loop),
        crossings=crossings,
        branching=branching,
        joins=joins,
        longest_path=longest,
        customer_actions=len(st.customer_steps),
    )
