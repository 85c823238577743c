"""The normal flow as a DAG in flow order, and longest paths over it.

Edges are the normal (not recovery or rework) flows that go forward in
:attr:`Structure.order`; an undeclared cycle (a check error) is thus broken
where the order breaks it, so the analysis never loops.
"""

from __future__ import annotations

from blueprint.graph import Structure

INVISIBLE = ("backstage", "support")


class FlowDag:
    def __init__(self, st: Structure):
        self.st = st
        self.bp = st.bp
        self.order = st.order
        self.rank = st.rank
        rank = self.rank
        self.lane = {n: st.lane(n) for n in self.order}
        self.succ: dict[str, list[str]] = {n: [] for n in self.order}
        self.pred: dict[str, list[str]] = {n: [] for n in self.order}
        for u, v in st.forward.edges():
            if rank[u] < rank[v]:
                self.succ[u].append(v)
                self.pred[v].append(u)
        for d in (self.succ, self.pred):
            for n in d:
                d[n].sort(key=rank.__getitem__)
        by_id = self.bp.by_id
        self.duration = {
            n: (dur.seconds if (dur := by_id[n].duration) else None) for n in self.order
        }

    def longest(self, nodes, weight, sources=()) -> tuple[dict, dict]:
        """Longest-weight paths over ``nodes`` (an iterable; only edges inside it).

        Returns (dist, back): ``dist[n]`` is the heaviest path ending at ``n``
        (its own weight included), ``back[n]`` the previous node or None. Paths
        may also start at a node of ``sources`` (weight 0, not in the path).
        Ties go to the earlier predecessor in flow order, so results are stable.
        """
        inside = set(nodes)
        src = set(sources)
        dist: dict = {}
        back: dict = {}
        for n in sorted(inside, key=self.rank.__getitem__):
            best, prev = 0.0, None
            for p in self.pred[n]:
                if p in inside:
                    d = dist[p]
                elif p in src:
                    d = 0.0
                else:
                    continue
                if prev is None or d > best:
                    best, prev = d, p
            dist[n] = best + weight(n)
            back[n] = prev if prev in inside else None
        return dist, back

    @staticmethod
    def path_to(back: dict, end) -> list:
        out = []
        while end is not None:
            out.append(end)
            end = back.get(end)
        out.reverse()
        return out
