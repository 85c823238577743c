"""The stable JSON form of ``blueprint diff`` (docs/diff.md documents every key).

Keys never change meaning within a ``version``; new keys may be added. The
changes are in report order: phases in the new blueprint's order (then the
old blueprint's phases that are gone, then the steps without a phase), and
within a phase by step in flow order (a removed step where it was) and, for
one step, in the order of :data:`blueprint.diff.KINDS`. Durations are
seconds; unknown values are ``null``; ``summary`` is English.
"""

from __future__ import annotations

import json

from blueprint.diff import Diff, Figure
from blueprint.report.diff_text import sentence

JSON_VERSION = 1


def _num(x: object) -> object:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return x
    x = float(x)
    return int(x) if x.is_integer() else round(x, 3)


def _fig(f: Figure) -> dict:
    return {"old": _num(f.old), "new": _num(f.new)}


def as_dict(d: Diff) -> dict:
    phases = []
    for pid, name, group in d.by_phase():
        changes = []
        for ch in group:
            item: dict = {"kind": ch.kind, "step": ch.step, "side": ch.side, "line": ch.line}
            item.update(
                {k: [_num(x) for x in v] if isinstance(v, list) else _num(v) for k, v in ch.data}
            )
            item["summary"] = sentence(ch, str)
            changes.append(item)
        phases.append({"phase": pid, "name": name if pid is not None else None, "changes": changes})
    return {
        "version": JSON_VERSION,
        "old": {"path": d.old.name, "id": d.old.bp.id, "title": d.old.bp.title},
        "new": {"path": d.new.name, "id": d.new.bp.id, "title": d.new.bp.title},
        "changed": d.changed,
        "worse": list(d.worse),
        "renamed": [{"old": o, "new": n, "similarity": _num(s)} for o, n, s in d.renamed],
        "phases": phases,
        "figures": {
            "customer_time": {
                **_fig(d.timing["customer"]),
                "old_complete": d.customer_complete[0],
                "new_complete": d.customer_complete[1],
            },
            "critical_path": _fig(d.timing["critical_path"]),
            "tolerance": _fig(d.timing["tolerance"]),
            "margin": _fig(d.timing["margin"]),
            "peak_end_score": _fig(d.peak_end),
            "ends": [{"step": step, **_fig(f)} for step, f in d.ends],
            "unrecovered_fail_points": _fig(d.unrecovered),
            "inferred_fail_points": _fig(d.inferred),
        },
        "problems": {
            key: [
                {
                    "rule": pc.problem.rule,
                    "severity": pc.problem.severity,
                    "message": pc.problem.message,
                    "line": pc.problem.line,
                    "column": pc.problem.col,
                }
                for pc in d.problems
                if pc.introduced == introduced
            ]
            for key, introduced in (("introduced", True), ("fixed", False))
        },
    }


def as_json(diffs: list[Diff], *, many: bool = False, notes: list[dict] | None = None) -> str:
    """One diff as an object; with ``many`` (``--git``) a list of objects, one per
    changed file, a new or deleted file as ``{"old", "new", "changed", "note"}``."""
    if not many and len(diffs) == 1:
        return json.dumps(as_dict(diffs[0]), ensure_ascii=False, indent=2) + "\n"
    data = [as_dict(d) for d in diffs] + list(notes or [])
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
