"""The blueprint as a networkx graph: one node per step, one edge per flow.

Helpers here answer the structural questions that rules and analysis share,
each computed once per blueprint.
"""

from __future__ import annotations

from functools import cached_property

import networkx as nx

from blueprint.model import Blueprint, Step
from blueprint.vocab import CUSTOMER, lines_crossed


def build_graph(bp: Blueprint) -> nx.DiGraph:
    g: nx.DiGraph[str] = nx.DiGraph()
    for s in bp.steps:
        g.add_node(
            s.id,
            lane=s.lane,
            phase=s.phase,
            role=s.role,
            line=s.pos.line,
            col=s.pos.col,
            index=s.index,
        )
    for f in bp.flows():
        if f.target in bp.by_id:
            g.add_edge(f.source, f.target, when=f.when, kind=f.kind, line=f.pos.line, col=f.pos.col)
    return g


class Structure:
    """Graph facts derived once and shared by rules and analysis."""

    def __init__(self, bp: Blueprint, graph: nx.DiGraph | None = None):
        self.bp = bp
        self.graph = graph if graph is not None else build_graph(bp)

    def step(self, step_id: str) -> Step:
        return self.bp.by_id[step_id]

    def lane(self, step_id: str) -> str | None:
        return self.graph.nodes[step_id]["lane"]

    @cached_property
    def forward(self) -> nx.DiGraph:
        """The graph without recovery and rework flows: the service's normal order."""
        g: nx.DiGraph[str] = nx.DiGraph()
        g.add_nodes_from(self.graph.nodes(data=True))
        g.add_edges_from(
            (u, v, d) for u, v, d in self.graph.edges(data=True) if d["kind"] == "normal"
        )
        return g

    @cached_property
    def is_dag(self) -> bool:
        return nx.is_directed_acyclic_graph(self.forward)

    @cached_property
    def order(self) -> list[str]:
        """Steps in a stable flow order: topological, ties broken by file order.

        Cycles that are not declared loops are broken at their back edges in
        file order, so the order always exists.
        """
        g = self.forward
        if not self.is_dag:
            g = g.copy()
            for comp in nx.strongly_connected_components(g):
                if len(comp) > 1 or g.has_edge(next(iter(comp)), next(iter(comp))):
                    for u, v in list(g.subgraph(comp).edges()):
                        if self.step(v).index <= self.step(u).index:
                            g.remove_edge(u, v)
            if not nx.is_directed_acyclic_graph(g):  # pragma: no cover - defensive
                return [s.id for s in self.bp.steps]
        return list(nx.lexicographical_topological_sort(g, key=lambda n: self.step(n).index))

    @cached_property
    def rank(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.order)}

    @cached_property
    def customer_steps(self) -> list[str]:
        return [n for n in self.order if self.lane(n) == CUSTOMER]

    @cached_property
    def customer_next(self) -> dict[str, list[str]]:
        """For each customer step, the next customer steps in the normal flow,
        reached directly or through front-stage, back-stage or support work."""
        return self._customer_successors(self.forward)

    @cached_property
    def customer_next_all(self) -> dict[str, list[str]]:
        """Like :attr:`customer_next`, following recovery and rework flows too."""
        return self._customer_successors(self.graph)

    def _customer_successors(self, g) -> dict[str, list[str]]:
        """Next customer steps of each customer step in ``g``.

        Staff and system work is condensed (loops among it become one node)
        and each piece remembers which customer steps it leads to, so a long
        chain of staff work shared by many customer actions is walked once:
        linear in the size of the blueprint, not quadratic.
        """

        def is_customer(n):
            return self.lane(n) == CUSTOMER

        staff = g.subgraph([n for n in g if not is_customer(n)])
        cond = nx.condensation(staff)
        piece = cond.graph["mapping"]
        leads_to: dict[int, frozenset] = {}
        for p in reversed(list(nx.topological_sort(cond))):
            acc: set = set()
            for n in cond.nodes[p]["members"]:
                for m in g.successors(n):
                    if is_customer(m):
                        acc.add(m)
                    elif piece[m] != p:
                        acc |= leads_to[piece[m]]
            leads_to[p] = frozenset(acc)
        out: dict[str, list[str]] = {}
        for c in self.customer_steps:
            found: set = set()
            for m in g.successors(c):
                if is_customer(m):
                    found.add(m)
                else:
                    found |= leads_to[piece[m]]
            found.discard(c)
            out[c] = sorted(found, key=self.rank.__getitem__)
        return out

    @cached_property
    def customer_starts(self) -> list[str]:
        has_prev = {n for succ in self.customer_next.values() for n in succ}
        return [c for c in self.customer_steps if c not in has_prev]

    @cached_property
    def customer_ends(self) -> list[str]:
        """Customer steps at which the journey can end, in flow order.

        First the steps after which the journey goes on to no customer step.
        Recovery and rework flows count (a dish ordered again is not an end),
        unless every customer step loops back somewhere: then the ends are
        those of the normal flow (a journey whose last step starts it again).
        A journey can also end on a branch: a customer step whose only way on
        is one flow with ``when:`` (most patients read their results and stop;
        some call for a follow-up), and a customer step marked ``end: true``.
        """
        ends = [c for c in self.customer_steps if not self.customer_next_all[c]]
        ends = ends or [c for c in self.customer_steps if not self.customer_next[c]]
        found = set(ends)
        more = [
            c
            for c in self.customer_steps
            if c not in found and (self.step(c).end or self.may_stop(c))
        ]
        return sorted(ends + more, key=self.rank.__getitem__) if more else ends

    def may_stop(self, step_id: str) -> bool:
        """Does the step go on only under a condition: its only next step is one normal
        flow with ``when:`` (a second flow, even a loop, would be the other alternative)?"""
        flows = [f for f in self.step(step_id).flows if f.target in self.bp.by_id]
        return len(flows) == 1 and not flows[0].is_loop and bool(flows[0].when)

    @cached_property
    def journey(self) -> set[str]:
        """Steps reached from the start of the customer's journey (all flows)."""
        seen = set(self.customer_starts)
        stack = list(seen)
        while stack:  # one search from all starts at once
            for m in self.graph.successors(stack.pop()):
                if m not in seen:
                    seen.add(m)
                    stack.append(m)
        return seen

    def crossings(self):
        """Flows that cross a line, as (source, target, line id), each line
        a flow crosses, top to bottom (vocab.LINES)."""
        for u, v in self.graph.edges():
            for line in lines_crossed(self.lane(u), self.lane(v)):
                yield u, v, line
