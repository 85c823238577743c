"""What the language server answers, as pure functions of a :class:`Snapshot`.

Each function takes a snapshot (and a position in loader terms, 1-based, in
characters) and returns lsprotocol values in the client's position units; the
server (:mod:`blueprint.lsp.server`) only wires them to the protocol.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache

from lsprotocol import types

from blueprint import i18n, vocab
from blueprint.durations import format_duration
from blueprint.lsp.index import PHASE, ROLE, RULE, STEP, Occurrence, Snapshot, unquote
from blueprint.lsp.text import Buffer
from blueprint.model import Blueprint, Step
from blueprint.problems import Pos, Problem
from blueprint.resources import rule_doc_url, schema_text

SOURCE = "blueprint"
_SEVERITY = {
    vocab.ERROR: types.DiagnosticSeverity.Error,
    vocab.WARNING: types.DiagnosticSeverity.Warning,
    vocab.INFO: types.DiagnosticSeverity.Information,
}
_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")
_ID = re.compile(r"^[^\W\d][\w-]*$")

# --- diagnostics -----------------------------------------------------------------------


def diagnostics(snap: Snapshot) -> list[types.Diagnostic]:
    """Every problem ``check`` finds, on the exact span of the token it names."""
    return [_diagnostic(snap, p) for p in snap.result.problems]


def config_diagnostics(path: str, problems: list[Problem], encoding: str) -> list[types.Diagnostic]:
    """The problems of a project configuration file (``blueprint.toml``, ``pyproject.toml``),
    which ``check`` refuses to run with: shown in that file."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            buffer = Buffer(fh.read(), encoding)
    except OSError:
        buffer = Buffer("", encoding)
    return [_diagnostic(buffer, p, buffer.token_end(Pos(p.line, p.col))) for p in problems]


def _diagnostic(snap: Snapshot | Buffer, p: Problem, end: Pos | None = None) -> types.Diagnostic:
    start = Pos(p.line, p.col)
    buffer = snap.buffer if isinstance(snap, Snapshot) else snap
    if end is None and isinstance(snap, Snapshot):
        end = snap.end_of(start)
    return types.Diagnostic(
        range=buffer.range(start, end),
        message=p.message,
        severity=_SEVERITY.get(p.severity, types.DiagnosticSeverity.Warning),
        code=p.rule,
        code_description=types.CodeDescription(href=rule_doc_url(p.rule)),
        source=SOURCE,
    )


# --- completion ------------------------------------------------------------------------

#: the value completions for each key: step ids after next: and to:, ...
_VALUE_KINDS = {"next": STEP, "to": STEP, "role": ROLE, "phase": PHASE, "lane": "lane"}
_INLINE_VALUE = re.compile(
    r"(?:^|[\s{,\[])(next|to|role|phase|lane)\s*:\s*\[?(?:[^\[\]{}]*,\s*)?[^\s,\[\]{}]*$"
)
_RULES_ITEM = re.compile(r"(?:^|[\s{,\[])ignore\s*:\s*\[(?:[^\[\]]*,\s*)?[^\s,\[\]]*$")


def completion(snap: Snapshot, pos: Pos, bp: Blueprint | None) -> list[types.CompletionItem]:
    """Ids after ``next:``, ``to:``, ``role:``, ``phase:`` and ``lane:`` (and rule ids in
    ``ignore:`` and under ``rules:``), else the field names the schema allows here.
    ``bp`` is the newest blueprint that could be read (the buffer may not parse
    while it is being typed)."""
    text = snap.buffer.line(pos.line)[: pos.col - 1]
    m = _INLINE_VALUE.search(text)
    if m:
        return _values(_VALUE_KINDS[m[1]], bp)
    if _RULES_ITEM.search(text):
        return _values(RULE, bp)
    chain = snap.buffer.parents(pos.line, pos.col)
    item = re.match(r"^\s*(?:-\s+)+([^\s:]*)$", text)
    if item and chain:
        if chain[-1] in _VALUE_KINDS:
            return _values(_VALUE_KINDS[chain[-1]], bp)
        if chain[-1] == "ignore":
            return _values(RULE, bp)
        return _fields(chain + ["-"])
    if re.match(r"^\s*[^\s:#]*$", text):
        if chain == ["rules"]:
            return _values(RULE, bp)
        return _fields(chain)
    return []


def _values(kind: str, bp: Blueprint | None) -> list[types.CompletionItem]:
    out: list[types.CompletionItem] = []
    if kind == "lane":
        for i, lane in enumerate(vocab.LANES):
            out.append(_item(lane, i18n.lane_title(lane), types.CompletionItemKind.EnumMember, i))
    elif kind == RULE:
        from blueprint.rules import all_rules

        rules = [r for r in all_rules().values() if r.stage != "load"]
        for i, r in enumerate(sorted(rules, key=lambda r: r.id)):
            out.append(_item(r.id, r.summary, types.CompletionItemKind.Value, i, r.doc))
    elif bp is not None:
        if kind == STEP:
            for i, s in enumerate(bp.steps):
                out.append(_item(s.id, s.text, types.CompletionItemKind.Reference, i))
        elif kind == ROLE:
            for i, role in enumerate(bp.roles.values()):
                out.append(_item(role.id, role.name, types.CompletionItemKind.Reference, i))
        elif kind == PHASE:
            for i, ph in enumerate(bp.phases):
                out.append(_item(ph.id, ph.name, types.CompletionItemKind.Reference, i))
    return out


def _item(
    label: str, detail: str, kind: types.CompletionItemKind, order: int, doc: str = ""
) -> types.CompletionItem:
    return types.CompletionItem(
        label=label,
        detail=detail or None,
        kind=kind,
        sort_text=f"{order:06d}",
        documentation=types.MarkupContent(types.MarkupKind.PlainText, doc) if doc else None,
    )


@lru_cache(maxsize=1)
def _schema() -> dict:
    loaded = json.loads(schema_text())
    return loaded if isinstance(loaded, dict) else {}


def _resolve(node: object) -> dict:
    """A schema node with its $ref followed; of alternatives (oneOf/anyOf) the
    one that is a mapping or a list, which is what has fields or items."""
    for _ in range(10):
        if not isinstance(node, dict):
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            node = _schema().get("definitions", {}).get(ref.rsplit("/", 1)[1], {})
            continue
        alts = node.get("oneOf") or node.get("anyOf")
        if alts and "properties" not in node and "items" not in node:
            structured = [a for a in map(_resolve, alts) if "properties" in a or "items" in a]
            node = structured[0] if structured else {}
            continue
        return node
    return {}


def _schema_at(chain: list[str]) -> dict:
    node = _resolve(_schema())
    for key in chain:
        if key == "-":
            node = _resolve(node.get("items"))
            continue
        props = node.get("properties", {})
        if key in props:
            node = _resolve(props[key])
        elif isinstance(node.get("additionalProperties"), dict):
            node = _resolve(node["additionalProperties"])
        elif node.get("patternProperties"):
            node = _resolve(next(iter(node["patternProperties"].values())))
        else:
            return {}
    return node


def _fields(chain: list[str]) -> list[types.CompletionItem]:
    props = _schema_at(chain).get("properties", {})
    out = []
    for i, (name, spec) in enumerate(props.items()):
        desc = spec.get("description", "") if isinstance(spec, dict) else ""
        out.append(
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Field,
                detail=desc.split(". ")[0] if desc else None,
                documentation=types.MarkupContent(types.MarkupKind.PlainText, desc)
                if desc
                else None,
                insert_text=f"{name}: ",
                sort_text=f"{i:06d}",
            )
        )
    return out


# --- hover -----------------------------------------------------------------------------


def hover(snap: Snapshot, pos: Pos) -> types.Hover | None:
    o = snap.at(pos)
    if o is None:
        return None
    if o.kind == STEP and snap.bp is not None and o.id in snap.bp.by_id:
        text = _step_hover(snap, snap.bp.by_id[o.id])
    elif o.kind == RULE:
        from blueprint.rules import all_rules

        r = all_rules().get(o.id)
        if r is None:
            return None
        text = f"**{r.id}** ({r.severity})\n\n{r.doc}\n\n[documentation]({rule_doc_url(r.id)})"
    elif o.kind == ROLE and snap.bp is not None and o.id in snap.bp.roles:
        role = snap.bp.roles[o.id]
        text = f"**{role.id}**: role, {role.name}" + (
            f"\n\n{role.description}" if role.description else ""
        )
    elif o.kind == PHASE and snap.bp is not None:
        ph = next((p for p in snap.bp.phases if p.id == o.id), None)
        if ph is None:
            return None
        text = f"**{ph.id}**: phase {ph.index + 1}, {ph.name}" + (
            f"\n\n{ph.description}" if ph.description else ""
        )
    else:
        return None
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, text),
        range=snap.buffer.range(o.start, o.end),
    )


def _step_hover(snap: Snapshot, s: Step) -> str:
    """Lane, text, duration, wait, fail points (declared and inferred), standard."""
    lane = f"{s.lane} ({i18n.lane_title(s.lane)})" if s.lane in vocab.LANES else "?"
    lines = [f"**{s.id}**: {s.text}", "", f"- lane: {lane}"]
    if s.duration is not None:
        lines.append(f"- duration: {s.duration.text}")
    analysis = snap.result.analysis if snap.result.context is not None else None
    if s.wait is not None:
        w = s.wait
        said = ", ".join(
            f"{what} {d.text}"
            for what, d in (("expected", w.expected), ("tolerable", w.tolerable))
            if d is not None
        )
        lines.append(f"- wait (declared): {said or 'no times'}")
    if analysis is not None:
        for w in analysis.waits_at(s.id):
            if w.declared:
                continue
            over = ", over the tolerable time" if w.over_tolerance else ""
            lines.append(
                f"- wait (inferred): about {format_duration(w.expected)} after '{w.after}'{over}"
            )
    if s.fail is not None:
        lines.append(f"- fail point (declared): {s.fail.risk}")
    if analysis is not None:
        f = analysis.fail_at(s.id)
        if f is not None and f.reasons:
            for reason in f.reasons:
                lines.append(f"- fail point (inferred): {i18n.said_in(reason)}")
    if s.standard is not None:
        lines.append(f"- standard: {s.standard.text}" + _met(snap, s))
    if analysis is None:
        lines += ["", "_(the analysis runs once the file has no errors)_"]
    return "\n".join(lines)


def _met(snap: Snapshot, s: Step) -> str:
    if snap.result.context is None:
        return ""
    for sc in snap.result.analysis.timing.standards:
        if sc.step == s.id:
            if sc.status == "met":
                return f" (met: {format_duration(sc.duration)} within {format_duration(sc.within)})"
            if sc.status == "exceeded":
                return (
                    f" (NOT met: {format_duration(sc.duration)}, over "
                    f"{format_duration(sc.over)} beyond {format_duration(sc.within)})"
                )
            if sc.status == "untimed":
                return " (cannot tell: the step has no duration)"
            return " (no time limit: add within:)"
    return ""


# --- definition, references, rename ----------------------------------------------------


def _location(snap: Snapshot, uri: str, o: Occurrence) -> types.Location:
    return types.Location(uri, snap.buffer.range(o.start, o.end))


def definition(snap: Snapshot, uri: str, pos: Pos) -> list[types.Location]:
    o = snap.at(pos)
    if o is None or o.kind == RULE:
        return []
    return [_location(snap, uri, d) for d in snap.named(o.kind, o.id) if d.definition]


def references(
    snap: Snapshot, uri: str, pos: Pos, include_declaration: bool = True
) -> list[types.Location]:
    o = snap.at(pos)
    if o is None or o.kind == RULE:
        return []
    return [
        _location(snap, uri, r)
        for r in snap.named(o.kind, o.id)
        if include_declaration or not r.definition
    ]


def prepare_rename(snap: Snapshot, pos: Pos) -> types.Range | None:
    o = snap.at(pos)
    if o is None or o.kind != STEP:
        return None
    return snap.buffer.range(o.start, o.end)


class RenameError(ValueError):
    pass


def rename(snap: Snapshot, uri: str, pos: Pos, new_name: str) -> types.WorkspaceEdit | None:
    """Every place the step id at ``pos`` is written, replaced by ``new_name``
    (keeping each place's quotes); nothing else in the file changes."""
    o = snap.at(pos)
    if o is None or o.kind != STEP:
        return None
    if not _ID.match(new_name) or "\n" in new_name:
        raise RenameError(f"'{new_name}' is not an id: a letter, then letters, digits, - and _")
    if new_name != o.id and snap.named(STEP, new_name):
        raise RenameError(f"a step '{new_name}' already exists")
    edits = [
        types.TextEdit(snap.buffer.range(r.start, r.end), _requote(snap, r, new_name))
        for r in snap.named(STEP, o.id)
    ]
    return types.WorkspaceEdit(changes={uri: edits})


def _requote(snap: Snapshot, o: Occurrence, new: str) -> str:
    quote = snap.token_text(o.start, o.end)[:1]
    if quote == "'":
        return f"'{new}'"
    if quote == '"':
        return f'"{new}"'
    return new


# --- code actions ----------------------------------------------------------------------


def code_actions(
    snap: Snapshot, uri: str, rng: types.Range, context: Sequence[types.Diagnostic]
) -> list[types.CodeAction]:
    """Did-you-mean fixes, ``ignore:`` a rule for this step, ``evidence: []``."""
    out: list[types.CodeAction] = []
    evidence_for: set[int] = set()
    for d in context:
        start = snap.buffer.pos(d.range.start)
        end = snap.buffer.pos(d.range.end)
        m = _DID_YOU_MEAN.search(d.message)
        token = unquote(snap.token_text(start, end))
        if m and token and f"'{token}'" in d.message:
            new = m[1]
            quote = snap.token_text(start, end)[:1]
            if quote in "'\"":
                new = f"{quote}{new}{quote}"
            out.append(_action(f"Change to '{m[1]}'", uri, [types.TextEdit(d.range, new)], d, True))
        i = snap.step_at_line(start.line)
        if i is None or not isinstance(d.code, str):
            continue
        if d.code == "missing-evidence":
            evidence_for.add(i)
        edit = _ignore_edit(snap, i, d.code)
        if edit is not None:
            sid = snap.raw_step(i).get("id", "?")
            out.append(_action(f"Ignore '{d.code}' for step '{sid}'", uri, [edit], d))
    here = snap.step_at_line(snap.buffer.pos(rng.start).line)
    if here is not None and snap.bp is not None:
        step = _step_of(snap, here)
        if step is not None and step.lane == vocab.CUSTOMER and not step.evidence:
            evidence_for.add(here)
    for i in sorted(evidence_for):
        edit = _insert_field(snap, i, "evidence", "[]")
        if edit is not None:
            out.append(_action("Add an empty 'evidence:' list", uri, [edit]))
    return out


def _action(
    title: str,
    uri: str,
    edits: list[types.TextEdit],
    diagnostic: types.Diagnostic | None = None,
    preferred: bool = False,
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic] if diagnostic else None,
        is_preferred=preferred or None,
        edit=types.WorkspaceEdit(changes={uri: edits}),
    )


def _step_of(snap: Snapshot, i: int) -> Step | None:
    if snap.bp is None or snap.doc is None:
        return None
    sid = snap.raw_step(i).get("id")
    return snap.bp.by_id.get(sid) if isinstance(sid, str) else None


def _block_key_col(snap: Snapshot, i: int) -> int | None:
    """The column of the keys of step ``i`` when it is written as a block
    mapping (``- id: x`` and its keys below), else None (``- {id: x, ...}``)."""
    raw = snap.raw_step(i)
    if not raw or snap.doc is None:
        return None
    start = snap.doc.values.get(("steps", i))
    if start is None or snap.buffer.line(start.line)[start.col - 1 : start.col] == "{":
        return None
    return start.col


def _insert_field(snap: Snapshot, i: int, key: str, value: str) -> types.TextEdit | None:
    """A new ``key: value`` line at the top of block step ``i``, after its first line."""
    col = _block_key_col(snap, i)
    raw = snap.raw_step(i)
    if col is None or key in raw or snap.doc is None:
        return None
    first = snap.doc.keys.get(("steps", i, next(iter(raw))))
    if first is None:
        return None
    line = first.line
    # after the first key's value (a block text may run over several lines)
    first_value = snap.doc.values.get(("steps", i, next(iter(raw))))
    if first_value is not None:
        line = max(line, snap.end_of(first_value).line)
    at = Pos(line, len(snap.buffer.line(line)) + 1)
    return types.TextEdit(snap.buffer.range(at), f"\n{' ' * (col - 1)}{key}: {value}")


def _ignore_edit(snap: Snapshot, i: int, rule_id: str) -> types.TextEdit | None:
    """``rule_id`` added to step ``i``'s ``ignore:`` (or a new ``ignore: [rule_id]``)."""
    from blueprint.rules import all_rules

    r = all_rules().get(rule_id)
    if r is None or r.stage == "load" or snap.doc is None:
        return None
    raw = snap.raw_step(i)
    if not raw:
        return None
    ign = raw.get("ignore")
    if ign is None:
        return _insert_field(snap, i, "ignore", f"[{rule_id}]")
    if not isinstance(ign, list) or rule_id in ign:
        return None
    where = snap.doc.values.get(("steps", i, "ignore"))
    if where is None:
        return None
    if snap.buffer.line(where.line)[where.col - 1 : where.col] == "[":
        # a flow list: the new id before its closing bracket
        text = snap.buffer.line(where.line)
        close = text.find("]", where.col)
        if close < 0:
            return None
        sep = ", " if ign else ""
        return types.TextEdit(snap.buffer.range(Pos(where.line, close + 1)), f"{sep}{rule_id}")
    last = snap.doc.values.get(("steps", i, "ignore", len(ign) - 1))
    if last is None:
        return None
    end = snap.end_of(last)
    dash = snap.buffer.line(last.line).rfind("-", 0, last.col - 1)
    if dash < 0:
        return None
    return types.TextEdit(
        snap.buffer.range(Pos(end.line, len(snap.buffer.line(end.line)) + 1)),
        f"\n{' ' * dash}- {rule_id}",
    )


# --- document symbols ------------------------------------------------------------------


def symbols(snap: Snapshot) -> list[types.DocumentSymbol]:
    """The phases, each with its steps; steps without a phase after them."""
    if snap.bp is None:
        return []
    by_phase: dict[str | None, list[types.DocumentSymbol]] = {}
    for s in snap.bp.steps:
        occ = [o for o in snap.named(STEP, s.id) if o.definition]
        if not occ:
            continue
        o = occ[0]
        rng = snap.buffer.range(o.start, o.end)
        by_phase.setdefault(s.phase, []).append(
            types.DocumentSymbol(
                name=s.id,
                detail=s.text,
                kind=types.SymbolKind.Event,
                range=rng,
                selection_range=rng,
            )
        )
    out = []
    for ph in snap.bp.phases:
        occ = [o for o in snap.named(PHASE, ph.id) if o.definition]
        if not occ:
            continue
        rng = snap.buffer.range(occ[0].start, occ[0].end)
        out.append(
            types.DocumentSymbol(
                name=ph.id,
                detail=ph.name,
                kind=types.SymbolKind.Namespace,
                range=rng,
                selection_range=rng,
                children=by_phase.pop(ph.id, []),
            )
        )
    for rest in by_phase.values():  # steps without a phase, or with an unknown one
        out.extend(rest)
    return out
