"""The checking pipeline for one file: load → schema → model → graph → rules."""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from blueprint.config import Config, find_config
from blueprint.load import load_yaml
from blueprint.messages import _
from blueprint.problems import Problem, did_you_mean, problem
from blueprint.vocab import printable

if TYPE_CHECKING:
    from blueprint.analysis import Analysis
    from blueprint.graph import Structure
    from blueprint.load import Document
    from blueprint.model import Blueprint
    from blueprint.rules import Context, Rule

QUOTE_LIMIT = 60  # characters of a quoted value shown in a message
MESSAGE_LIMIT = 1000


@dataclass
class Result:
    """Everything known about one checked file."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    blueprint: Blueprint | None = None  # when the file could be read
    structure: Structure | None = None  # when the graph rules ran
    context: Context | None = None  # when the graph rules ran
    document: Document | None = None  # kept by check_text (the language server reads its spans)

    @property
    def loaded(self) -> bool:
        """True when the file was read without errors and the graph rules ran."""
        return self.structure is not None

    @property
    def analysis(self) -> Analysis:
        """The analysis of a loaded file (computed once, on first use)."""
        if self.context is None:
            raise ValueError(f"{self.path} was not loaded, so it cannot be analysed")
        return self.context.analysis

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)


_LONG_QUOTE = re.compile(rf"'([^'\n]{{{QUOTE_LIMIT - 1}}})[^'\n]{{2,}}'")


def _readable(message: str) -> str:
    """A message that fits a log line: long quoted values (a 1 MB label, an
    id of 100,000 letters) are cut with an ellipsis, control characters shown."""
    if len(message) > 2 * QUOTE_LIMIT:
        message = _LONG_QUOTE.sub(lambda m: f"'{m[1]}…'", message)
        if len(message) > MESSAGE_LIMIT:
            message = message[: MESSAGE_LIMIT - 1] + "…"
    return printable(message)


def _printable(problems: list) -> list:
    out = []
    for p in problems:
        msg = _readable(p.message)
        out.append(p if msg is p.message else replace(p, message=msg))
    return out


def load_blueprint(path: str) -> tuple:
    """Read, schema-check and build one file: (blueprint or None, problems)."""
    bp, problems = _load_blueprint(load_yaml(path))
    return bp, _printable(problems)


def _parse_text(text: str, path: str) -> tuple[Document, list[Problem]]:
    """``text`` (an editor's unsaved buffer) as :func:`load_yaml` reads a file, with spans."""
    from blueprint.load import MAX_FILE_BYTES, Document, parse_yaml

    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1048576
        return Document(path), [
            problem(
                path,
                None,
                "error",
                f"file is {size / 1048576:.1f} MiB; the limit is {limit} MiB",
                "file-too-large",
            )
        ]
    return parse_yaml(text.removeprefix("\ufeff"), path, spans=True)


def _load_blueprint(loaded: tuple[Document, list[Problem]]) -> tuple:
    from blueprint import model, schema

    doc, problems = loaded
    path = doc.path
    if problems and doc.data is None:
        return None, problems
    if not isinstance(doc.data, dict):
        if doc.data is None:
            msg = _(
                "the file is empty (or only comments); "
                "a blueprint is a mapping that starts with 'blueprint: 1'"
            )
        elif isinstance(doc.data, list):
            msg = _(
                "the file holds a list at the top; "
                "a blueprint is a mapping that starts with 'blueprint: 1'"
            )
        else:
            msg = _(
                "the file holds a single value at the top; "
                "a blueprint is a mapping that starts with 'blueprint: 1'"
            )
        problems.append(
            problem(
                path,
                doc.pos(()),
                "error",
                msg,
                "not-a-blueprint",
            )
        )
        return None, problems
    problems.extend(schema.validate(doc))
    bp, more = model.build(doc)
    problems.extend(more)
    return bp, problems


def _near(word: str, known) -> str:
    return did_you_mean(word, sorted(known), cutoff=0.7)


def check_file(
    path: str, config: Config | None = None, *, only_load: bool = False, text: str | None = None
) -> Result:
    """Check one file. Never raises for bad input: all difficulties are problems.

    With ``text``, that text is checked as if it were the file's content (an
    editor's unsaved buffer): the configuration is still the one found upward
    from ``path``, and the result keeps the parsed document with its token
    spans (``Result.document``)."""
    # Checking builds millions of small objects and few reference cycles: the
    # cyclic GC would rescan them again and again (a fifth of the time at
    # 100,000 steps). It is paused for one file and runs again between files.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _check_file(path, config, only_load, text)
    finally:
        if gc_was_enabled:
            gc.enable()


def _check_file(path: str, config: Config | None, only_load: bool, text: str | None) -> Result:
    """Load, then (when loading found no error) settle each rule's level
    (:func:`_rule_levels`), warn about ignored rules that do not exist
    (:func:`_unknown_ignores`) and run the rules (:func:`_run_rules`)."""
    from blueprint.rules import Context, all_rules

    res = Result(path)
    if text is None:
        bp, problems = load_blueprint(path)
    else:
        loaded = _parse_text(text, path)
        res.document = loaded[0]
        bp, problems = _load_blueprint(loaded)
        problems = _printable(problems)
    res.blueprint = bp
    res.problems = problems
    if bp is None or any(p.severity == "error" for p in problems) or only_load:
        res.problems.sort(key=Problem.sort_key)
        return res
    rule_problems_from = len(res.problems)

    from blueprint.graph import Structure

    cfg = (
        config if config is not None else find_config(os.path.dirname(os.path.abspath(path)) or ".")
    )
    rules = all_rules()
    levels = _rule_levels(path, bp, rules, cfg, res.problems)
    res.problems.extend(_unknown_ignores(path, bp, rules))
    res.structure = Structure(bp)
    # heuristics the project turns off explicitly (their default 'off' only keeps them out of check's report;
    # the blueprint's own rules: settings are read by the analysis itself)
    ctx = res.context = Context(
        bp, res.structure, off={rid for rid, level in cfg.rules.items() if level == "off"}
    )
    res.problems.extend(_run_rules(path, ctx, rules, levels))
    res.problems[rule_problems_from:] = _printable(res.problems[rule_problems_from:])
    res.problems.sort(key=Problem.sort_key)
    return res


def _rule_levels(
    path: str, bp: Blueprint, rules: dict[str, Rule], cfg: Config, problems: list[Problem]
) -> dict[str, str]:
    """Each rule's level: its default, then the project's configuration, then
    the blueprint's ``rules:``; a ``rules:`` entry naming no rule, or a loading
    rule, is a problem (added to ``problems``) and changes nothing."""
    levels = {rid: r.severity for rid, r in rules.items()}
    levels.update(cfg.rules)
    for rid, (level, pos) in bp.rules.items():
        if rid not in rules:
            problems.append(
                problem(
                    path,
                    pos,
                    "error",
                    _("unknown rule '%(rule)s' in rules:%(hint)s")
                    % {"rule": rid, "hint": _near(rid, rules)},
                    "unknown-rule",
                )
            )
        elif rules[rid].stage == "load":
            problems.append(
                problem(
                    path,
                    pos,
                    "warning",
                    _(
                        "'%(rule)s' is a problem reading the file; it is always "
                        "an error and cannot be changed in rules:"
                    )
                    % {"rule": rid},
                    "unknown-rule",
                )
            )
        else:
            levels[rid] = level
    return levels


def _unknown_ignores(path: str, bp: Blueprint, rules: dict[str, Rule]) -> list[Problem]:
    """A warning for every id in a step's ``ignore:`` that names no rule."""
    out = []
    for s in bp.steps:
        for rid in sorted(s.ignore - rules.keys()):
            out.append(
                problem(
                    path,
                    s.ignore_pos.get(rid, s.pos),
                    "warning",
                    _("step '%(step)s' ignores unknown rule '%(rule)s'%(hint)s")
                    % {
                        "step": s.id,
                        "rule": rid,
                        "hint": _near(rid, rules) or _(" (blueprint rules lists them)"),
                    },
                    "unknown-rule",
                )
            )
    return out


def _run_rules(
    path: str, ctx: Context, rules: dict[str, Rule], levels: dict[str, str]
) -> list[Problem]:
    """The findings of every rule not turned off, at its level, less those a
    step ignores; a rule that crashes is reported as ``rule-error``."""
    bp = ctx.bp
    out = []
    for rid, r in rules.items():
        if r.check is None or levels.get(rid) == "off":
            continue
        try:
            for f in r.check(ctx):
                if f.step is not None and rid in bp.by_id[f.step].ignore:
                    continue
                out.append(problem(path, f.pos, levels[rid], f.message, rid))
        except Exception as exc:  # a crashing rule is a bug: report it, keep going
            out.append(
                problem(
                    path,
                    bp.pos,
                    "error",
                    f"rule '{rid}' crashed ({type(exc).__name__}: {exc}); please report this",
                    "rule-error",
                )
            )
    return out


def discover(paths: list[str]) -> tuple[list[str], list[Problem]]:
    """Files to check: files as given, folders searched for *.yaml and *.yml."""
    files, problems = [], []
    seen: set = set()

    def add(f: str) -> None:
        key = os.path.realpath(f)
        if key not in seen:  # the same file named twice is checked once
            seen.add(key)
            files.append(f)

    for p in paths:
        if os.path.isdir(p) and not p.endswith((".yaml", ".yml")):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in sorted(names):
                    f = os.path.join(root, n)
                    # hidden names (editor lock files such as .#x.yaml) and dangling links are not blueprints
                    if (
                        n.endswith((".yaml", ".yml"))
                        and not n.startswith(".")
                        and os.path.exists(f)
                    ):
                        add(f)
        elif os.path.exists(p) or os.path.islink(p):
            add(p)
        else:
            problems.append(
                problem(p, None, "error", _("no such file or folder"), "file-unreadable")
            )
    return files, problems
