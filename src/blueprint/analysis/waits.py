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


def segments(dag: FlowDag, *, alongside: bool = False) -> list:
    """The work between each pair of consecutive customer actions, in flow order.

    A pair from :attr:`Structure.customer_next` is left out when the customer
    goes through another customer action on the way, while the work runs in
    parallel (a flow without ``when:`` forks between the two): the customer is
    busy then, not waiting, and the next pair measures the wait.
    """
    st, lane, rank = dag.st, dag.lane, dag.rank
    dur = dag.duration
    by_id = dag.bp.by_id
    out = []
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
            if not alongside and len(nexts) > 1 and _alongside(dag, c1, c2, nexts, betweens, by_id):
                continue  # (timing keeps these pairs: the journey's time runs on while the customer is busy)

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
            all_path, all_s = (
                _best(dag, between, c1, c2, lambda n: dur[n] or 0.0) if between else ((), 0.0)
            )
            out.append(
                Segment(
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
            )
    out.sort(key=lambda s: (rank[s.step], rank[s.after]))
    return out


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
