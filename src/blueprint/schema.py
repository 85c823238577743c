"""Check plain data against the JSON Schema and turn errors into problems."""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache

from blueprint.load import Document
from blueprint.problems import Problem, problem
from blueprint.resources import schema_text

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

_TYPE_NAMES = {
    "string": "a text", "object": "a mapping", "array": "a list", "integer": "a whole number",
    "number": "a number", "boolean": "true or false", "null": "nothing",
}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(schema_text())


def _inline_refs(node, definitions: dict):
    """The schema with every local ``$ref`` replaced by its definition.

    The format's schema is not recursive, and jsonschema resolves each ``$ref``
    anew for every value it checks: inlining halves the time of checking a
    blueprint of 100,000 steps. Messages do not change.
    """
    if isinstance(node, list):
        return [_inline_refs(v, definitions) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/") and ref[14:] in definitions:
        out = dict(_inline_refs(definitions[ref[14:]], definitions))
        for k, v in node.items():  # draft-07 ignores a $ref's siblings: keep them as notes only
            if k != "$ref":
                out.setdefault(k, v)
        return out
    return {k: (_inline_refs(v, definitions) if k != "definitions" else v) for k, v in node.items()}


@lru_cache(maxsize=1)
def _validator():
    import jsonschema  # imported lazily: only checks need it

    full = schema()
    return jsonschema.Draft7Validator(_inline_refs(full, full.get("definitions", {})))


def _kind(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        if value != value:
            return "not-a-number (.nan)"
        if value in (float("inf"), float("-inf")):
            return "infinity"
        return "a decimal number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _where(path: tuple, data=None) -> str:
    """A designer's name for the place: step 'greet' lane, phases[2] name..."""
    if not path:
        return "the file"
    head = ""
    rest = list(path)
    if len(path) >= 2 and path[0] in ("steps", "phases") and isinstance(path[1], int):
        item = data.get(path[0])[path[1]] if isinstance(data, dict) else None
        ident = item.get("id") if isinstance(item, dict) else None
        noun = "step" if path[0] == "steps" else "phase"
        head = f"{noun} '{ident}'" if isinstance(ident, str) and _ID.match(ident) else f"{noun} #{path[1] + 1}"
        rest = rest[2:]
    tail = ""
    for p in rest:
        tail += f"[{p}]" if isinstance(p, int) else (f".{p}" if tail or not head else f" {p}")
    return (head + tail) if head else tail.lstrip(".")


def _short(value, limit=40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _suggest(word, choices) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _types(schema_type) -> str:
    names = schema_type if isinstance(schema_type, list) else [schema_type]
    return " or ".join(_TYPE_NAMES.get(n, n) for n in names)


def _is_duration(err) -> bool:
    return "(s|sec|m|min|h|d|w)" in str(err.schema.get("pattern", ""))


def validate(doc: Document) -> list[Problem]:
    """Schema problems of ``doc``, one per offending key or value."""
    out: list[Problem] = []
    seen = set()
    for err in _validator().iter_errors(doc.data):
        path = tuple(err.absolute_path)
        v = err.validator
        if v == "additionalProperties" and isinstance(err.instance, dict):
            allowed = err.schema.get("properties", {})
            for key in err.instance:
                if key in allowed:
                    continue
                where = f" in {_where(path, doc.data)}" if path else ""
                out.append(problem(
                    doc.path, doc.key_pos(path + (key,)), "error",
                    f"unknown key '{key}'{where}{_suggest(key, allowed)}", "unknown-key",
                ))
            continue
        if v == "required":
            missing = err.message.split("'")[1] if "'" in err.message else err.message
            what = _where(path, doc.data) if path else "the blueprint"
            pos = doc.pos(path)
            out.append(problem(doc.path, pos, "error", f"{what} is missing required field '{missing}'", "missing-field"))
            continue
        pos = doc.pos(path)
        if v == "type":
            msg = f"{_where(path, doc.data)} should be {_types(err.validator_value)}, not {_kind(err.instance)}"
            rule = "wrong-type"
        elif v == "pattern" and _is_duration(err):
            msg = (f"'{_short(err.instance)}' is not a duration; write a number and a unit: "
                   "30s, 5m, 2h, 3d, 1w or 1h30m")
            rule = "bad-duration"
        elif v == "pattern":
            msg = f"'{_short(err.instance)}' is not a valid id for {_where(path, doc.data)}: start with a letter, then letters, digits, - or _"
            rule = "invalid-value"
        elif v == "enum":
            choices = err.validator_value
            msg = (f"{_where(path, doc.data)} is '{_short(err.instance)}', not one of: "
                   f"{', '.join(map(str, choices))}{_suggest(err.instance, choices)}")
            rule = "invalid-value"
        elif v == "const":
            got = f"'{_short(err.instance)}' (a text)" if isinstance(err.instance, str) else _short(err.instance)
            msg = f"{_where(path, doc.data)} must be {err.validator_value}, not {got}"
            rule = "invalid-value"
        elif v in ("minimum", "maximum"):
            msg = f"{_where(path, doc.data)} is {_short(err.instance)}; it must be between -2 and 2" if path and path[-1] == "emotion" \
                else f"{_where(path, doc.data)} is out of range: {err.message}"
            rule = "invalid-value"
        elif v == "minLength":
            msg = f"{_where(path, doc.data)} is empty"
            rule = "invalid-value"
        elif v == "minItems":
            msg = f"{_where(path, doc.data)} needs at least one entry"
            rule = "invalid-value"
        elif v == "propertyNames":
            continue  # reported through the nested pattern error below
        else:
            msg = f"{_where(path, doc.data)}: {err.message}"
            rule = "invalid-value"
        key = (pos, rule, msg)
        if key not in seen:
            seen.add(key)
            out.append(problem(doc.path, pos, "error", msg, rule))
    return out
