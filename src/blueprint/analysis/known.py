"""How the blueprint's facts are known: evidence levels (``known:`` on a step).

A step's ``known:`` is one of :data:`blueprint.vocab.KNOWN_LEVELS` (observed,
reported, assumed, proposed) and holds for what the step says: its duration and
its emotion too. The analysis counts, per kind of fact (steps, durations,
emotions), how many are known at each level and how many do not say; and it
names the steps whose durations make up the customer time (the customer actions
on its route and the staff work between them) that are only assumed or
proposed, so that a headline number built on beliefs says so.
"""

from __future__ import annotations

from blueprint.analysis.findings import Knowledge, KnownShare
from blueprint.vocab import KNOWN_LEVELS, UNSURE


def _share(kind: str, steps: list) -> KnownShare:
    levels = {lvl: 0 for lvl in KNOWN_LEVELS}
    for s in steps:
        if s.known:
            levels[s.known] += 1
    return KnownShare(kind, len(steps), levels, sum(1 for s in steps if not s.known))


def _customer_timed(a) -> list[str]:
    """The steps whose own durations the customer time adds up, in flow order."""
    bp, route = a.bp, a.timing.customer.route
    timed = [c for c in route if bp.by_id[c].duration is not None]
    pairs = set(zip(route, route[1:]))
    for g in a.segments:
        if (g.after, g.step) in pairs:
            timed.extend(n for n in g.path if bp.by_id[n].duration is not None)
    rank = a.structure.rank
    return sorted(dict.fromkeys(timed), key=rank.__getitem__)


def known(a) -> Knowledge:
    bp = a.bp
    steps = sorted(bp.steps, key=lambda s: a.structure.rank.get(s.id, s.index))
    shares = (
        _share("steps", steps),
        _share("durations", [s for s in steps if s.duration is not None]),
        _share("emotions", [s for s in steps if s.emotion is not None]),
    )
    timed = _customer_timed(a) if not a.timing.customer.skipped else []
    return Knowledge(
        stated=any(s.known for s in steps),
        shares=shares,
        customer_timed=tuple(timed),
        customer_unsure=tuple(n for n in timed if bp.by_id[n].known in UNSURE),
    )
