"""Rules fed by the analysis: waits, tolerance, the peak–end moments, and the
fail-point heuristics (off unless turned on).

The analysis is computed once per file (``ctx.analysis``); these rules only
turn its findings into problems so that CI can enforce them. ``blueprint
analyze`` shows the same findings with their figures; ``docs/analysis.md``
explains them.
"""

from __future__ import annotations

from blueprint.durations import format_duration
from blueprint.i18n import said_in
from blueprint.messages import _, language
from blueprint.rules import Finding, rule


@rule("wait-beyond-tolerance", "warning")
def wait_beyond_tolerance(ctx):
    """A wait point's expected wait is longer than its tolerable wait.

    Customers give up, or remember the service badly, when they wait longer
    than they will tolerate. Shorten the work behind the wait, do it before the
    customer needs it, or fill and explain the wait.

    Fails::

        wait: {expected: 30m, tolerable: 20m}

    Passes::

        wait: {expected: 15m, tolerable: 20m, fill: Free tea, explain: Screen shows the queue}
    """
    for w in ctx.analysis.wait_points:
        if w.over_tolerance:
            s = ctx.bp.by_id[w.step]
            yield Finding(
                s.field_pos("wait"),
                _(
                    "wait at '%(step)s' is expected to take %(expected)s, "
                    "longer than the tolerable %(tolerable)s"
                )
                % {
                    "step": w.step,
                    "expected": format_duration(w.expected),
                    "tolerable": format_duration(w.tolerable),
                },
                w.step,
            )


@rule("over-tolerance", "warning")
def over_tolerance(ctx):
    """The customer's time through the service is longer than the blueprint's tolerance.

    The customer's time is the longest route through the customer actions:
    their own durations, the front-stage work between them and the waits
    (declared, or inferred from back-stage and support work). ``blueprint
    analyze`` shows the route and each part.

    Fails::

        tolerance: 5m
        steps:
          - id: sit-down
            lane: customer
            next: [polish]
          - id: polish
            lane: frontstage
            duration: 8m
            next: [pay]
          - id: pay
            lane: customer

    Passes::

        tolerance: 10m      # the same steps: 8m of the customer's time, 2m margin
    """
    t = ctx.analysis.timing
    if t.over_tolerance and ctx.bp.tolerance is not None:
        c = t.customer
        yield Finding(
            ctx.bp.tolerance.pos,
            f"the customer's time ({'at least ' if not c.complete else ''}"
            f"{format_duration(c.total)}) is over the tolerance of "
            f"{ctx.bp.tolerance.text} by {format_duration(-t.margin)}",
        )


@rule("negative-end", "warning")
def negative_end(ctx):
    """The journey ends on a bad feeling (emotion below the scale's midpoint).

    The midpoint of the blueprint's ``emotion_scale`` is neutral: 0 on the
    default -2..+2, 5 on a 0..10 survey.

    By the peak–end rule people judge an experience mostly by its most intense
    moment and by its end. A journey that ends badly is remembered badly, however
    good its middle. Improve the last customer action first.

    Fails::

        - id: pay
          lane: customer
          emotion: -1        # the last customer action

    Passes::

        - id: pay
          lane: customer
          emotion: 1
    """
    for e in ctx.analysis.end_moments:
        if e.negative:
            s = ctx.bp.by_id[e.step]
            yield Finding(
                s.field_pos("emotion"),
                _(
                    "the journey ends at '%(step)s' with emotion %(emotion)s; "
                    "people remember the end: improve this moment"
                )
                % {"step": e.step, "emotion": _signed(e.emotion, ctx.bp.emotion_scale)},
                e.step,
            )


@rule("end-is-worst", "warning")
def end_is_worst(ctx):
    """The last customer action is the worst moment of its journey.

    The end is lower than every other moment on the way to it. The end weighs
    as much as the peak in what customers remember: it should not be the
    lowest point.

    Fails::

        - {id: enter, lane: customer, emotion: 1, next: [serve]}
        - {id: serve, lane: frontstage, next: [leave]}
        - {id: leave, lane: customer, emotion: 0}     # the end, and the lowest

    Passes::

        - {id: enter, lane: customer, emotion: 0, next: [serve]}
        - {id: serve, lane: frontstage, next: [leave]}
        - {id: leave, lane: customer, emotion: 1}
    """
    for e in ctx.analysis.end_moments:
        if e.worst:
            s = ctx.bp.by_id[e.step]
            yield Finding(
                s.field_pos("emotion"),
                _(
                    "the journey ends at its worst moment, '%(step)s' "
                    "(emotion %(emotion)s); make the last moment a good one"
                )
                % {"step": e.step, "emotion": _signed(e.emotion, ctx.bp.emotion_scale)},
                e.step,
            )


@rule("promise-exceeded", "warning")
def promise_exceeded(ctx):
    """A promised time is not kept along the flow.

    A promise is timed from the end of another step (``from:``): ``within``
    (done by then; may count working days, ``3wd``), ``after`` (a follow-up that
    starts then) or ``at`` with ``window`` (starts in that window). The time is
    the longest path of durations and declared waits from the trigger to the
    step; the message says by how much the promise is missed. ``blueprint
    analyze`` lists every promise in its standards table.

    Fails::

        - {id: complain, lane: customer, text: Phone the hotline, next: [fix]}
        - id: fix
          lane: backstage
          text: Resolve the complaint
          duration: 4d
          standard: {text: Resolved within 72 hours, within: 72h, from: complain}

    Passes::

          duration: 2d        # the same steps: 24h to spare
    """
    for c in ctx.analysis.timing.standards:
        if c.kind == "duration" or c.status not in ("exceeded", "early"):
            continue
        s = ctx.bp.by_id[c.step]
        over, elapsed = format_duration(c.over), format_duration(c.elapsed)
        if c.status == "early":
            how = _("starts %(over)s before its window opens") % {"over": over}
        elif c.kind == "after":
            how = _("starts %(over)s later than promised") % {"over": over}
        else:
            how = _("is %(over)s late") % {"over": over}
        if c.trigger:
            since = _("%(elapsed)s after '%(trigger)s'") % {
                "elapsed": elapsed,
                "trigger": c.trigger,
            }
        else:
            since = _("after %(elapsed)s") % {"elapsed": elapsed}
        when = ""
        if c.start and c.worst_start:
            when = _(", the clock starting at worst %(start)s") % {"start": c.start}
        elif c.start:
            when = _(", the clock starting %(start)s") % {"start": c.start}
        yield Finding(
            _promise_pos(s),
            _("promise at '%(step)s' (%(promise)s) %(how)s: the flow reaches it %(since)s%(when)s")
            % {
                "step": c.step,
                "promise": _promise_words(c),
                "how": how,
                "since": since,
                "when": when,
            },
            c.step,
        )


@rule("promise-unknown", "info")
def promise_unknown(ctx):
    """A promised time cannot be checked (a duration on the way is missing).

    Either a staff or support step between the trigger and the step has no
    duration, or the flow does not lead from the trigger to the step. Give the steps named in the message a duration (customer actions without
    one count as 0), or time the promise from a step that comes before.

    Fails::

        - {id: complain, lane: customer, text: Phone the hotline, next: [fix]}
        - id: fix
          lane: backstage
          text: Resolve the complaint     # no duration
          standard: {text: Resolved within 72 hours, within: 72h, from: complain}

    Passes::

          duration: 2d
    """
    for c in ctx.analysis.timing.standards:
        if c.kind == "duration" or c.status != "unknown":
            continue
        s = ctx.bp.by_id[c.step]
        if c.unreachable:
            why = _("the flow does not lead from '%(trigger)s' to '%(step)s'") % {
                "trigger": c.trigger,
                "step": c.step,
            }
        else:
            why = _("no duration on %(steps)s") % {"steps": ", ".join(repr(m) for m in c.missing)}
            if c.at_least:
                why += _(" (at least %(least)s without them)") % {
                    "least": format_duration(c.at_least)
                }
        yield Finding(
            _promise_pos(s),
            _("promise at '%(step)s' (%(promise)s) cannot be checked: %(why)s")
            % {"step": c.step, "promise": _promise_words(c), "why": why},
            c.step,
        )


def _promise_pos(s):
    std = s.standard
    for d in (std.within, std.after, std.at):
        if d is not None:
            return d.pos
    return std.pos


def _promise_words(c) -> str:
    if c.kind == "after":
        return _("%(limit)s after '%(trigger)s'") % {"limit": c.limit, "trigger": c.trigger}
    values = {"limit": c.limit, "trigger": c.trigger, "window": format_duration(c.window or 0)}
    if c.kind == "window":
        if c.trigger:
            return _("at %(limit)s from '%(trigger)s' ±%(window)s") % values
        return _("at %(limit)s ±%(window)s") % values
    if c.trigger:
        return _("within %(limit)s from '%(trigger)s'") % values
    return _("within %(limit)s") % values


def _signed(n, scale=None) -> str:
    """An emotion as written on its scale: signed around 0 (+1), plain otherwise (7.5)."""
    if scale is not None and scale.low >= 0:
        return f"{n:g}"
    return f"{n:+g}" if n else "0"


def _inferred(ctx, heuristic: str):
    by_id = ctx.bp.by_id
    for f in ctx.analysis.fail_points:
        if heuristic in f.heuristics:
            i = f.heuristics.index(heuristic)
            anchor = f.anchors[i] if i < len(f.anchors) else by_id[f.step].pos
            yield Finding(
                anchor,
                # the analysis' sentence, in the language of messages (i18n.SENTENCES)
                _("possible fail point at '%(step)s': %(reason)s")
                % {"step": f.step, "reason": said_in(f.reasons[i], language())},
                f.step,
            )


@rule("customer-alone", "off")
def customer_alone(ctx):
    """Inferred fail point: the customer must find their way alone.

    A customer action with no staff or system step before or after it, which
    leads on to another customer action, is done alone: entering the building,
    reading the signs, walking to the lift, finding the way out. Only the
    physical evidence guides the customer there, and that is where they get
    lost. Clear signs, a map, or someone to ask prevent it. Off in ``check``
    unless turned on; silence it for a step with ``ignore: [customer-alone]``.

    Fails::

        - id: enter-building
          lane: customer
          evidence: [Building sign]
          next: [read-signs]
        - id: read-signs          # alone between two customer actions
          lane: customer
          evidence: [Floor directory]
          next: [take-lift]

    Passes::

        - id: read-signs
          lane: customer
          evidence: [Floor directory]
          next: [guide]           # a greeter shows the way
        - id: guide
          lane: frontstage
    """
    yield from _inferred(ctx, "customer-alone")


@rule("handoff-visibility", "off")
def handoff_visibility(ctx):
    """Inferred fail point: a hand-off across the line of visibility.

    Work handed from the front stage to the back stage or support (or back)
    crosses the line of visibility: what the customer said may not reach the
    kitchen, what the kitchen knows may not reach the waiter. The receiving step
    is a fail point candidate. A heuristic of ``blueprint analyze``; off in
    ``check`` unless turned on (``rules: {handoff-visibility: warning}``).
    Silence it for a step with ``ignore: [handoff-visibility]``, or for the whole
    blueprint with ``rules: {handoff-visibility: off}``.

    Fails::

        - id: take-order
          lane: frontstage
          next: [cook]
        - id: cook
          lane: backstage          # the hand-off lands here

    Passes::

        - id: cook
          lane: backstage
          ignore: [handoff-visibility]   # the order is printed on a ticket
    """
    yield from _inferred(ctx, "handoff-visibility")


@rule("handoff-internal", "off")
def handoff_internal(ctx):
    """Inferred fail point: a hand-off across the line of internal interaction.

    Work handed between the back stage and support (another department, a
    system, a supplier) crosses the line of internal interaction; the receiving
    step is a fail point candidate. Off in ``check`` unless turned on.

    Fails::

        - id: cook
          lane: backstage
          next: [order-stock]
        - id: order-stock
          lane: support            # the hand-off lands here

    Passes::

        - id: order-stock
          lane: support
          ignore: [handoff-internal]
    """
    yield from _inferred(ctx, "handoff-internal")


@rule("parallel-join", "off")
def parallel_join(ctx):
    """Inferred fail point: a step waits for flows that run in parallel.

    A step that needs two or more pieces of work done in parallel (the table
    cleared and the party called) stalls when one of them is late or lost.
    Flows that are alternatives of one branch (``when:``) meeting again are
    not a synchronisation and do not count. Off in ``check`` unless turned on.

    Fails::

        - {id: clear-table, lane: backstage, next: [call]}
        - {id: queue, lane: customer, next: [call]}
        - {id: call, lane: frontstage}             # needs both

    Passes::

        - {id: call, lane: frontstage, ignore: [parallel-join]}
    """
    yield from _inferred(ctx, "parallel-join")


@rule("contact-without-standard", "off")
def contact_without_standard(ctx):
    """Inferred fail point: a front-stage step without a work standard.

    The customer sees every front-stage step. Without a standard (what done
    well means, and how fast) staff improvise and the service varies. Off in
    ``check`` unless turned on.

    Fails::

        - id: greet
          lane: frontstage
          text: Welcome the party

    Passes::

        - id: greet
          lane: frontstage
          text: Welcome the party
          standard: {text: Greet within 30 seconds of entry, within: 30s}
    """
    yield from _inferred(ctx, "contact-without-standard")


@rule("branch-without-recovery", "off")
def branch_without_recovery(ctx):
    """Inferred fail point: a branch that never comes back to the journey.

    When a conditional flow (``when:``) that is not the expected one (the first
    listed, unless that one is a fix looping back) leads to steps that never
    meet the other branches again, and no recovery or rework flow leads back,
    the customer who takes it is lost. The first step of that branch is a fail
    point candidate. Off in ``check`` unless turned on.

    Fails::

        - id: check-card
          lane: support
          next:
            - {to: print-receipt, when: approved}
            - {to: say-sorry, when: declined}     # and then the customer leaves

    Passes::

        - id: say-sorry
          lane: frontstage
          next: [{to: take-payment, kind: recovery, when: another card}]
    """
    yield from _inferred(ctx, "branch-without-recovery")
