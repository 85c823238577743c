"""The stable JSON form of an analysis (docs/analysis.md documents every key).

Keys never change meaning within a ``version``; new keys may be added.
Durations are seconds (numbers); unknown values are ``null``; lists are in
flow order; every step is named by its id, and ``steps`` gives each step's
lane, phase, text, line and column. The analysis' phrases (reasons, remedies,
why waits were skipped) are said in English, whatever the blueprint's locale.
"""

from __future__ import annotations

from blueprint.analysis import HEURISTICS
from blueprint.i18n import said_in

JSON_VERSION = 1


def _num(x):
    if x is None:
        return None
    x = float(x)
    return int(x) if x.is_integer() else round(x, 3)


def _promise(s) -> dict:
    """The keys of a promise timed from a trigger (docs/analysis.md); none for a plain standard."""
    if s.kind == "duration":
        return {}
    return {
        "kind": s.kind,
        "from": s.trigger,
        "limit": s.limit,
        "window": _num(s.window),
        "elapsed": _num(s.elapsed),
        "at_least": _num(s.at_least),
        "missing": list(s.missing),
        "unreachable": s.unreachable,
        "start": s.start or None,
        "worst_start": s.worst_start,
    }


def as_dict(a) -> dict:
    bp, st = a.bp, a.structure
    by_id = bp.by_id
    t, c, sh = a.timing, a.timing.customer, a.shape

    def where(step_id):
        p = by_id[step_id].pos
        return {"line": p.line, "column": p.col}

    fails = []
    for f in a.fail_points:
        fp = f.fail
        d = {
            "step": f.step,
            **where(f.step),
            "declared": f.declared,
            "risk": fp.risk if fp else None,
            "likelihood": fp.likelihood if fp else None,
            "severity": fp.severity if fp else None,
            "prevention": fp.prevention if fp else None,
            "recovery": fp.recovery if fp else None,
        }
        d["inferred"] = [
            {"heuristic": h, "reason": said_in(r), "line": p.line, "column": p.col}
            for h, r, p in zip(f.heuristics, f.reasons, f.anchors)
        ]
        fails.append(d)

    waits = [
        {
            "step": w.step,
            **where(w.step),
            "declared": w.declared,
            "after": w.after,
            "expected": _num(w.expected),
            "tolerable": _num(w.tolerable),
            "estimate": _num(w.estimate),
            "at_least": _num(w.at_least),
            "over_tolerance": w.over_tolerance,
            "path": list(w.path),
            "missing_durations": list(w.missing_durations),
            "kinds": list(w.kinds),
            "remedies": [said_in(r) for r in w.remedies],
        }
        for w in a.wait_points
    ]

    moments = {
        "emotions_missing": a.emotions_missing,
        "scale": {
            "min": _num(bp.emotion_scale.low),
            "max": _num(bp.emotion_scale.high),
            "neutral": _num(bp.emotion_scale.mid),
        },
        "no_emotion": list(a.no_emotion),
        "best": a.best,
        "worst": a.worst,
        "peak": a.peak,
        "peaks": list(a.peaks),
        "peak_end_score": _num(a.peak_end_score),
        "mean_emotion": _num(a.mean_emotion),
        "ends": [
            {
                "step": e.step,
                **where(e.step),
                "emotion": e.emotion,
                "peak": e.peak,
                "peak_emotion": e.peak_emotion,
                "score": _num(e.score),
                "negative": e.negative,
                "worst": e.worst,
                "usual": e.usual,
            }
            for e in a.end_moments
        ],
        "usual_end": a.usual_end,
        "usual_end_reason": a.usual_end_reason or None,
    }

    timing = {
        "critical_path": {
            "steps": list(t.critical_path),
            "seconds": _num(t.critical_seconds),
            "missing_durations": list(t.critical_missing),
        },
        "customer": {
            "route": list(c.route),
            "actions": _num(c.actions),
            "service": _num(c.service),
            "waits": _num(c.waits),
            "total": _num(c.total),
            "complete": c.complete,
            "untimed_actions": list(c.untimed),
            "missing": list(c.missing),
        },
        "tolerance": _num(t.tolerance),
        "margin": _num(t.margin),
        "over_tolerance": t.over_tolerance,
        "phases": [
            {
                "phase": p.phase,
                "name": p.name,
                "work": _num(p.work),
                "critical": _num(p.critical),
                "actions": _num(p.actions),
                "service": _num(p.service),
                "waits": _num(p.waits),
                "customer": _num(p.customer),
            }
            for p in t.phases
        ],
        "standards": [
            {
                "step": s.step,
                **where(s.step),
                "text": s.text,
                "within": _num(s.within),
                "duration": _num(s.duration),
                "status": s.status,
                "over": _num(s.over),
                **_promise(s),
            }
            for s in t.standards
        ],
        "preparation": {"steps": list(t.preparation), "seconds": _num(t.preparation_seconds)},
    }

    n = a.needs
    needs = {
        "steps": [
            {"step": sid, **where(sid), "text": by_id[sid].need.text, "type": by_id[sid].need.type}
            for sid in n.steps
        ],
        "without": list(n.without),
        "types": dict(n.types),
        "phases": [
            {"phase": p.phase, "name": p.name, "steps": list(p.steps), "types": dict(p.types)}
            for p in n.phases
        ],
        "core": {
            "type": n.core,
            "text": n.core_text or None,
            "declared": n.core_declared,
            "steps": list(n.core_steps),
        },
        "moments": [
            {
                "step": sid,
                "moments": list(kinds),
                "need": by_id[sid].need.text if by_id[sid].need else None,
                "type": by_id[sid].need.type if by_id[sid].need else None,
            }
            for sid, kinds in n.moments
        ],
        "reverse_served": [
            {"step": r.step, **where(r.step), "served_by": list(r.served_by)}
            for r in n.reverse_served
        ],
    }

    k = a.known
    known = {
        "stated": k.stated,
        "kinds": {
            sh.kind: {"total": sh.total, **sh.levels, "unstated": sh.unstated} for sh in k.shares
        },
        "customer_time": {"timed": list(k.customer_timed), "unsure": list(k.customer_unsure)},
    }

    q = a.servqual
    servqual = {
        "dimensions": [
            {
                "dimension": c.dimension,
                "standards": list(c.standards),
                "fail_points": list(c.fail_points),
                "phases": {k: {"standards": n, "fail_points": f} for k, (n, f) in c.phases.items()},
                "expected": _num(c.expected),
                "perceived": _num(c.perceived),
                "gap": _num(c.gap),
            }
            for c in q.dimensions
        ],
        "without_standard": list(q.without_standard),
        "gaps": list(q.gaps),
    }

    shape = {
        "steps": sh.steps,
        "customer_actions": sh.customer_actions,
        "lanes": dict(sh.lanes),
        "phases": dict(sh.phases),
        "flows": sh.flows,
        "loops": sh.loops,
        "crossings": dict(sh.crossings),
        "branching": list(sh.branching),
        "divergence": sh.divergence,
        "joins": list(sh.joins),
        "longest_path": list(sh.longest_path),
        "complexity": sh.complexity,
    }

    steps = []
    for n in st.order:
        s = by_id[n]
        steps.append(
            {
                "id": n,
                "lane": s.lane,
                "phase": s.phase,
                "text": s.text,
                **where(n),
                "duration": _num(s.duration.seconds) if s.duration else None,
                "emotion": s.emotion,
                "known": s.known or None,
                "source": s.source or None,
                "markers": sorted(a.markers(n)),
            }
        )

    return {
        "version": JSON_VERSION,
        "path": bp.path,
        "id": bp.id,
        "title": bp.title,
        "locale": bp.locale,
        "heuristics": {
            h: {"summary": HEURISTICS[h], "off": h in a.heuristics_off} for h in HEURISTICS
        },
        "fail_points": fails,
        "wait_points": waits,
        "waits_skipped": said_in(a.waits_skipped) if a.waits_skipped else None,
        "moments": moments,
        "timing": timing,
        "needs": needs,
        "known": known,
        "servqual": servqual,
        "shape": shape,
        "steps": steps,
    }
