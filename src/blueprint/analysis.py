"""Analysis of a blueprint: fail points, wait points, peak and end moments,
timing and shape, computed once and shared by reports, diagrams and scripts.

STUB: the public API below is the contract that render and script code
against; the analysis issue fills in the computation (inferred fail points and
waits, timing, shape). Keep the names and types stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blueprint.graph import Structure
from blueprint.model import Blueprint, FailPoint


@dataclass(frozen=True)
class FailFinding:
    step: str                      # step id
    declared: bool                 # written in the blueprint (fail:)
    fail: FailPoint | None         # the declared fail point, if any
    heuristics: tuple = ()         # ids of the heuristics that inferred it
    reasons: tuple = ()            # one sentence per heuristic, for people


@dataclass(frozen=True)
class WaitFinding:
    step: str                      # the customer step at which the customer waits
    declared: bool                 # written in the blueprint (wait:)
    after: str | None = None       # inferred: the customer step before the wait
    expected: float | None = None  # seconds: declared expected, or the inferred estimate
    tolerable: float | None = None # seconds
    path: tuple = ()               # inferred: the invisible steps on the longest path
    missing_durations: tuple = ()  # steps on that path without a duration
    over_tolerance: bool = False
    kinds: tuple = ()              # 'pre-process', 'unoccupied', 'unexplained'
    remedies: tuple = ()           # what the psychology of waiting suggests


@dataclass
class Analysis:
    bp: Blueprint
    structure: Structure
    fail_points: list = field(default_factory=list)   # FailFinding, in flow order
    wait_points: list = field(default_factory=list)   # WaitFinding, in flow order
    ends: list = field(default_factory=list)          # customer step ids that end the journey
    best: str | None = None                           # customer step with the highest emotion
    worst: str | None = None                          # customer step with the lowest emotion
    peaks: list = field(default_factory=list)         # the peak moment(s): best and/or worst
    peak_end_score: float | None = None
    mean_emotion: float | None = None
    emotions_missing: bool = True

    def markers(self, step_id: str) -> set:
        """Markers for one step: 'fail', 'fail-inferred', 'wait', 'wait-inferred',
        'peak', 'best', 'worst', 'end', 'key'."""
        out = set()
        for f in self.fail_points:
            if f.step == step_id:
                out.add("fail" if f.declared else "fail-inferred")
        for w in self.wait_points:
            if w.step == step_id:
                out.add("wait" if w.declared else "wait-inferred")
        if step_id in self.peaks:
            out.add("peak")
        if step_id == self.best:
            out.add("best")
        if step_id == self.worst:
            out.add("worst")
        if step_id in self.ends:
            out.add("end")
        if self.bp.by_id[step_id].key:
            out.add("key")
        return out

    def wait_at(self, step_id: str):
        return next((w for w in self.wait_points if w.step == step_id), None)

    def fail_at(self, step_id: str):
        return next((f for f in self.fail_points if f.step == step_id), None)


def analyze(bp: Blueprint, structure: Structure | None = None) -> Analysis:
    st = structure or Structure(bp)
    a = Analysis(bp, st)
    for n in st.order:
        s = bp.by_id[n]
        if s.fail:
            a.fail_points.append(FailFinding(n, True, s.fail))
        if s.wait:
            a.wait_points.append(WaitFinding(
                n, True, expected=s.wait.expected.seconds if s.wait.expected else None,
                tolerable=s.wait.tolerable.seconds if s.wait.tolerable else None))
    a.ends = list(st.customer_ends)
    emo = [(n, bp.by_id[n].emotion) for n in st.customer_steps if bp.by_id[n].emotion is not None]
    if emo:
        a.emotions_missing = False
        a.best = max(emo, key=lambda e: e[1])[0]
        a.worst = min(emo, key=lambda e: e[1])[0]
        a.peaks = [a.best] if a.best == a.worst else [a.best, a.worst]
    return a
