"""Which end of the journey is the usual one.

A journey that branches has several ends (:attr:`Structure.customer_ends`),
each with its own peak–end score. One of them is where most customers stop:

1. the customer actions marked ``end: true`` (the designer says so);
2. else the end reached on the journey's usual way: from the customer's first
   action, every flow without ``when:`` is taken; a customer action whose only
   way on is a flow with ``when:`` is where the usual way stops (the branch
   without ``when``: most patients read their results and stop); where the way
   divides into ``when:`` branches only, the first one listed is the usual one
   (as for ``branch-without-recovery``). Recovery and rework flows are not
   followed. Of the ends reached, the last in flow order is the usual end.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blueprint.analysis.findings import Analysis
    from blueprint.graph import Structure

#: why an end is the usual one (EndMoment.usual_reason, the JSON's usual_reason)
REASONS = ("declared", "plain", "first-branch")


def usual_end(st: Structure) -> tuple[str | None, str]:
    """(the usual end's step id, why) or (None, "") when no end is reached."""
    ends = st.customer_ends
    if not ends:
        return None, ""
    marked = [e for e in ends if st.step(e).end]
    if marked:
        return marked[-1], "declared"
    rank = st.rank
    by_id = st.bp.by_id
    ends_set = set(ends)
    chose = False
    reached: list[str] = []
    seen = set(st.customer_starts)
    stack = list(seen)
    while stack:
        n = stack.pop()
        if n in ends_set:
            reached.append(n)
            if st.lane(n) == "customer" and st.may_stop(n):
                continue  # the usual way stops here; the when: branch is the exception
        flows = [f for f in by_id[n].flows if not f.is_loop and f.target in by_id]
        plain = [f for f in flows if not f.when]
        if not plain and flows:
            plain, chose = flows[:1], True
        for f in plain:
            if f.target not in seen:
                seen.add(f.target)
                stack.append(f.target)
    if not reached:
        return None, ""
    return max(reached, key=rank.__getitem__), "first-branch" if chose else "plain"


def mark_usual(a: Analysis) -> None:
    """Set ``a.usual_end`` and flag its EndMoment as usual."""
    end, why = usual_end(a.structure)
    a.usual_end, a.usual_end_reason = end, why
    a.end_moments = [replace(e, usual=e.step == end) for e in a.end_moments]
