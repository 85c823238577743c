"""Waits behind work that runs beside the customer (issue 14, point 1).

The customer does something else while staff or systems work in parallel; the
wait is where that work joins the customer's way again, measured from the
customer's last action before it. Every number is worked out by hand from the
durations, with the clock running from the end of the first customer action.
"""

from __future__ import annotations

from blueprint import lint, script
from blueprint.analysis import Analysis, analyze
from blueprint.config import Config
from blueprint.render.layout import badges_for
from conftest import ROOT

HEAD = """
blueprint: 1
id: t
title: T
rules: {empty-lane: off}
"""

# the restaurant: the waiter takes the order and seats the party (1m); the party
# sits down while the kitchen cooks (10m) and the waiter serves (1m)
RESTAURANT = (
    HEAD
    + """
steps:
  - {id: a, lane: customer, text: Order, evidence: [Menu], next: [f]}
  - {id: f, lane: frontstage, text: "Take order, seat party", duration: 1m, next: [b, w]}
  - {id: b, lane: customer, text: Sit down, evidence: [Table], next: [c]}
  - {id: w, lane: backstage, text: Cook, duration: 10m, next: [g]}
  - {id: g, lane: frontstage, text: Serve, duration: 1m, next: [c]}
  - {id: c, lane: customer, text: Eat, evidence: [Dish]}
"""
)


def checked(write, text: str):
    res = lint.check_file(write(text), Config())
    assert res.loaded and not res.count("error"), [p.format() for p in res.problems]
    return res


def analysed(write, text: str) -> Analysis:
    res = checked(write, text)
    return analyze(res.blueprint, res.structure)


def test_the_restaurant_waits_at_eat_behind_the_cooking(write):
    a = analysed(write, RESTAURANT)
    (w,) = a.wait_points
    # inferred at the join c, from the customer's last action before it (b, not a)
    assert (w.step, w.declared, w.after, w.path) == ("c", False, "b", ("w",))
    # f 0-1m; b (no duration) ends at 1m; w 1m-11m; g 11m-12m; c starts at 12m.
    # The customer waits from 1m to 11m for the invisible cooking: 11m - 1m = 10m;
    # 11m-12m is the waiter serving in front of them (service, not waiting).
    assert w.expected == w.estimate == (11 - 1) * 60
    assert w.kinds == ("unoccupied", "unexplained")  # f comes before: not pre-process
    assert "wait-inferred" in a.markers("c")


def test_the_restaurants_time_follows_the_customer_and_adds_up(write):
    a = analysed(write, RESTAURANT)
    c = a.timing.customer
    assert c.route == ("a", "b", "c")  # b is on the way: the route does not skip it
    # actions: a, b, c have no duration; service: f 1m + g 1m; waits: the 10m above
    assert (c.actions, c.service, c.waits) == (0, 2 * 60, 10 * 60)
    assert c.total == c.actions + c.service + c.waits == 12 * 60
    # the wait is counted once: the customer's total is the critical path f 1m + w 10m + g 1m
    assert a.timing.critical_seconds == (1 + 10 + 1) * 60
    assert c.untimed == ("a", "b", "c") and c.complete


def test_the_restaurants_wait_is_on_the_diagram_and_in_the_script(write):
    res = checked(write, RESTAURANT)
    a = res.context.analysis
    (badge,) = [b for b in badges_for("c", a, "en") if b.kind == "wait"]
    assert badge.text == "● Wait ~10m?" and not badge.declared
    handout = script.build(res.blueprint, res.structure, a)
    md = script.render(script.select(handout, customer=True), "md")
    eat = md[md.index("#### 3. Eat") :]
    assert "**Possible wait**: expected 10m" in eat
    assert "Possible wait" not in md[: md.index("#### 3. Eat")]


def test_a_sketch_without_durations_still_shows_the_possible_wait(write):
    text = RESTAURANT.replace(" duration: 1m,", "").replace(" duration: 10m,", "")
    a = analysed(write, text)
    (w,) = a.wait_points
    assert (w.step, w.after, w.path) == ("c", "b", ("w",))
    assert w.expected is None and w.missing_durations == ("w",)  # unknown, not zero
    assert not a.timing.customer.complete


# the hotel: the guest walks up to the room (3m) while the porter takes the bags
# up in the service lift (10m) and hands them over at the door (1m)
HOTEL = (
    HEAD
    + """
steps:
  - {id: arrive, lane: customer, text: Arrive at the desk, evidence: [Desk], next: [check-in]}
  - {id: check-in, lane: frontstage, text: Check the guest in, duration: 2m, next: [walk-up, carry]}
  - {id: walk-up, lane: customer, text: Walk up to the room, evidence: [Key card], duration: 3m, next: [receive]}
  - {id: carry, lane: backstage, text: Take the bags up in the service lift, duration: 10m, next: [deliver]}
  - {id: deliver, lane: frontstage, text: Hand over the bags at the door, duration: 1m, next: [receive]}
  - {id: receive, lane: customer, text: Receive the bags, evidence: [Bags]}
"""
)


def test_the_guest_waits_for_the_bags_only_after_walking_up(write):
    a = analysed(write, HOTEL)
    (w,) = a.wait_points
    assert (w.step, w.after, w.path) == ("receive", "walk-up", ("carry",))
    # check-in 0-2m; walk-up 2m-5m; carry 2m-12m; deliver 12m-13m.
    # The 3m of carrying while the guest walks is not a wait: 12m - 5m = 7m is.
    assert w.expected == (12 - 5) * 60
    c = a.timing.customer
    assert c.route == ("arrive", "walk-up", "receive")
    # actions: walk-up 3m; service: check-in 2m + deliver 1m; waits: 7m
    assert (c.actions, c.service, c.waits) == (3 * 60, 3 * 60, 7 * 60)
    assert c.total == 13 * 60  # receive starts when deliver ends


def test_bags_already_at_the_door_are_no_wait(write):
    # the guest stops at the bar on the way up: walk-up 15m, longer than carry 10m + deliver 1m
    a = analysed(write, HOTEL.replace("duration: 3m", "duration: 15m"))
    assert a.wait_points == []
    c = a.timing.customer
    # check-in 2m + walk-up 15m; the bags (2m + 10m + 1m = 13m) arrived before the guest
    assert (c.actions, c.service, c.waits, c.total) == (15 * 60, 2 * 60, 0, 17 * 60)


# the check-up: the patient goes home (1h) while the lab analyses the sample (2d),
# the doctor reviews it (1h) and a nurse phones the results through (5m)
LAB = (
    HEAD
    + """
steps:
  - {id: give-blood, lane: customer, text: Give a blood sample, evidence: [Lab room], duration: 5m, next: [draw]}
  - {id: draw, lane: frontstage, text: Draw blood, duration: 5m, next: [go-home, analyse]}
  - {id: go-home, lane: customer, text: Go home, evidence: [Appointment card], duration: 1h, next: [read]}
  - {id: analyse, lane: support, text: Analyse the sample, duration: 2d, next: [review]}
  - {id: review, lane: backstage, text: Review the results, duration: 1h, next: [phone]}
  - {id: phone, lane: frontstage, text: Phone the patient, duration: 5m, next: [read]}
  - {id: read, lane: customer, text: Write down the results, evidence: [Notepad], duration: 10m}
"""
)


def test_the_patient_waits_for_the_results_at_home(write):
    a = analysed(write, LAB)
    (w,) = a.wait_points
    assert (w.step, w.after, w.path) == ("read", "go-home", ("analyse", "review"))
    # from the end of give-blood: draw 0-5m; go-home 5m-1h5m; analyse 5m-2d5m;
    # review 2d5m-2d1h5m; phone 2d1h5m-2d1h10m.
    # after go-home: analyse (2d5m - 1h5m = 47h) + review 1h; the phone call is service
    assert w.expected == 47 * 3600 + 3600
    c = a.timing.customer
    assert c.route == ("give-blood", "go-home", "read")
    # actions: give-blood 5m + go-home 1h + read 10m; service: draw 5m + phone 5m; waits: 48h
    assert c.actions == 5 * 60 + 3600 + 10 * 60
    assert c.service == 5 * 60 + 5 * 60
    assert c.waits == 48 * 3600
    # give-blood 5m, then read starts at 2d1h10m and takes 10m
    assert c.total == 5 * 60 + (2 * 86400 + 3600 + 10 * 60) + 10 * 60


def test_a_declared_wait_beside_the_work_is_not_counted_twice(write):
    # the room is not ready: the guest waits in the lounge (declared 25m) while housekeeping
    # cleans the room (25m); the lounge wait is the wait for the room, so go-up gets no second one
    a = analysed(
        write,
        HEAD
        + """
steps:
  - {id: arrive, lane: customer, text: Arrive, evidence: [Desk], next: [check-in]}
  - {id: check-in, lane: frontstage, text: Say the room is not ready, duration: 1m, next: [lounge, clean]}
  - id: lounge
    lane: customer
    text: Wait in the lounge
    evidence: [Lounge]
    wait: {expected: 25m, tolerable: 45m, fill: A drink, explain: The key is brought over}
    next: [bring-key]
  - {id: clean, lane: backstage, text: Clean the room first, duration: 25m, next: [bring-key]}
  - {id: bring-key, lane: frontstage, text: Bring the key, duration: 2m, next: [go-up]}
  - {id: go-up, lane: customer, text: Go up, evidence: [Lift]}
""",
    )
    assert [(w.step, w.declared) for w in a.wait_points] == [("lounge", True)]
    c = a.timing.customer
    assert c.route == ("arrive", "lounge", "go-up")
    # service: check-in 1m + bring-key 2m; waits: the declared 25m (the cleaning runs beside it)
    assert (c.actions, c.service, c.waits) == (0, 3 * 60, 25 * 60)


def test_the_restaurant_in_docs_analysis_md_gives_what_it_shows(write, run):
    docs = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    part = docs[docs.index("### Waits behind work done in parallel") :]
    start = part.index("```yaml\n") + len("```yaml\n")
    yaml = part[start : part.index("```\n", start)]
    start = part.index("```console\n") + len("```console\n")
    shown = part[start : part.index("```\n", start)]
    path = write("blueprint: 1\nid: rest\ntitle: Restaurant\n" + yaml)
    lines = run("analyze", path).output.splitlines()
    for line in shown.splitlines():
        if line != "...":
            assert line in lines, line
