"""Wait points: declared ones, and the waits the customer spends while
back-stage or support work runs between two consecutive customer actions.

Remedies follow the psychology of waiting (Maister): unoccupied time feels
longer than occupied time, waits before the service starts feel longer than
waits inside it, and unexplained or uncertain waits feel longer than known,
explained ones. Findings carry them as phrases (``remedy_<kind>``); their
sentences, in each locale, are in :mod:`blueprint.i18n` (``SENTENCES``).
"""

from __future__ import annotations

from blueprint.analysis.findings import Phrase, Segment, WaitFinding
from blueprint.analysis.flow import FlowDag
from blueprint.vocab import INVISIBLE

#: kind of wait -> its remedy ('over': the wait is over tolerance)
REMEDIES = {k: Phrase("remedy_" + k) for k in ("pre-process", "unoccupied", "unexplained", "over")}


#: inferring waits visits the staff work behind each customer action; real
#: blueprints visit about one step per step, a hostile one (hundreds of customer
#: actions all feeding one long chain of staff work) the square of its size.
#: Past this budget the inferred waits are skipped, so analysis stays linear.
WORK_PER_STEP = 100
WORK_MIN = 10_000


class WorkLimit(Exception):
    """Inferring waits would take more work than the budget allows."""

    def __init__(self, why: Phrase) -> None:
        super().__init__(why)
        self.why = why  # the report says it in the blueprint's locale


def segments(dag: FlowDag) -> list:
    """The work between each pair of consecutive customer actions, in flow order.

    A pair from :attr:`Structure.customer_next` is left out when the customer
    goes through another customer action on the way, while the work runs in
    parallel (a flow without ``when:`` forks between the two): the customer is
    busy then, not waiting. That work is not forgotten: where it joins the
    customer's way again, the pair that ends there is timed by it when it
    ends later than the customer's own way (see :func:`_joins`).
    """
    st, lane, rank = dag.st, dag.lane, dag.rank
    by_id = dag.bp.by_id
    out = []
    parallel: dict[
        str, list[Segment]
    ] = {}  # customer step -> segments of work that ran beside the customer
    budget = WORK_MIN + WORK_PER_STEP * len(dag.order)
    work = 0
    for c1 in st.customer_steps:
        # what c1 leads to through staff and system work, up to the next customer actions
        reach: set = set()
        stack = [v for v in dag.succ[c1] if lane[v] != "customer"]
        while stack:
            n = stack.pop()
            if n in reach:
                continue
            reach.add(n)
            stack.extend(v for v in dag.succ[n] if lane[v] != "customer" and v not in reach)
        nexts = [c2 for c2 in st.customer_next[c1] if rank[c2] > rank[c1]]
        work += (len(reach) + 1) * (len(nexts) + 1)
        if work > budget:
            raise WorkLimit(Phrase("waits-skipped", budget=budget))
        betweens = {}
        for c2 in nexts:
            # the part of that work that leads into c2
            between: set = set()
            stack = [p for p in dag.pred[c2] if p in reach]
            while stack:
                n = stack.pop()
                if n in between:
                    continue
                between.add(n)
                stack.extend(p for p in dag.pred[n] if p in reach and p not in between)
            betweens[c2] = between
        for c2 in nexts:
            between = betweens[c2]
            if not between and c1 not in dag.pred[c2]:
                continue
            seg = _segment(dag, c1, c2, between)
            if len(nexts) > 1 and _alongside(dag, c1, c2, nexts, betweens, by_id):
                parallel.setdefault(c2, []).append(seg)
            else:
                out.append(seg)
    out = _joins(dag, out, parallel, budget - work)
    out.sort(key=lambda s: (rank[s.step], rank[s.after]))
    return out


def _segment(dag: FlowDag, c1: str, c2: str, between: set) -> Segment:
    lane, rank, dur = dag.lane, dag.rank, dag.duration

    def inv_w(n):
        return (dur[n] or 0.0) if lane[n] in INVISIBLE else 0.0

    def front_w(n):
        return (dur[n] or 0.0) if lane[n] == "frontstage" else 0.0

    ordered = sorted(between, key=rank.__getitem__)
    inv = [n for n in ordered if lane[n] in INVISIBLE]
    front = [n for n in ordered if lane[n] == "frontstage"]
    inv_path, inv_s = _best(dag, between, c1, c2, inv_w) if inv else ((), 0.0)
    svc_path, svc_s = _best(dag, between, c1, c2, front_w) if front else ((), 0.0)
    # work in parallel overlaps: the time between the two actions is the longest path of all of it
    all_path, all_s = _best(dag, between, c1, c2, lambda n: dur[n] or 0.0) if between else ((), 0.0)
    return Segment(
        after=c1,
        step=c2,
        invisible=tuple(n for n in inv_path if lane[n] in INVISIBLE),
        invisible_seconds=inv_s,
        missing=tuple(n for n in inv if dur[n] is None),
        has_invisible=bool(inv),
        service=tuple(n for n in svc_path if lane[n] == "frontstage"),
        service_seconds=svc_s,
        service_missing=tuple(n for n in front if dur[n] is None),
        path=all_path,
        path_seconds=all_s,
    )


def action_seconds(dag: FlowDag, c: str) -> float:
    """The customer's own time at a customer action: its duration and its declared wait."""
    s = dag.bp.by_id[c]
    decl = s.wait.expected.seconds if s.wait and s.wait.expected else 0.0
    return (dag.duration[c] or 0.0) + decl


def declared_wait_at(dag: FlowDag, c: str) -> bool:
    """Does customer action ``c`` declare a wait with its ``expected`` length?"""
    s = dag.bp.by_id[c]
    return s.wait is not None and s.wait.expected is not None


def declared_wait(dag: FlowDag, g: Segment) -> bool:
    """Does a declared ``expected`` wait at the segment's end replace its invisible part?"""
    return declared_wait_at(dag, g.step)


def between_seconds(dag: FlowDag, g: Segment) -> float:
    """The customer's time between the two actions of a segment: the longest path of all
    the work between them (parallel work overlaps); a declared wait replaces its invisible part."""
    if declared_wait(dag, g):
        return sum(s for n, s in g.timed(dag.duration) if dag.lane[n] == "frontstage")
    return g.path_seconds


def _joins(
    dag: FlowDag, segs: list[Segment], parallel: dict[str, list[Segment]], budget: int
) -> list[Segment]:
    """Time the pairs that end where work run beside the customer joins their way again.

    ``parallel[c2]`` holds the pairs (a, c2) left out because the customer went
    on from ``a`` through other actions while that work ran. For each pair
    (c1, c2) the customer makes, with ``c1`` on their way from ``a``: the
    customer ends ``c1`` at ``end[c1]`` (their longest time from the start of the
    journey), the work from ``a`` reaches ``c2`` at ``end[a]`` plus its longest
    path, so the customer is ``gap`` = the difference away from ``c2``. When that
    is longer than the work between ``c1`` and ``c2`` itself, the pair (c1, c2)
    is timed by the part of the parallel work still running after ``c1``: its
    back-stage and support part is the customer's wait (counted once, here), its
    front-stage part is service.
    """
    rank = dag.rank
    into: dict[str, list[Segment]] = {}
    for g in segs:
        into.setdefault(g.step, []).append(g)
    before: dict[
        str, list[str]
    ] = {}  # customer step -> the customer steps right before it (normal flows)
    if parallel:
        for c1, nxt in dag.st.customer_next.items():
            for c2 in nxt:
                before.setdefault(c2, []).append(c1)
    end: dict[str, float] = {}
    out: list[Segment] = []
    work = 0
    for c in dag.st.customer_steps:
        mine: list[Segment] = []
        for g in into.get(c, []):
            best = g
            # a wait declared with its length at the customer's last action stands in for the
            # work that ran beside it (the lounge wait is the wait for the room): not counted twice
            covered = declared_wait_at(dag, g.after)
            beside = parallel.get(c, []) if not covered else []
            if beside:
                # the customer's way into g.after, back to the earliest action that started work
                lo = min(rank[p.after] for p in beside)
                way = _ancestors(before, rank, g.after, lo)
                work += len(way) + len(beside)
                if work > budget:
                    raise WorkLimit(Phrase("waits-skipped", budget=budget))
                beside = [p for p in beside if p.after in way]
            for p in beside:
                j = _join(dag, g, p, end[g.after] - end[p.after])
                if j is not None and _longer(dag, j, best):
                    best = j
            mine.append(best)
        end[c] = max(
            (end[g.after] + between_seconds(dag, g) for g in mine), default=0.0
        ) + action_seconds(dag, c)
        out.extend(mine)
    return out


def _ancestors(before: dict[str, list[str]], rank: dict[str, int], c: str, lo: int) -> set[str]:
    """The customer steps from which ``c`` is reached through customer actions, as far
    back as flow rank ``lo``."""
    seen: set[str] = set()
    stack = [c]
    while stack:
        for p in before.get(stack.pop(), ()):
            if p not in seen and rank[p] >= lo and rank[p] < rank[c]:
                seen.add(p)
                stack.append(p)
    return seen


def _longer(dag: FlowDag, j: Segment, g: Segment) -> bool:
    """Does the parallel work ``j`` keep the customer from the next action longer than ``g``?
    On a tie, invisible work of unknown length still running counts (a sketch without durations)."""
    if j.path_seconds != g.path_seconds:
        return j.path_seconds > g.path_seconds
    return any(dag.duration[n] is None for n in j.invisible) and not g.has_invisible


def _join(dag: FlowDag, own: Segment, par: Segment, busy: float) -> Segment | None:
    """The pair ``own`` (c1, c2) timed by the parallel work ``par`` (a, c2), of which the
    customer spends ``busy`` seconds on their own way from a's end to c1's end."""
    lane, dur = dag.lane, dag.duration
    busy = max(0.0, busy)
    nodes, parts = [], []
    start = 0.0
    for n in par.path:  # the longest path of the parallel work, from a's end
        finish = start + (dur[n] or 0.0)
        part = max(0.0, finish - max(start, busy))
        if part > 0 or (dur[n] is None and start >= busy):
            nodes.append(n)
            parts.append(part)
        start = finish
    if not nodes:
        return None
    inv = [i for i, n in enumerate(nodes) if lane[n] in INVISIBLE]
    front = [i for i, n in enumerate(nodes) if lane[n] == "frontstage"]
    rank = dag.rank

    def union(a: tuple, b: tuple) -> tuple:
        return tuple(sorted(set(a) | set(b), key=rank.__getitem__))

    return Segment(
        after=own.after,
        step=own.step,
        invisible=tuple(nodes[i] for i in inv),
        invisible_seconds=sum(parts[i] for i in inv),
        missing=union(own.missing, par.missing),
        has_invisible=bool(inv) or bool(par.missing),
        service=tuple(nodes[i] for i in front),
        service_seconds=sum(parts[i] for i in front),
        service_missing=union(own.service_missing, par.service_missing),
        path=tuple(nodes),
        path_seconds=sum(parts),
        part=tuple(parts),
        parallel=par.after,
    )


def _alongside(dag, c1, c2, nexts, betweens, by_id) -> bool:
    """Does the customer go from c1 through another customer action to c2 while
    the work between c1 and c2 runs in parallel?"""
    st, rank = dag.st, dag.rank
    on_way = [c for c in nexts if c != c2 and _reaches(st.customer_next, rank, c, c2)]
    if not on_way:
        return False
    mine = betweens[c2] | {c2}
    other = set(on_way)
    for c in on_way:
        other |= betweens[c]
    other -= mine
    for x in [c1, *betweens[c2]]:
        plain = {f.target for f in by_id[x].flows if f.kind == "normal" and not f.when}
        if plain & mine and plain & other:
            return True
    return False


def _reaches(nxt, rank, a, b) -> bool:
    """Is customer action b reached from a through customer actions (normal flows)?"""
    limit = rank[b]
    seen, stack = {a}, [a]
    while stack:
        for n in nxt[stack.pop()]:
            if n == b:
                return True
            if n not in seen and rank[n] < limit:
                seen.add(n)
                stack.append(n)
    return False


def _best(dag, between, c1, c2, weight):
    dist, back = dag.longest(between, weight, sources=(c1,))
    ends = [p for p in dag.pred[c2] if p in between]
    if not ends:
        return (), 0.0
    end = max(ends, key=lambda p: (dist[p], -dag.rank[p]))
    return tuple(dag.path_to(back, end)), dist[end]


def _front_before(dag: FlowDag) -> dict:
    """Whether a front-stage step comes before each step in the flow."""
    out: dict = {}
    for n in dag.order:
        out[n] = any(dag.lane[p] == "frontstage" or out[p] for p in dag.pred[n])
    return out


def wait_points(dag: FlowDag, segs: list) -> list:
    """Declared waits, and inferred waits for invisible work, in flow order."""
    by_id, rank = dag.bp.by_id, dag.rank
    before = _front_before(dag)
    into: dict = {}
    for sg in segs:
        if sg.has_invisible:
            into.setdefault(sg.step, []).append(sg)
    out = []
    for n in dag.order:
        s = by_id[n]
        if s.wait is not None:
            w = s.wait
            # the invisible work before a declared wait: the heaviest incoming segment
            sg = max(
                into.get(n, []),
                key=lambda g: (g.estimate is not None, g.invisible_seconds),
                default=None,
            )
            estimate = sg.estimate if sg else None
            expected = w.expected.seconds if w.expected else estimate
            tolerable = w.tolerable.seconds if w.tolerable else None
            kinds = []
            if not before[n]:
                kinds.append("pre-process")
            if not w.fill.strip():
                kinds.append("unoccupied")
            if not w.explain.strip() or expected is None:
                kinds.append("unexplained")
            over = expected is not None and tolerable is not None and expected > tolerable
            shown = sg if w.expected is None else None  # the segment behind an undeclared length
            out.append(
                WaitFinding(
                    n,
                    True,
                    after=shown.after if shown is not None else None,
                    expected=expected,
                    tolerable=tolerable,
                    path=shown.invisible if shown is not None else (),
                    missing_durations=shown.missing if shown is not None else (),
                    over_tolerance=over,
                    kinds=tuple(kinds),
                    remedies=_remedies(kinds, over),
                    estimate=estimate,
                    at_least=sg.invisible_seconds if sg is not None and sg.missing else None,
                )
            )
        elif s.lane == "customer":
            for sg in into.get(n, []):
                est = sg.estimate
                if est == 0.0:
                    continue  # the work behind takes no time: no wait
                first = sg.invisible[0] if sg.invisible else n
                kinds = ["unoccupied", "unexplained"]
                if not before[first]:
                    kinds.insert(0, "pre-process")
                out.append(
                    WaitFinding(
                        n,
                        False,
                        after=sg.after,
                        expected=est,
                        tolerable=None,
                        path=sg.invisible,
                        missing_durations=sg.missing,
                        over_tolerance=False,
                        kinds=tuple(kinds),
                        remedies=_remedies(kinds, False),
                        estimate=est,
                        at_least=sg.invisible_seconds if sg.missing else None,
                    )
                )
    out.sort(key=lambda w: (rank[w.step], rank[w.after] if w.after else -1))
    return out


def _remedies(kinds, over: bool) -> tuple:
    out = [REMEDIES[k] for k in kinds]
    if over:
        out.append(REMEDIES["over"])
    return tuple(out)
