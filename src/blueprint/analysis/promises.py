"""Promised times: standards timed from another step, in working days, as
windows around a promised time, and follow-ups (docs/analysis.md, "Promises").

The clock of a promise starts when its trigger step (``from:``) ends. It stops
when the step that keeps the promise ends (``within:``) or starts (``after:``,
``at:`` with ``window:``). The time in between is the longest path of the normal
flow from the trigger to the step: every step's duration and every declared
wait (``wait: {expected}``) on the way. Customer actions without a duration
count as 0, as in the customer's time; a staff or support step without one
makes the answer unknown, and the check names it.

Working days (``within: 3wd``) are counted as offices count them: the day on
which the clock starts is day 0 (or, when it starts after closing time or on a
day off, the next working day is), and the promise is kept until closing time
of the third working day after it. Without ``start:`` the worst start is
assumed: closing time of the working day that leaves the least time.
"""

from __future__ import annotations

import re

from blueprint.analysis.findings import StandardCheck
from blueprint.analysis.flow import FlowDag
from blueprint.durations import format_duration, parse_duration
from blueprint.model import WEEKDAYS, Calendar, Standard

DAY = 86400.0
WEEK = 7 * DAY


def parse_start(text: str) -> float | None:
    """``fri 16:00`` as seconds after Monday 00:00, or None."""
    parts = text.split()
    if len(parts) != 2 or parts[0] not in WEEKDAYS or len(parts[1]) != 5:
        return None
    hh, mm = parts[1][:2], parts[1][3:]
    if not (hh.isdigit() and mm.isdigit()):
        return None
    return WEEKDAYS.index(parts[0]) * DAY + int(hh) * 3600 + int(mm) * 60


def format_start(t: float) -> str:
    """Seconds after a Monday 00:00 as ``fri 16:00``."""
    t = t % WEEK
    day, rest = divmod(int(round(t)), int(DAY))
    return f"{WEEKDAYS[day]} {rest // 3600:02d}:{rest % 3600 // 60:02d}"


def deadline(cal: Calendar, start: float, days: int) -> float:
    """When a promise of ``days`` working days that starts at ``start`` runs out:
    closing time of the ``days``-th working day after the day it is received on.

    ``start`` and the answer are seconds after a Monday 00:00 (the answer may be
    weeks later). Received on a working day before closing time: that day is
    day 0; otherwise the next working day is.
    """
    closes = cal.opens * 60.0 + cal.hours * 3600
    work = {WEEKDAYS.index(d) for d in cal.days}
    day = int(start // DAY)
    if not (day % 7 in work and start - day * DAY <= closes):
        day += 1
        while day % 7 not in work:
            day += 1
    counted = 0
    while counted < days:
        day += 1
        if day % 7 in work:
            counted += 1
    return day * DAY + closes


def worst_start(cal: Calendar, days: int) -> float:
    """The start that leaves the least time: closing time of the working day whose
    deadline comes soonest after it (the first in the week on ties)."""
    closes = cal.opens * 60.0 + cal.hours * 3600
    starts = [WEEKDAYS.index(d) * DAY + closes for d in cal.days]  # the last moment open
    return min(starts, key=lambda t: (deadline(cal, t, days) - t, t))


class _FromTrigger:
    """Longest paths from the end of one trigger step to the steps it leads to, up
    to the last (in flow order) of the steps whose promises it times: computed once
    and shared by those promises. Flow order is a topological order of the normal
    flow, so no path to those steps goes through a later step."""

    def __init__(self, dag: FlowDag, trigger: str, last: int):
        by_id = dag.bp.by_id
        rank = dag.rank
        self.dag = dag
        self.seen: set = set()
        stack = [trigger]
        while stack:
            for v in dag.succ[stack.pop()]:
                if v not in self.seen and rank[v] <= last:
                    self.seen.add(v)
                    stack.append(v)

        def weight(n: str) -> float:  # the step's duration and the customer's declared wait
            s = by_id[n]
            wait = s.wait.expected.seconds if s.wait and s.wait.expected else 0.0
            return wait + (dag.duration[n] or 0.0)

        self.dist, _ = dag.longest(self.seen, weight, sources=[trigger])
        # whether a step without a duration lies on some path from the trigger to a step
        self.missing_before: dict = {}
        for n in sorted(self.seen, key=dag.rank.__getitem__):
            self.missing_before[n] = any(
                self.missing_before[u] or self.untimed(u) for u in dag.pred[n] if u in self.seen
            )

    def untimed(self, n: str) -> bool:
        """A staff or support step without a duration (customer actions count as 0)."""
        return self.dag.duration[n] is None and self.dag.lane[n] != "customer"

    def missing(self, target: str) -> tuple:
        """The untimed steps between the trigger and ``target`` (walked back only when some are)."""
        dag = self.dag
        back, stack = {target}, [target]
        while stack:
            for u in dag.pred[stack.pop()]:
                if u not in back and u in self.seen:
                    back.add(u)
                    stack.append(u)
        return tuple(n for n in sorted(back, key=dag.rank.__getitem__) if self.untimed(n))


def _last_target(dag: FlowDag, trigger: str) -> int:
    """The flow-order rank of the last step whose promise is timed from ``trigger``."""
    last = dag.__dict__.get("_promises_last")
    if last is None:
        last = {}
        for s in dag.bp.steps:
            t = s.standard.trigger if s.standard else None
            if t is not None and s.id in dag.rank:
                last[t] = max(last.get(t, -1), dag.rank[s.id])
        dag.__dict__["_promises_last"] = last
    return last.get(trigger, -1)


def _elapsed(dag: FlowDag, trigger: str, target: str, *, to_end: bool):
    """(seconds or None, known seconds, missing step ids, reached) from the end of
    ``trigger`` to the end (``to_end``) or start of ``target``."""
    if trigger not in dag.succ:  # an unknown step (check reports it): nothing to time from
        return None, 0.0, (), False
    if target == trigger:
        return 0.0, 0.0, (), True
    cache = dag.__dict__.setdefault("_promises_from", {})
    if trigger not in cache:
        cache[trigger] = _FromTrigger(dag, trigger, _last_target(dag, trigger))
    ft = cache[trigger]
    if target not in ft.seen:
        return None, 0.0, (), False
    known = ft.dist[target]
    if not to_end:  # the step starts after its declared wait, before its own duration
        known -= dag.duration[target] or 0.0
    missing: tuple = ()
    if ft.missing_before[target] or (to_end and ft.untimed(target)):
        missing = tuple(n for n in ft.missing(target) if to_end or n != target)
    return (None if missing else known), known, missing, True


def check(dag: FlowDag, step_id: str, std: Standard) -> StandardCheck:
    """The promise of ``std`` on step ``step_id``, checked along the flow."""
    cal = dag.bp.calendar
    kind = std.kind
    own = dag.duration[step_id]
    kind_s, trigger, limit = kind, std.trigger, _limit_text(std)
    window = std.window.seconds if std.window else (0.0 if kind == "window" else None)
    if std.trigger is None:  # working days on the step's own duration
        elapsed, known = own, own or 0.0
        missing = () if own is not None else (step_id,)
        reached = True
    else:
        elapsed, known, missing, reached = _elapsed(
            dag, std.trigger, step_id, to_end=kind == "within"
        )
    if not reached or elapsed is None:
        return StandardCheck(
            step_id,
            std.text,
            _seconds(std),
            own,
            "unknown",
            elapsed=None,
            at_least=known if missing else None,
            missing=missing,
            unreachable=not reached,
            kind=kind_s,
            trigger=trigger,
            limit=limit,
            window=window,
        )
    status, excess, start, worst = "met", None, "", False
    if kind == "within" and std.within and std.within.working_days is not None:
        days = int(std.within.working_days)
        t0 = parse_start(std.start) if std.start else None
        if t0 is None:
            t0, worst = worst_start(cal, days), True
        end = deadline(cal, t0, days)
        start = format_start(t0)
        if t0 + elapsed > end:
            status, excess = "exceeded", t0 + elapsed - end
    elif kind == "within" and std.within:
        if elapsed > std.within.seconds:
            status, excess = "exceeded", elapsed - std.within.seconds
    elif kind == "after" and std.after:
        if elapsed > std.after.seconds:
            status, excess = "exceeded", elapsed - std.after.seconds
    elif kind == "window" and std.at:
        w = std.window.seconds if std.window else 0.0
        if elapsed > std.at.seconds + w:
            status, excess = "exceeded", elapsed - std.at.seconds - w
        elif elapsed < std.at.seconds - w:
            status, excess = "early", std.at.seconds - w - elapsed
    return StandardCheck(
        step_id,
        std.text,
        _seconds(std),
        own,
        status,
        elapsed=elapsed,
        excess=excess,
        start=start,
        worst_start=worst,
        kind=kind_s,
        trigger=trigger,
        limit=limit,
        window=window,
    )


def _seconds(std: Standard) -> float | None:
    """The promised time in seconds (None for working days: their length depends on the start)."""
    if std.within is not None:
        return None if std.within.working_days is not None else std.within.seconds
    if std.after is not None:
        return std.after.seconds
    if std.at is not None:
        return std.at.seconds
    return None


def _limit_text(std: Standard) -> str:
    for d in (std.within, std.after, std.at):
        if d is not None:
            return d.text
    return ""


_PART = re.compile(r"(\d+)([dhms])")


def _words_duration(seconds: float | None, words: dict) -> str:
    """A duration in the units of ``words`` (i18n.WORDS of a locale)."""
    parts = _PART.findall(format_duration(seconds))
    return words["unit_sep"].join(f"{n}{words['unit_' + u]}" for n, u in parts)


def limit_words(c: StandardCheck, words: dict) -> str:
    """The promised time alone, in the words of a locale: 3 working days, 48h."""
    if c.limit.endswith("wd"):
        days = c.limit[:-2].strip()
        return words["working_day_fmt" if days == "1" else "working_days_fmt"].format(days)
    return _words_duration(parse_duration(c.limit), words)


def window_words(c: StandardCheck, words: dict) -> str:
    return _words_duration(c.window, words)


def promise_words(c: StandardCheck, words: dict, trigger: str | None = None) -> str:
    """A promise in the words of a locale (i18n.WORDS): within 3 working days of
    “phone-complaint”. ``trigger`` names the trigger step (default: its id)."""
    limit = limit_words(c, words)
    if c.trigger is None:
        return limit
    name = trigger if trigger is not None else c.trigger
    if c.kind == "after":
        return words["promise_after_fmt"].format(limit, name)
    if c.kind == "window":
        return words["promise_window_fmt"].format(limit, _words_duration(c.window, words), name)
    return words["promise_within_fmt"].format(limit, name)
