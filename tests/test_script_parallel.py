"""The customer's script in the customer's own order (issue 14, point 5): 'then'
names the customer's next action, not a result of work that runs beside them,
and the staff met when that work joins them are told at that moment."""

from __future__ import annotations

from blueprint import lint, script
from blueprint.config import Config

RESTAURANT = """
blueprint: 1
id: t
title: T
rules: {empty-lane: off}
steps:
  - {id: a, lane: customer, text: Order, evidence: [Menu], next: [f]}
  - {id: f, lane: frontstage, text: "Take order, seat party", duration: 1m, next: [b, w]}
  - {id: b, lane: customer, text: Sit down, evidence: [Table], next: [c]}
  - {id: w, lane: backstage, text: Cook, duration: 10m, next: [g]}
  - {id: g, lane: frontstage, text: Serve, duration: 1m, next: [c]}
  - {id: c, lane: customer, text: Eat, evidence: [Dish]}
"""


def customer_steps(write, text: str) -> dict:
    res = lint.check_file(write(text), Config())
    assert res.loaded and not res.count("error"), [p.format() for p in res.problems]
    handout = script.build(res.blueprint, res.structure, res.context.analysis)
    (sc,) = script.select(handout, customer=True).scripts
    return {s.id: s for s in sc.steps}


def test_then_is_the_customers_own_next_action(write):
    steps = customer_steps(write, RESTAURANT)
    # after ordering the customer sits down; the dish (c) comes later, after b: one
    # plain next action, so no 'then' list is needed (it used to list b and c)
    assert steps["a"].branches == ()
    assert steps["b"].branches == ()


def test_the_waiter_serving_is_met_after_sitting_down(write):
    steps = customer_steps(write, RESTAURANT)
    assert [x.step for x in steps["a"].served_by] == ["f"]  # take order, seat party
    assert [x.step for x in steps["b"].served_by] == ["g"]  # serve, after sitting down


def test_alternatives_stay_in_then(write):
    # a conditional branch is a choice, never a result running beside the customer
    text = RESTAURANT.replace(
        "duration: 1m, next: [b, w]}",
        "duration: 1m, next: [{to: b, when: table free}, {to: w, when: takeaway}]}",
    )
    steps = customer_steps(write, text)
    assert [(x.step, x.when) for x in steps["a"].branches] == [
        ("b", "table free"),
        ("c", "takeaway"),
    ]
