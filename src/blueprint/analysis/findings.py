"""The analysis' values: what it found, each finding tied to its steps.

These are plain data. The names, fields and meanings of :class:`FailFinding`,
:class:`WaitFinding` and :class:`Analysis` are a contract shared with the
diagrams and the scripts: fields may be added, never renamed or removed.
Durations are in seconds (floats); a figure that cannot be known is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blueprint.graph import Structure
from blueprint.model import Blueprint, FailPoint


class Phrase:
    """A sentence of the analysis, by its key and its values, never by its words.

    The analysis says *what* it found (``Phrase("parallel-join", n=2, names=("a", "b"))``);
    the words, in each locale, are :data:`blueprint.i18n.SENTENCES` and
    :func:`blueprint.i18n.said_in` says a phrase in one of them (the JSON and
    ``blueprint check`` in English, the text report in the blueprint's locale).
    A tuple value is a list of step ids, quoted and cut as the locale does.
    """

    __slots__ = ("key", "args")

    def __init__(self, key: str, **args: object) -> None:
        self.key = key
        self.args = args

    def _identity(self) -> tuple:
        return (self.key, tuple(sorted(self.args.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Phrase) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.args.items())
        return f"Phrase({self.key!r}{args})"

    def __reduce__(self) -> tuple:  # build -j sends analyses between processes
        return (_phrase, (self.key, self.args))


def _phrase(key: str, args: dict) -> Phrase:
    return Phrase(key, **args)


#: inferred waits shorter than this are not shown to people (diagrams, scripts):
#: a ten-second lookup is not a wait a customer notices
NOTICEABLE_WAIT = 60.0


@dataclass(frozen=True)
class FailFinding:
    step: str  # step id
    declared: bool  # written in the blueprint (fail:)
    fail: FailPoint | None  # the declared fail point, if any
    heuristics: tuple = ()  # ids of the heuristics that inferred it
    reasons: tuple = ()  # one Phrase per heuristic: why it was inferred
    anchors: tuple = ()  # one Pos per heuristic: where its cause is written (a flow, the step)


@dataclass(frozen=True)
class WaitFinding:
    step: str  # the customer step at which the customer waits
    declared: bool  # written in the blueprint (wait:)
    after: str | None = None  # inferred: the customer step before the wait
    expected: float | None = None  # seconds: declared expected, or the inferred estimate
    tolerable: float | None = None  # seconds
    path: tuple = ()  # inferred: the invisible steps on the longest path
    missing_durations: tuple = ()  # steps on that path without a duration
    over_tolerance: bool = False
    kinds: tuple = ()  # 'pre-process', 'unoccupied', 'unexplained'
    remedies: tuple = ()  # Phrases: what the psychology of waiting suggests
    estimate: float | None = (
        None  # seconds of invisible work before the step (None: unknown or none)
    )
    at_least: float | None = None  # when durations are missing: the longest path of the known ones


@dataclass(frozen=True)
class EndMoment:
    """One end of the journey and the peak–end figures of the journeys that end there."""

    step: str  # the last customer action
    emotion: float | None  # on the blueprint's emotion_scale
    peak: str | None = None  # the most intense moment on the way to this end
    peak_emotion: float | None = None
    score: float | None = None  # (peak + end) / 2, on the blueprint's scale
    negative: bool = False  # the end feels bad (emotion below the scale's midpoint)
    worst: bool = False  # the end is lower than every other moment of its journey
    usual: bool = False  # where most customers stop (see analysis/ends.py)


@dataclass(frozen=True)
class Segment:
    """The work between two consecutive customer actions."""

    after: str  # customer step before
    step: str  # customer step after
    invisible: tuple = ()  # back-stage and support steps on the longest invisible path
    invisible_seconds: float = 0.0  # its known durations
    missing: tuple = ()  # invisible steps between the two without a duration
    has_invisible: bool = False  # back-stage or support work runs between the two
    service: tuple = ()  # front-stage steps on the longest front-stage path
    service_seconds: float = 0.0
    service_missing: tuple = ()  # front-stage steps between the two without a duration
    path: tuple = ()  # staff and system steps on the longest path of all the work between
    path_seconds: float = 0.0  # its known durations: the time from one customer action to the next
    # work that ran beside the customer and joins their way at `step`: the customer action
    # that started it, and the seconds of each step of `path` still running after `after`
    parallel: str | None = None
    part: tuple = ()

    def timed(self, durations: dict) -> list:
        """(step, seconds) for each step of ``path``: the part of it between the two actions."""
        if self.part:
            return list(zip(self.path, self.part))
        return [(n, durations[n] or 0.0) for n in self.path]

    @property
    def estimate(self) -> float | None:
        """The customer's wait for the invisible work, or None when a duration is missing."""
        return None if self.missing else self.invisible_seconds


@dataclass(frozen=True)
class CustomerTime:
    """The customer's time along the longest route through the customer actions."""

    route: tuple = ()  # customer step ids, start to end
    actions: float = 0.0  # the customer actions' own durations
    service: float = 0.0  # front-stage work between them (the customer is being served)
    waits: float = 0.0  # declared waits and inferred waits for invisible work
    untimed: tuple = ()  # customer actions on the route without a duration (counted as 0)
    missing: tuple = ()  # staff steps and waits on the route whose time is unknown
    skipped: bool = (
        False  # inferred waits were skipped (Analysis.waits_skipped): the time is unknown
    )

    @property
    def total(self) -> float:
        return self.actions + self.service + self.waits

    @property
    def complete(self) -> bool:
        return not self.missing and not self.skipped


@dataclass(frozen=True)
class PhaseTime:
    phase: str | None  # phase id (None: steps without a phase)
    name: str
    work: float = 0.0  # all steps' durations in the phase
    critical: float = 0.0  # durations of the critical path's steps in the phase
    actions: float = 0.0  # customer time in the phase, as in CustomerTime
    service: float = 0.0
    waits: float = 0.0

    @property
    def customer(self) -> float:
        return self.actions + self.service + self.waits


@dataclass(frozen=True)
class StandardCheck:
    step: str
    text: str
    within: float | None  # the standard's time limit (promises: the promised time; None in wd)
    duration: float | None  # the step's duration
    status: str  # 'met', 'exceeded', 'untimed' (no duration), 'no-limit' (no within:);
    # promises also 'early' (before their window) and 'unknown' (a duration is missing)
    # promises (analysis/promises.py); a plain standard keeps the defaults
    kind: str = "duration"  # 'duration' (the step's own), 'within', 'after', 'window'
    trigger: str | None = None  # from: the step whose end starts the clock
    limit: str = ""  # the promised time as written (3wd, 48h, 20h)
    window: float | None = None  # window: seconds either side of the promised time
    elapsed: float | None = None  # seconds from the trigger along the flow
    excess: float | None = None  # seconds late (exceeded) or early
    at_least: float | None = None  # unknown: the time known so far
    missing: tuple = ()  # unknown: steps on the way without a duration
    unreachable: bool = False  # unknown: the flow does not lead from the trigger to the step
    start: str = ""  # working days: when the clock started on the calendar (fri 16:00)
    worst_start: bool = False  # ... assumed, the worst start of the week

    @property
    def over(self) -> float | None:
        if self.status not in ("exceeded", "early"):
            return None
        if self.excess is not None:
            return self.excess
        if self.duration is None or self.within is None:
            return None  # (an exceeded standard has both)
        return self.duration - self.within


@dataclass(frozen=True)
class Timing:
    critical_path: tuple = ()  # the longest-duration path of work in the journey
    critical_seconds: float = 0.0
    critical_missing: tuple = ()  # work steps in the journey without a duration
    customer: CustomerTime = field(default_factory=CustomerTime)
    phases: tuple = ()  # PhaseTime, in phase order
    tolerance: float | None = None  # the blueprint's tolerance
    margin: float | None = None  # tolerance - customer total (negative: over)
    over_tolerance: bool = False  # the customer's known time already exceeds the tolerance
    standards: tuple = ()  # StandardCheck, in flow order
    preparation: tuple = ()  # work outside the journey (done before the customer comes)
    preparation_seconds: float = 0.0


@dataclass(frozen=True)
class Shape:
    steps: int = 0
    lanes: dict = field(default_factory=dict)  # lane -> number of steps
    phases: dict = field(default_factory=dict)  # phase id ('' for none) -> number of steps
    flows: int = 0
    loops: int = 0  # recovery and rework flows
    crossings: dict = field(default_factory=dict)  # line -> flows crossing it
    branching: tuple = ()  # steps with two or more normal flows out
    joins: tuple = ()  # steps with two or more normal flows in
    longest_path: tuple = ()  # the longest path by number of steps
    customer_actions: int = 0

    @property
    def divergence(self) -> int:
        return len(self.branching)

    @property
    def complexity(self) -> int:
        return len(self.longest_path)


@dataclass(frozen=True)
class PhaseNeeds:
    phase: str | None  # phase id (None: customer actions without a phase)
    name: str
    steps: tuple = ()  # customer actions with a need, in flow order
    types: dict = field(default_factory=dict)  # need type -> count (only the types present)


@dataclass(frozen=True)
class ReverseServed:
    step: str  # a customer action whose need is reverse (providing it annoys)
    served_by: tuple = ()  # front-stage steps that still serve it


@dataclass(frozen=True)
class Needs:
    steps: tuple = ()  # customer actions with a need, in flow order
    without: tuple = ()  # customer actions without one
    types: dict = field(default_factory=dict)  # need type -> count, every type
    phases: tuple = ()  # PhaseNeeds, in phase order
    core: str | None = None  # the core need's type (None: no need anywhere)
    core_text: str = ""  # the declared core need in words ("" when not declared)
    core_declared: bool = False  # core_need: in the blueprint (else: the most frequent type)
    core_steps: tuple = ()  # customer actions whose need is of the core type
    reverse_served: tuple = ()  # ReverseServed, in flow order
    moments: tuple = ()  # (customer action, ('key', 'peak', 'end' as they apply)), flow order


@dataclass(frozen=True)
class KnownShare:
    """How the facts of one kind are known: 'steps', 'durations' (steps with a duration)
    or 'emotions' (customer actions with an emotion); a fact is known as its step is."""

    kind: str
    total: int = 0
    levels: dict = field(default_factory=dict)  # level -> count, every level of vocab
    unstated: int = 0  # no known: on the step


@dataclass(frozen=True)
class Knowledge:
    stated: bool = False  # some step says how it is known
    shares: tuple = ()  # KnownShare for steps, durations, emotions
    customer_timed: tuple = ()  # steps whose durations make up the customer time
    customer_unsure: tuple = ()  # of those, the ones assumed or proposed


@dataclass(frozen=True)
class DimensionCover:
    """One SERVQUAL dimension: where the blueprint addresses it and its survey scores."""

    dimension: str
    standards: tuple = ()  # steps whose standard names the dimension, in flow order
    fail_points: tuple = ()  # steps whose declared fail point names it, in flow order
    phases: dict = field(default_factory=dict)  # phase id ("" for none) -> (standards, fails)
    expected: float | None = None  # servqual: E
    perceived: float | None = None  # servqual: P

    @property
    def gap(self) -> float | None:
        """P - E (negative: the service falls short of what customers expect)."""
        if self.expected is None or self.perceived is None:
            return None
        return self.perceived - self.expected


@dataclass(frozen=True)
class Servqual:
    stated: bool = False  # a dimension or a score is written somewhere
    dimensions: tuple = ()  # DimensionCover, in vocab.SERVQUAL order
    without_standard: tuple = ()  # dimensions no standard names
    gaps: tuple = ()  # dimensions with scores, the largest shortfall (lowest P - E) first


@dataclass
class Analysis:
    bp: Blueprint
    structure: Structure
    fail_points: list = field(default_factory=list)  # FailFinding, in flow order
    wait_points: list = field(default_factory=list)  # WaitFinding, in flow order
    ends: list = field(default_factory=list)  # customer step ids that end the journey
    best: str | None = None  # customer step with the highest emotion (None: all feel the same)
    worst: str | None = None  # customer step with the lowest emotion (None: all feel the same)
    peaks: list = field(default_factory=list)  # the peak moment(s): best and/or worst
    peak_end_score: float | None = None
    mean_emotion: float | None = None
    emotions_missing: bool = True
    # added by the analysis issue
    peak: str | None = None  # the most intense moment (used in the score)
    end_moments: list = field(default_factory=list)  # EndMoment per end, in flow order
    no_emotion: list = field(default_factory=list)  # customer steps without an emotion
    segments: list = field(default_factory=list)  # Segment per pair of consecutive customer actions
    timing: Timing = field(default_factory=Timing)
    shape: Shape = field(default_factory=Shape)
    heuristics_off: tuple = ()  # heuristics turned off for the whole blueprint
    waits_skipped: Phrase | None = None  # why inferred waits were not computed, if they were not
    needs: Needs = field(default_factory=Needs)  # the customer's needs (analysis/needs.py)
    known: Knowledge = field(default_factory=Knowledge)  # evidence levels (analysis/known.py)
    servqual: Servqual = field(default_factory=Servqual)  # SERVQUAL (analysis/servqual.py)
    usual_end: str | None = None  # the end where most customers stop
    usual_end_reason: str = (
        ""  # 'declared' (end: true), 'plain' (no when: on the way), 'first-branch'
    )

    def _index(self):
        key = (
            id(self.fail_points),
            len(self.fail_points),
            id(self.wait_points),
            len(self.wait_points),
        )
        cached = self.__dict__.get("_idx")
        if cached is None or cached[0] != key:
            fails: dict[str, FailFinding] = {}
            waits: dict[str, WaitFinding] = {}
            for f in self.fail_points:
                fails.setdefault(f.step, f)

            def weight(w):  # the wait shown for a step: the declared one, else the longest
                return (w.declared, w.expected if w.expected is not None else -1.0)

            for w in self.wait_points:
                if w.step not in waits or weight(w) > weight(waits[w.step]):
                    waits[w.step] = w
            declared_wait = {w.step for w in self.wait_points if w.declared}
            cached = (key, fails, waits, declared_wait)
            self.__dict__["_idx"] = cached
        return cached

    def markers(self, step_id: str) -> set:
        """Markers for one step: 'fail', 'fail-inferred', 'wait', 'wait-inferred',
        'peak', 'best', 'worst', 'end', 'key', 'late' (a time limit missed)."""
        _, fails, waits, declared_wait = self._index()
        out = set()
        f = fails.get(step_id)
        if f is not None:
            out.add("fail" if f.declared else "fail-inferred")
        if step_id in waits:
            out.add("wait" if step_id in declared_wait else "wait-inferred")
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
        if any(c.step == step_id and c.over for c in self.timing.standards):
            out.add("late")  # a standard or promise missed along the flow
        return out

    def wait_at(self, step_id: str):
        return self._index()[2].get(step_id)

    def fail_at(self, step_id: str):
        return self._index()[1].get(step_id)

    def waits_at(self, step_id: str) -> list:
        """Every wait at a step (a step reached from several customer actions may have several)."""
        return [w for w in self.wait_points if w.step == step_id]

    def to_dict(self) -> dict:
        """The stable JSON form (docs/analysis.md describes it).

        Kept for Python callers; the form itself is made by the report layer,
        :func:`blueprint.report.analysis_json.as_dict` (the one import above
        ``graph`` in this package, done when called; tests/test_layers.py allows
        exactly this one).
        """
        from blueprint.report.analysis_json import as_dict

        return as_dict(self)
