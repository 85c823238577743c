"""Analysis of a blueprint: fail points, wait points, peak and end moments,
timing and shape, computed once and shared by reports, diagrams and scripts.

``analyze(bp, structure)`` returns one :class:`Analysis`; every finding names
its steps by id. ``docs/analysis.md`` explains each figure, each heuristic and
the JSON form (:meth:`Analysis.to_dict`).

The public names here (FailFinding, WaitFinding, Analysis and their fields,
markers(), wait_at(), fail_at(), analyze()) are a contract: fields may be
added, never renamed or removed.
"""

from __future__ import annotations

from blueprint.analysis.failpoints import HEURISTICS
from blueprint.analysis.findings import (
    Analysis,
    CustomerTime,
    DimensionCover,
    EndMoment,
    FailFinding,
    Knowledge,
    KnownShare,
    Needs,
    PhaseTime,
    Phrase,
    Segment,
    Servqual,
    Shape,
    StandardCheck,
    Timing,
    WaitFinding,
)
from blueprint.graph import Structure
from blueprint.model import Blueprint

__all__ = [
    "HEURISTICS",
    "Analysis",
    "CustomerTime",
    "EndMoment",
    "DimensionCover",
    "FailFinding",
    "Knowledge",
    "KnownShare",
    "Needs",
    "PhaseTime",
    "Phrase",
    "Segment",
    "Servqual",
    "Shape",
    "StandardCheck",
    "Timing",
    "WaitFinding",
    "analyze",
]


def analyze(bp: Blueprint, structure: Structure | None = None, *, off=()) -> Analysis:
    """Analyse a blueprint (best on one that ``blueprint check`` finds no errors in).

    Heuristics are turned off for the whole blueprint by ``rules: {id: off}``
    in the blueprint, or by ``off`` (ids, e.g. from the project configuration);
    a step's ``ignore:`` turns them off for that step.
    """
    from blueprint.analysis import (
        ends,
        failpoints,
        known,
        moments,
        needs,
        servqual,
        shape,
        timing,
        waits,
    )
    from blueprint.analysis.flow import FlowDag

    st = structure or Structure(bp)
    a = Analysis(bp, st)
    turned_off = {h for h in HEURISTICS if h in set(off) or bp.rules.get(h, ("",))[0] == "off"}
    a.heuristics_off = tuple(h for h in HEURISTICS if h in turned_off)
    dag = FlowDag(st)
    a.fail_points = failpoints.fail_points(dag, turned_off)
    try:
        # work that runs on while the customer does something else is timed where it joins them
        a.segments = waits.segments(dag)
    except waits.WorkLimit as exc:
        a.segments, a.waits_skipped = [], exc.why
    a.wait_points = waits.wait_points(dag, a.segments)
    moments.moments(a)
    ends.mark_usual(a)
    a.timing = timing.timing(dag, a.segments)
    if a.waits_skipped:  # without the waits the customer's time would look complete, and short
        from dataclasses import replace

        a.timing = replace(
            a.timing,
            customer=replace(a.timing.customer, skipped=True),
            margin=None,
            over_tolerance=False,
        )
    a.shape = shape.shape(dag)
    a.needs = needs.needs(a)
    a.known = known.known(a)
    a.servqual = servqual.servqual(a)
    return a
