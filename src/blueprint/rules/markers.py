"""Rules about what steps carry: evidence, fail points, wait points, standards."""

from __future__ import annotations

from blueprint.durations import format_duration
from blueprint.messages import _
from blueprint.rules import Finding, rule
from blueprint.vocab import NEED_TYPES, PROPOSED


@rule("missing-evidence", "warning")
def missing_evidence(ctx):
    """A customer action without physical evidence.

    Customers judge an intangible service by what they can see and touch: the
    sign, the menu, the receipt, the app screen. Each customer action should
    name the evidence the customer meets there.

    Fails::

        - id: enter
          lane: customer
          text: Walk in

    Passes::

        - id: enter
          lane: customer
          text: Walk in
          evidence: [Shop sign, Clean entrance]
    """
    for s in ctx.bp.steps:
        if s.lane == "customer" and not s.evidence:
            yield Finding(
                s.pos,
                _(
                    "customer action '%(step)s' has no physical evidence; name what the customer "
                    "sees or touches here (evidence: [...])"
                )
                % {"step": s.id},
                s.id,
            )


@rule("evidence-outside-customer", "warning")
def evidence_outside_customer(ctx):
    """Evidence is written on a step that is not a customer action.

    In a blueprint, evidence sits above the customer action where the customer
    meets it. Move it to that customer action.
    """
    for s in ctx.bp.steps:
        if s.lane != "customer" and s.evidence:
            yield Finding(
                s.field_pos("evidence"),
                _(
                    "%(lane)s step '%(step)s' has evidence; put it on the customer "
                    "action where the customer meets it"
                )
                % {"lane": s.lane, "step": s.id},
                s.id,
            )


@rule("wait-without-expected", "warning")
def wait_without_expected(ctx):
    """A wait point does not say how long the customer usually waits.

    Without the expected wait, neither the analysis nor the staff can tell
    whether the wait is acceptable, and the customer cannot be told how long.

    Fails::

        wait: {fill: Free tea}

    Passes::

        wait: {expected: 10m, tolerable: 20m, fill: Free tea}
    """
    for s in ctx.bp.steps:
        if s.wait is not None and s.wait.expected is None:
            yield Finding(
                s.field_pos("wait"),
                _("wait point at '%(step)s' has no expected time (wait: {expected: 10m})")
                % {"step": s.id},
                s.id,
            )


@rule("fail-without-recovery", "warning")
def fail_without_recovery(ctx):
    """A fail point without a recovery.

    A fail point is where the service is likely to go wrong; a good blueprint
    says what staff do when it does (service recovery).

    Fails::

        fail: {risk: Wrong colour of polish}

    Passes::

        fail:
          risk: Wrong colour of polish
          prevention: Show the colour on a cloth first
          recovery: Strip it and polish again, free of charge
    """
    for s in ctx.bp.steps:
        if s.fail is not None and not s.fail.recovery.strip():
            yield Finding(
                s.field_pos("fail"),
                _("fail point at '%(step)s' has no recovery: say what staff do when it happens")
                % {"step": s.id},
                s.id,
            )


@rule("duration-exceeds-standard", "warning")
def duration_exceeds_standard(ctx):
    """A step takes longer than its own standard allows.

    A standard timed from another step (``from:``) or in working days is a
    promise: ``promise-exceeded`` checks it.

    Fails::

        duration: 15m
        standard: {text: Serve within 10 minutes, within: 10m}

    Passes::

        duration: 8m
        standard: {text: Serve within 10 minutes, within: 10m}
    """
    for s in ctx.bp.steps:
        if (
            s.duration
            and s.standard
            and s.standard.within
            and s.standard.kind == "duration"  # promises: promise-exceeded
            and s.duration.seconds > s.standard.within.seconds
        ):
            yield Finding(
                s.duration.pos,
                _(
                    "step '%(step)s' takes %(duration)s but its standard allows "
                    "%(standard)s (%(over)s over)"
                )
                % {
                    "step": s.id,
                    "duration": s.duration.text,
                    "standard": s.standard.within.text,
                    "over": format_duration(s.duration.seconds - s.standard.within.seconds),
                },
                s.id,
            )


#: fields that describe the customer's side, and those that describe staff
#: (``key`` may mark a key link on any lane)
_CUSTOMER_ONLY = ("wait", "emotion", "end")
_STAFF_ONLY = ("says",)


@rule("field-wrong-lane", "warning")
def field_wrong_lane(ctx):
    """A field is written on a step of the wrong lane.

    Waits, emotions and the end mark (``end: true``) are the customer's: they
    belong on customer actions (the analysis reads them there). What staff say belongs on the staff
    step that says it.

    Fails::

        - id: serve
          lane: frontstage
          wait: {expected: 10m}     # the customer waits, not the waiter

    Passes::

        - id: wait-for-food
          lane: customer
          wait: {expected: 10m}
    """
    for s in ctx.bp.steps:
        wrong = _STAFF_ONLY if s.lane == "customer" else _CUSTOMER_ONLY
        for name in wrong:
            if name not in s.positions:
                continue
            if s.lane == "customer":
                msg = _(
                    "'%(field)s' on customer action '%(step)s' belongs on the staff step that says it"
                ) % {"field": name, "step": s.id}
            else:
                msg = _(
                    "'%(field)s' on %(lane)s step '%(step)s' belongs on the customer action it describes"
                ) % {"field": name, "lane": s.lane, "step": s.id}
            yield Finding(s.field_pos(name), msg, s.id)


@rule("key-moment-without-need", "warning")
def key_moment_without_need(ctx):
    """A key moment does not say what the customer needs there.

    A key moment (moment of truth) is where the service is judged; designing it
    starts from the customer's need there (DOMAIN.md §2, step 2). Name the need
    and its type: basic, expected, delight, problem, reverse or secondary.

    Fails::

        - id: order
          lane: customer
          text: Order dishes
          key: true

    Passes::

        - id: order
          lane: customer
          text: Order dishes
          key: true
          need: {text: Know what is good today, type: expected}
    """
    for s in ctx.bp.steps:
        if s.lane == "customer" and s.key and s.need is None:
            yield Finding(
                s.field_pos("key"),
                f"key moment '{s.id}' does not say what the customer needs there "
                f"(need: {{text: ..., type: {'|'.join(NEED_TYPES)}}})",
                s.id,
            )


@rule("proposed-in-as-is", "warning")
def proposed_in_as_is(ctx):
    """A proposed step in a blueprint of the service as it is today.

    ``known: proposed`` marks what is not in the service yet; a blueprint with
    ``status: as-is`` describes the service as it runs. Move the step to the
    to-be blueprint, or say how it is known today (observed, reported, assumed).

    Fails::

        status: as-is
        steps:
          - id: sms
            lane: support
            text: Text the guest when the table is ready
            known: proposed

    Passes::

        status: to-be
        steps:
          - id: sms
            lane: support
            text: Text the guest when the table is ready
            known: proposed
    """
    if ctx.bp.status != "as-is":
        return
    for s in ctx.bp.steps:
        if s.known == PROPOSED:
            yield Finding(
                s.value_pos("known"),
                f"step '{s.id}' is proposed, but this blueprint is the service as it is "
                "(status: as-is): move it to the to-be blueprint or say how it is known today",
                s.id,
            )
