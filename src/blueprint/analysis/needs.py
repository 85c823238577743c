"""Customer needs: what the customer needs at each customer action (DOMAIN.md §2, step 2).

A customer action may state its need (``need: {text, type}``, the types of
:data:`blueprint.vocab.NEED_TYPES`). The analysis counts them per phase, names
the core need of the journey (``core_need:`` when the blueprint declares it,
else the most frequent type; on a tie the type met first in the flow), lists the
key, peak and end moments with their needs, and flags every reverse need (one
that annoys when it is provided) that a front-stage step still serves: a
front-stage step the customer meets after that action, before their next one.
"""

from __future__ import annotations

from blueprint.analysis.findings import Needs, PhaseNeeds, ReverseServed
from blueprint.vocab import FRONTSTAGE, NEED_TYPES, REVERSE_NEED


def served_by(st, step_id: str) -> tuple:
    """Front-stage steps met after customer action ``step_id`` before the customer's next
    action (normal flows), in flow order."""
    fwd = st.forward
    found, seen, stack = [], {step_id}, list(fwd.successors(step_id))
    while stack:
        n = stack.pop()
        if n in seen or st.lane(n) == "customer":
            continue
        seen.add(n)
        if st.lane(n) == FRONTSTAGE:
            found.append(n)
        stack.extend(fwd.successors(n))
    return tuple(sorted(found, key=st.rank.__getitem__))


def needs(a) -> Needs:
    bp, st = a.bp, a.structure
    by_id = bp.by_id
    customer = list(st.customer_steps)  # flow order
    with_need = tuple(n for n in customer if by_id[n].need is not None)
    types = {t: 0 for t in NEED_TYPES}
    for n in with_need:
        types[by_id[n].need.type] += 1

    phases = []
    names = {p.id: p.name for p in bp.phases}
    for pid in [p.id for p in bp.phases] + [None]:
        steps = tuple(
            n for n in with_need if (by_id[n].phase if by_id[n].phase in names else None) == pid
        )
        if pid is None and not steps:
            continue
        counts = {t: 0 for t in NEED_TYPES}
        for n in steps:
            counts[by_id[n].need.type] += 1
        phases.append(
            PhaseNeeds(
                pid,
                names.get(pid, "") if pid else "",
                steps,
                {t: c for t, c in counts.items() if c},
            )
        )

    core, core_text, declared = None, "", False
    if bp.core_need is not None:
        core, core_text, declared = bp.core_need.type, bp.core_need.text, True
    elif with_need:
        first: dict[str, int] = {}
        for i, n in enumerate(with_need):
            first.setdefault(by_id[n].need.type, i)
        core = max(first, key=lambda t: (types[t], -first[t]))
    core_steps = tuple(n for n in with_need if by_id[n].need.type == core)

    reverse = []
    for n in with_need:
        if by_id[n].need.type == REVERSE_NEED:
            front = served_by(st, n)
            if front:
                reverse.append(ReverseServed(n, front))

    moments = []
    for n in customer:
        kinds = tuple(
            k
            for k, on in (
                ("key", by_id[n].key),
                ("peak", n in a.peaks),
                ("end", n in a.ends),
            )
            if on
        )
        if kinds:
            moments.append((n, kinds))

    return Needs(
        steps=with_need,
        without=tuple(n for n in customer if by_id[n].need is None),
        types=types,
        phases=tuple(phases),
        core=core,
        core_text=core_text,
        core_declared=declared,
        core_steps=core_steps,
        reverse_served=tuple(reverse),
        moments=tuple(moments),
    )
