"""SERVQUAL: which quality dimension each standard and fail point serves, and the gaps.

A standard (``standard: {text, dimension}``) or a declared fail point
(``fail: {risk, dimension}``) may name the SERVQUAL dimension it protects
(:data:`blueprint.vocab.SERVQUAL`). The analysis tables, per dimension, the
steps that address it (per phase too), names the dimensions no standard
protects, and, from the survey scores (``servqual: {dimension: {expected,
perceived}}``), the gap P - E of each dimension, the largest shortfall (the
lowest P - E) first, ties in the order of the dimensions.
"""

from __future__ import annotations

from blueprint.analysis.findings import DimensionCover, Servqual
from blueprint.vocab import SERVQUAL


def servqual(a) -> Servqual:
    bp, st = a.bp, a.structure
    steps = sorted(bp.steps, key=lambda s: st.rank.get(s.id, s.index))
    phase_ids = {p.id for p in bp.phases}
    covers = []
    for d in SERVQUAL:
        stds = tuple(s.id for s in steps if s.standard and s.standard.dimension == d)
        fails = tuple(s.id for s in steps if s.fail and s.fail.dimension == d)
        phases: dict[str, tuple[int, int]] = {}
        for ids, i in ((stds, 0), (fails, 1)):
            for n in ids:
                ph = bp.by_id[n].phase
                key = ph if ph in phase_ids else ""
                counts = list(phases.get(key, (0, 0)))
                counts[i] += 1
                phases[key] = (counts[0], counts[1])
        order = {p.id: p.index for p in bp.phases}
        phases = dict(sorted(phases.items(), key=lambda kv: order.get(kv[0], len(order))))
        e, p = bp.servqual.get(d, (None, None))
        covers.append(DimensionCover(d, stds, fails, phases, e, p))
    scored = [c for c in covers if c.gap is not None]
    gaps = sorted(scored, key=lambda c: (c.gap, SERVQUAL.index(c.dimension)))
    return Servqual(
        stated=bool(bp.servqual) or any(c.standards or c.fail_points for c in covers),
        dimensions=tuple(covers),
        without_standard=tuple(c.dimension for c in covers if not c.standards),
        gaps=tuple(c.dimension for c in gaps),
    )
