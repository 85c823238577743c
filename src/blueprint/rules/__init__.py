"""Rules over the blueprint graph.

A rule is a small function decorated with :func:`rule`: it gets a
:class:`Context` and yields :class:`Finding` values. Its id is kebab-case, it
has a default severity, and its docstring is its documentation (``blueprint
rules`` prints it, ``docs/rules.md`` is generated from it). The engine, not the
rule, stamps the id and the configured severity onto each problem.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from blueprint.problems import Pos

if TYPE_CHECKING:
    from blueprint.analysis import Analysis


@dataclass(frozen=True, slots=True)
class Finding:
    pos: Pos
    message: str
    step: str | None = None  # lets a step's `ignore:` silence it


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    check: Callable | None
    doc: str
    stage: str  # "load" (fixed, from reading the file) or "graph"

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, severity: str):
    def register(fn: Callable[..., Iterator[Finding]]):
        if rule_id in REGISTRY:  # pragma: no cover - programming error
            raise ValueError(f"rule {rule_id} registered twice")
        REGISTRY[rule_id] = Rule(rule_id, severity, fn, inspect.cleandoc(fn.__doc__ or ""), "graph")
        return fn

    return register


def load_rule(rule_id: str, doc: str) -> None:
    """Register a problem raised while reading a file (always an error)."""
    REGISTRY[rule_id] = Rule(rule_id, "error", None, inspect.cleandoc(doc), "load")


def all_rules() -> dict[str, Rule]:
    from blueprint.rules import loading, markers, structure, timing  # noqa: F401  (registration)

    return REGISTRY


class Context:
    """What a rule may look at: the model, the graph helpers and, lazily, the analysis."""

    def __init__(self, bp, structure, off=()):
        self.bp = bp
        self.off = frozenset(off)  # ids turned off by the project or the blueprint
        self.structure = structure
        self.graph = structure.graph
        self._analysis: Analysis | None = None

    @property
    def analysis(self) -> Analysis:
        if self._analysis is None:
            from blueprint.analysis import analyze

            self._analysis = analyze(self.bp, self.structure, off=self.off)
        return self._analysis
