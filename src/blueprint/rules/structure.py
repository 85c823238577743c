"""Rules about the shape of the service: lanes, lines, flows and the journey."""

from __future__ import annotations

import networkx as nx

from blueprint.messages import _, step_noun
from blueprint.rules import Finding, rule
from blueprint.vocab import (
    CONTACT_STAFF,
    CUSTOMER,
    FRONTSTAGE,
    INTERNAL,
    INVISIBLE,
    LANES,
    SUPPORT,
    lanes_above,
)


@rule("flow-skips-line", "warning")
def flow_skips_line(ctx):
    """A flow joins a customer action directly to back-stage or support work.

    Customers usually meet the service across the line of interaction, at the
    front stage. A flow from a customer action straight into the back office (or
    back) often hides who actually serves the customer at that moment: route it
    through that front-stage step. Some services do put the customer in touch
    with staff or systems they never see (Bitner's invisible contact employee: a
    phone order taken in the back office, a reminder sent by the order system).
    Mark such a contact as intended with ``contact:`` (``phone``, ``video``,
    ``email``, ``message``, ``mail``, ``web`` or ``app``) on the flow, or on
    either step for all its flows, or silence the rule for the step with
    ``ignore: [flow-skips-line]``.

    Fails::

        - id: order
          lane: customer
          next: [cook]          # cook is a back-stage step

    Passes::

        - id: order
          lane: customer
          next: [take-order]    # a front-stage step, which then flows to cook
        - id: phone-order
          lane: customer
          next: [{to: take-phone-order, contact: phone}]   # taken in the back office
    """
    by_id = ctx.bp.by_id
    for s in ctx.bp.steps:
        for f in s.flows:
            if f.target not in by_id:
                continue
            a, b = s.lane, by_id[f.target].lane
            if not (CUSTOMER in (a, b) and {a, b} & set(INVISIBLE)):
                continue
            if f.contact or s.contact or by_id[f.target].contact:
                continue  # a contact the customer cannot see, on purpose
            yield Finding(
                f.pos,
                # (no quote after the advice: the log-line filter would take it for a long value)
                _(
                    "flow from %(from_noun)s '%(from_step)s' to %(to_noun)s '%(to_step)s' skips "
                    "the front stage; route it through a front-stage step, or, when the customer "
                    "deals with it directly on purpose, mark the flow or a step with contact: phone "
                    "(or video, email, message, mail, web, app), or write ignore: [flow-skips-line] "
                    "on the step the flow leaves"
                )
                % {
                    "from_noun": step_noun(a),
                    "from_step": s.id,
                    "to_noun": step_noun(b),
                    "to_step": f.target,
                },
                s.id,
            )


@rule("undeclared-cycle", "error")
def undeclared_cycle(ctx):
    """Flows form a cycle that is not declared as a recovery or rework loop.

    A service that runs in a circle without saying why is usually a mistake in
    the flows. When the loop is intended (try again after a failure, redo a
    dish), mark the flow that goes back with ``kind: recovery`` or ``kind: rework``.

    Fails::

        - id: check-order
          next: [fix-order]
        - id: fix-order
          next: [check-order]

    Passes::

        - id: fix-order
          next: [{to: check-order, kind: rework}]
    """
    g = ctx.structure.forward
    by_id = ctx.bp.by_id
    for comp in nx.strongly_connected_components(g):
        if len(comp) == 1:
            n = next(iter(comp))
            if not g.has_edge(n, n):
                continue
        members = sorted(comp, key=lambda n: by_id[n].index)
        back = [
            (u, v)
            for u in members
            for v in g.successors(u)
            if v in comp and by_id[v].index <= by_id[u].index
        ]
        u, v = (
            min(back, key=lambda e: (by_id[e[0]].index, by_id[e[1]].index))
            if back
            else (members[-1], members[0])
        )
        flow = next((f for f in by_id[u].flows if f.target == v), None)
        pos = flow.pos if flow else by_id[u].pos
        if u == v:
            msg = _(
                "step '%(step)s' flows to itself; mark the flow kind: rework if the step repeats"
            ) % {"step": u}
        else:
            loop = " → ".join(members[:6]) + (" → …" if len(members) > 6 else "")
            msg = _(
                "flow '%(from_step)s' → '%(to_step)s' closes a cycle (%(loop)s) that is not "
                "declared; mark it kind: recovery or kind: rework if the loop is intended"
            ) % {"from_step": u, "to_step": v, "loop": loop}
        yield Finding(pos, msg, u)


@rule("backward-phase-flow", "warning")
def backward_phase_flow(ctx):
    """A normal flow runs back to an earlier phase.

    Phases are columns in time order; going back to an earlier one is a loop and
    should be declared as such (``kind: recovery`` or ``kind: rework``), or the
    step is in the wrong phase.

    Fails::

        - id: pay
          phase: leave
          next: [order-more]    # order-more is in phase 'order', earlier

    Passes::

        - id: pay
          phase: leave
          next: [{to: order-more, kind: rework, when: still hungry}]
    """
    index = {p.id: p.index for p in ctx.bp.phases}
    for s in ctx.bp.steps:
        for f in s.flows:
            t = ctx.bp.by_id.get(f.target)
            if f.is_loop or t is None or s.phase not in index or t.phase not in index:
                continue
            if index[t.phase] < index[s.phase]:
                yield Finding(
                    f.pos,
                    _(
                        "flow '%(from_step)s' → '%(to_step)s' goes back from phase "
                        "'%(from_phase)s' to the earlier phase '%(to_phase)s'; declare it as a "
                        "loop (kind: recovery or rework)"
                    )
                    % {
                        "from_step": s.id,
                        "to_step": t.id,
                        "from_phase": s.phase,
                        "to_phase": t.phase,
                    },
                    s.id,
                )


@rule("unreachable-step", "error")
def unreachable_step(ctx):
    """A step is cut off from the customer's journey.

    Every step is either reached from the start of the journey, or prepares
    work that leads into it (buying supplies, setting tables). A step that is
    neither is never part of the service: a flow to or from it is missing.

    Fails::

        - id: polish-spare-shoes   # no flow reaches it, and it leads nowhere
          lane: backstage

    Passes::

        - id: buy-supplies
          lane: support
          next: [prepare-kit]     # leads into the journey
    """
    st = ctx.structure
    if not st.customer_steps:
        return
    journey = st.journey
    g = st.graph
    # the journey and every step that leads into it
    seen = set(journey)
    stack = list(journey)
    while stack:
        for p in g.predecessors(stack.pop()):
            if p not in seen:
                seen.add(p)
                stack.append(p)
    for s in ctx.bp.steps:
        if s.id not in seen:
            yield Finding(
                s.pos,
                _(
                    "step '%(step)s' is cut off from the customer's journey: "
                    "no flow leads to it from the journey, and it leads into none"
                )
                % {"step": s.id},
                s.id,
            )


@rule("dead-end", "warning")
def dead_end(ctx):
    """A front-stage or back-stage step leads nowhere.

    Staff work should hand over to someone: the customer, a colleague, a system.
    The journey may end only with a customer action. Support processes may end
    on their own (a record is kept).

    Fails::

        - id: cook
          lane: backstage      # no next: who serves the dish?

    Passes::

        - id: cook
          lane: backstage
          next: [serve]
    """
    for s in ctx.bp.steps:
        if s.lane in CONTACT_STAFF and not s.flows:
            yield Finding(
                s.pos,
                _(
                    "%(noun)s '%(step)s' leads nowhere: add next: with the step that "
                    "uses its work (the customer, a colleague or a system)"
                )
                % {"noun": step_noun(s.lane), "step": s.id},
                s.id,
            )


@rule("customer-journey-broken", "error")
def customer_journey_broken(ctx):
    """The customer's actions do not form one connected journey.

    Read left to right, the customer lane is the customer's path from start to
    end. Every customer action must follow from the start through the flows,
    directly or through staff and system work. A blueprint needs at least one
    customer action.

    Fails::

        - id: enter
          lane: customer
          next: [greet]
        - id: leave            # no flow leads here
          lane: customer

    Passes::

        - id: enter
          lane: customer
          next: [greet]
        - id: greet
          lane: frontstage
          next: [leave]
        - id: leave
          lane: customer
    """
    st = ctx.structure
    if not st.customer_steps:
        pos = ctx.bp.positions.get("steps", ctx.bp.pos)
        yield Finding(
            pos,
            _(
                "the blueprint has no customer action; the journey must start and end with the customer"
            ),
        )
        return
    if not st.customer_starts:
        first = ctx.bp.by_id[st.customer_steps[0]]
        yield Finding(
            first.pos,
            _(
                "the customer's journey has no start: every customer action follows another "
                "(a cycle); declare the loop with kind: recovery or rework"
            ),
            first.id,
        )
        return
    cg: nx.Graph[str] = nx.Graph()
    cg.add_nodes_from(st.customer_steps)
    for c, nxt in st.customer_next.items():
        cg.add_edges_from((c, n) for n in nxt)
    comps = sorted(
        (sorted(c, key=lambda n: ctx.bp.by_id[n].index) for c in nx.connected_components(cg)),
        key=lambda c: ctx.bp.by_id[c[0]].index,
    )
    if len(comps) > 1:
        main = comps[0][0]
        for comp in comps[1:]:
            s = ctx.bp.by_id[comp[0]]
            yield Finding(
                s.pos,
                _(
                    "customer action '%(step)s' is not connected to the journey that starts at "
                    "'%(start)s'; add a flow that leads to it"
                )
                % {"step": s.id, "start": main},
                s.id,
            )


def _unattached(ctx, lane: str, partner) -> list:
    """Steps of ``lane`` whose group (linked within the lane) touches no partner lane."""
    g = ctx.structure.graph
    members = [s.id for s in ctx.bp.steps if s.lane == lane]
    sub = g.subgraph(members).to_undirected(as_view=True)
    out: list[str] = []
    for comp in nx.connected_components(sub):
        touches = any(
            ctx.structure.lane(m) in partner
            for n in comp
            for m in list(g.successors(n)) + list(g.predecessors(n))
        )
        if not touches:
            out.extend(comp)
    return sorted(out, key=lambda n: ctx.bp.by_id[n].index)


@rule("frontstage-unmet", "warning")
def frontstage_unmet(ctx):
    """A front-stage step that no customer action meets.

    Front-stage work is, by definition, visible to the customer. If neither it
    nor the front-stage steps linked to it touch a customer action, it is
    either back-stage work or a flow is missing.

    Fails::

        - id: fold-napkins
          lane: frontstage     # linked to nothing the customer does

    Passes::

        - id: fold-napkins
          lane: backstage
    """
    for n in _unattached(ctx, FRONTSTAGE, {CUSTOMER}):
        s = ctx.bp.by_id[n]
        yield Finding(
            s.pos,
            _(
                "front-stage step '%(step)s' is not linked to any customer action; "
                "is it back-stage work, or is a flow missing?"
            )
            % {"step": n},
            n,
        )


@rule("support-serves-nothing", "warning")
def support_serves_nothing(ctx):
    """A support process that serves no step of the service.

    Support processes (other departments, systems, suppliers) exist for the
    staff who serve the customer. One linked to no front-stage or back-stage
    work, directly or through other support steps, serves nothing on this
    blueprint.

    Fails::

        - id: crm
          lane: support        # no flow to or from any staff step

    Passes::

        - id: crm
          lane: support
          next: [confirm-booking]
    """
    for n in _unattached(ctx, SUPPORT, set(lanes_above(INTERNAL))):
        s = ctx.bp.by_id[n]
        yield Finding(
            s.pos,
            _("support process '%(step)s' serves no step: link it to the staff work it supports")
            % {"step": n},
            n,
        )


@rule("empty-lane", "warning")
def empty_lane(ctx):
    """A lane of the blueprint has no step.

    A blueprint shows all four lanes; an empty one usually means work was not
    yet mapped (who cooks? which system records the booking?). Turn the rule off
    for a blueprint that is deliberately partial.
    """
    used = {s.lane for s in ctx.bp.steps}
    pos = ctx.bp.positions.get("steps", ctx.bp.pos)
    for lane in LANES:
        if lane not in used:
            yield Finding(
                pos,
                _("no step is in the %(lane)s lane; map that work or turn this rule off")
                % {"lane": lane},
            )


@rule("empty-phase", "warning")
def empty_phase(ctx):
    """A declared phase has no step.

    Fails::

        phases: [{id: arrive, name: Arrive}, {id: leave, name: Leave}]   # no step in leave
    """
    used = {s.phase for s in ctx.bp.steps}
    for p in ctx.bp.phases:
        if p.id not in used:
            yield Finding(p.pos, _("phase '%(phase)s' has no step") % {"phase": p.id})


@rule("step-outside-phase", "warning")
def step_outside_phase(ctx):
    """Phases are declared but a step names none, so it has no column group.

    Fails::

        phases: [{id: arrive, name: Arrive}]
        steps:
          - id: enter            # no phase:

    Passes::

        steps:
          - id: enter
            phase: arrive
    """
    if not ctx.bp.phases:
        return
    for s in ctx.bp.steps:
        if s.phase is None:
            yield Finding(
                s.pos,
                _("step '%(step)s' has no phase; phases are declared, so name one")
                % {"step": s.id},
                s.id,
            )
