"""The change drawing: ``blueprint render NEW --diff OLD``.

A thin layer over the usual diagram. The new blueprint is drawn with the
removed steps put back as *ghosts* (:func:`with_ghosts`: each with its old
lane, phase and flows, so the layout places it where it was), and a
:class:`ChangeDecor` hands :mod:`.dot` the look of each box and arrow and a
legend of its own below the usual one. Nothing in the layout changes.

Added, changed and removed items differ by line style and by a written tag
(``+ new``, ``~ changed``, ``- removed``, in the blueprint's locale: i18n.DIAGRAM's ``diff.*``), not only by colour, so the drawing
reads in the mono theme and on a black-and-white printer too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from blueprint.analysis import Analysis
from blueprint.diff import KINDS, Diff
from blueprint.graph import Structure
from blueprint.model import Blueprint, Flow, Phase
from blueprint.render import layout as L
from blueprint.render import words
from blueprint.render.dot import COLOR, MONO, Theme, XDot

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
#: the kinds of change that do not mark their step as changed (the step itself came
#: or went, or its arrows or the journey's end changed): derived from diff.KINDS
_NOT_A_STEP_CHANGE = frozenset(
    k
    for k in KINDS
    if k in ("step-added", "step-removed") or k.partition("-")[0] in ("flow", "loop", "end")
)


@dataclass(frozen=True)
class Look:
    color: str
    style: str  # DOT style of the box's border
    penwidth: str
    fill: str


#: theme -> state -> look; mono differs by line style and tag alone
LOOKS: dict[str, dict[str, Look]] = {
    COLOR.name: {
        ADDED: Look("#1b7f3b", "rounded,filled,bold", "3", "#eefaf0"),
        CHANGED: Look("#b45309", "rounded,filled,dashed", "2.4", "#fff7e6"),
        REMOVED: Look("#8a8a8a", "rounded,filled,dotted", "1.6", "#f2f2f2"),
    },
    MONO.name: {
        ADDED: Look("#000000", "rounded,filled,bold", "3", "#ffffff"),
        CHANGED: Look("#000000", "rounded,filled,dashed", "2.4", "#ffffff"),
        REMOVED: Look("#777777", "rounded,filled,dotted", "1.6", "#eeeeee"),
    },
}
#: arrows: added ones drawn bold, removed ones (to and from ghosts too) dotted
EDGE_LOOKS: dict[str, dict[str, tuple[str, str, str]]] = {
    COLOR.name: {ADDED: ("#1b7f3b", "bold", "2.2"), REMOVED: ("#8a8a8a", "dotted", "1.2")},
    MONO.name: {ADDED: ("#000000", "bold", "2.2"), REMOVED: ("#777777", "dotted", "1.2")},
}
LEGEND_H = 40.0  # the strip below the usual legend
LEGEND_W = 600.0
TAG_FONT = 7.5


@dataclass
class ChangeDecor:
    """The marks of one diff, as the hooks of :func:`blueprint.render.dot.to_dot` want them."""

    theme: str
    steps: dict[str, str] = field(default_factory=dict)  # step id -> added / changed / removed
    flows: dict[tuple[str, str], str] = field(default_factory=dict)  # (source, target) -> state
    evidence: dict[str, str] = field(default_factory=dict)  # step id -> state of its evidence card
    legend_top: float = 0.0
    steps_drawn: int = 0  # steps of the drawing, ghosts included
    ghosts: int = 0

    def layout(self, lay: L.Layout) -> L.Layout:
        """Room for the change legend below the usual one; the title block counts
        the new blueprint's steps, not the ghosts."""
        self.legend_top = lay.height - L.MARGIN + 8
        width = max(lay.width, lay.legend_box[0] + LEGEND_W + L.MARGIN)
        title = lay.title
        counted = f"({self.steps_drawn} {words.word(lay.locale, 'steps')})"
        if self.ghosts and title.sub.endswith(counted):
            shown = f"({self.steps_drawn - self.ghosts} {words.word(lay.locale, 'steps')})"
            title = replace(title, sub=title.sub[: -len(counted)] + shown)
        return replace(lay, height=lay.height + LEGEND_H, width=width, title=title)

    def step_look(self, box: L.Box, look: dict[str, str]) -> dict[str, str]:
        state = self.steps.get(box.step or box.name)
        if state is None:
            return look
        lk = LOOKS[self.theme][state]
        out = {"style": lk.style, "fillcolor": lk.fill, "color": lk.color, "penwidth": lk.penwidth}
        if state == REMOVED:
            out["fontcolor"] = lk.color
        return out

    def evidence_look(self, box: L.Box, look: dict[str, str]) -> dict[str, str]:
        state = self.evidence.get(box.step or "")
        if state is None:
            return look
        lk = LOOKS[self.theme][state]
        return {
            **look,
            "style": _border(lk.style) + ",filled" if state != ADDED else "bold,filled",
            "color": lk.color,
            "penwidth": lk.penwidth,
        }

    def edge_look(self, arrow: L.Arrow, look: dict[str, str]) -> dict[str, str]:
        state = self.flows.get((arrow.source, arrow.target))
        if state is None:
            return look
        color, style, width = EDGE_LOOKS[self.theme][state]
        return {"color": color, "style": style, "penwidth": width}

    def background(self, x: XDot, lay: L.Layout, theme: Theme, font: str) -> None:
        looks = LOOKS[self.theme]
        # the tags, above the top right corner of each marked box
        x.font(TAG_FONT, font)
        for b in lay.boxes:
            state = self.steps.get(b.step or b.name) if b.kind != "evidence" else None
            if state is None:
                continue
            x.pen(looks[state].color)
            x.text(b.right - 2, b.top - 3, 1, words.word(lay.locale, f"diff.{state}"), L.SMALL_CELL)
        # the legend of the changes
        top = self.legend_top
        left, right = lay.legend_box[0], max(lay.legend_box[2], lay.legend_box[0] + LEGEND_W)
        x.pen(theme.grid)
        x.fill("#ffffff")
        x.style("solid")
        x.rect(left, top, right, top + LEGEND_H - 10)
        y = top + (LEGEND_H - 10) / 2
        sx = left + 10
        x.pen(theme.text)
        x.font(9.5, font)
        x.text(sx, y + 3.5, -1, words.word(lay.locale, "diff.legend"), 5.2)
        sx += 60
        for state in (ADDED, CHANGED, REMOVED):
            lk = looks[state]
            x.pen(lk.color)
            x.fill(lk.fill)
            x.style(_border(lk.style))
            x.style(f"setlinewidth({lk.penwidth})")
            x.rect(sx, y - 8, sx + 34, y + 8)
            x.style("setlinewidth(1)")
            x.style("solid")
            x.font(9.0, font)
            x.pen(theme.text)
            x.text(
                sx + 42, y + 3.5, -1, words.word(lay.locale, f"diff.{state}.step"), L.LEGEND_CELL
            )
            sx += 120
        for state in (ADDED, REMOVED):
            color, style, width = EDGE_LOOKS[self.theme][state]
            x.pen(color)
            x.style("solid" if style == "bold" else style)
            x.style(f"setlinewidth({width})")
            x.polyline([(sx, y), (sx + 34, y)])
            x.style("setlinewidth(1)")
            x.style("solid")
            x.pen(theme.text)
            x.text(
                sx + 42, y + 3.5, -1, words.word(lay.locale, f"diff.{state}.flow"), L.LEGEND_CELL
            )
            sx += 110


def _border(style: str) -> str:
    for s in ("dashed", "dotted"):
        if s in style:
            return s
    return "solid"


def with_ghosts(d: Diff) -> tuple[Blueprint, dict[tuple[str, str], str]]:
    """The new blueprint with the removed steps back in their old lanes, phases
    and flows (so the layout puts them where they were), and the removed flows
    between surviving steps; (source, target) -> REMOVED for every flow put back."""
    new, old = d.new.bp, d.old.bp
    mapping = {s.id: s.id for s in old.steps if s.id in new.by_id}
    mapping.update({o: n for o, n, _ in d.renamed})
    ghosts = [s for s in old.steps if s.id not in mapping]
    ghost_ids = {s.id for s in ghosts}

    def to_merged(step_id: str) -> str | None:
        if step_id in ghost_ids:
            return step_id
        return mapping.get(step_id)

    back: dict[str, list[Flow]] = {}
    removed: dict[tuple[str, str], str] = {}
    have = {(f.source, f.target) for f in new.flows()}
    for f in old.flows():
        src, tgt = to_merged(f.source), to_merged(f.target)
        if src is None or tgt is None or (src, tgt) in have or src == tgt:
            continue
        have.add((src, tgt))
        removed[(src, tgt)] = REMOVED
        back.setdefault(src, []).append(replace(f, source=src, target=tgt))
    phases = list(new.phases)
    known = {p.id for p in phases}
    for p in old.phases:
        if p.id not in known and any(g.phase == p.id for g in ghosts):
            phases.append(Phase(p.id, p.name, p.description, len(phases), p.pos))
            known.add(p.id)
    steps = [replace(s, flows=s.flows + tuple(back.get(s.id, ()))) for s in new.steps]
    n = len(steps)
    for i, g in enumerate(ghosts):
        steps.append(
            replace(
                g,
                index=n + i,
                evidence=(),
                role=g.role if g.role in new.roles else None,
                flows=tuple(back.get(g.id, ())),
            )
        )
    merged = replace(new, phases=phases, steps=steps)
    merged.by_id = {s.id: s for s in steps}
    return merged, removed


def change_drawing(d: Diff, theme: str) -> tuple[Blueprint, Analysis, ChangeDecor]:
    """What :func:`blueprint.render.render` needs to draw the change: the
    blueprint with its ghosts, the new analysis over it, and the decor."""
    merged, removed = with_ghosts(d)
    analysis = replace(d.new.analysis, bp=merged, structure=Structure(merged))
    decor = ChangeDecor(theme, steps_drawn=len(merged.steps))
    for ch in d.changes:
        if ch.step is None:
            continue
        if ch.kind == "step-added":
            decor.steps[ch.step] = ADDED
            decor.evidence[ch.step] = ADDED
        elif ch.kind in ("evidence-added", "evidence-removed"):
            decor.evidence.setdefault(ch.step, CHANGED)
            decor.steps.setdefault(ch.step, CHANGED)
        elif ch.kind == "step-removed":
            decor.steps[ch.step] = REMOVED
            decor.ghosts += 1
        elif ch.kind not in _NOT_A_STEP_CHANGE:
            decor.steps.setdefault(ch.step, CHANGED)
        elif ch.kind in ("flow-added", "loop-added", "flow-changed"):
            target = ch.get("target")
            if isinstance(target, str):
                decor.flows[(ch.step, target)] = ADDED
    decor.flows.update(removed)
    return merged, analysis, decor
