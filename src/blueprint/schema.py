"""Check plain data against the JSON Schema and turn errors into problems."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from blueprint import vocab
from blueprint.load import Document
from blueprint.messages import N_, _, pgettext
from blueprint.problems import Problem, did_you_mean, problem
from blueprint.resources import schema_text

if TYPE_CHECKING:
    from jsonschema import ValidationError

_TYPE_NAMES = {
    "string": N_("a text"),
    "object": N_("a mapping (key: value lines)"),
    "array": N_("a list"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
    "null": N_("nothing"),
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


def _finite(v) -> bool:
    """A number as JSON holds it: infinity (.inf, 1e999, a number of 5,000 digits)
    and not-a-number (.nan) are no numbers of the format."""
    return not isinstance(v, float) or math.isfinite(v)


@lru_cache(maxsize=1)
def _validator():
    import jsonschema  # imported lazily: only checks need it

    full = schema()
    base = jsonschema.Draft7Validator
    types = base.TYPE_CHECKER.redefine_many(
        {
            "number": lambda _checker, v: _TYPES["number"](v),
            "integer": lambda _checker, v: _TYPES["integer"](v),
        }
    )
    validator = jsonschema.validators.extend(base, type_checker=types)
    return validator(_inline_refs(full, full.get("definitions", {})))


def _kind(value) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int):
        return _("a number")
    if isinstance(value, float):
        if value != value:
            return _("not-a-number (.nan)")
        if value in (float("inf"), float("-inf")):
            return _("infinity")
        return _("a decimal number")
    if isinstance(value, str):
        return _("a text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


def _where(path: tuple, data=None) -> str:
    """A designer's name for the place: step 'greet' lane, phases[2] name..."""
    if not path:
        return _("the file")
    head = ""
    rest = list(path)
    if len(path) >= 2 and path[0] in ("steps", "phases") and isinstance(path[1], int):
        items = data.get(path[0]) if isinstance(data, dict) else None
        item = items[path[1]] if isinstance(items, list) else None
        ident = item.get("id") if isinstance(item, dict) else None
        named = isinstance(ident, str) and re.match(schema()["definitions"]["id"]["pattern"], ident)
        if path[0] == "steps":
            head = _("step '%(id)s'") % {"id": ident} if named else _("step #%(n)d")
        else:
            head = _("phase '%(id)s'") % {"id": ident} if named else _("phase #%(n)d")
        head = head if named else head % {"n": path[1] + 1}
        rest = rest[2:]
    tail = ""
    for p in rest:
        tail += f"[{p}]" if isinstance(p, int) else (f".{p}" if tail or not head else f" {p}")
    if not head:
        # TRANSLATORS: a field of the format (title, steps[2].next), written as it is in YAML
        return pgettext("field", "%(field)s") % {"field": tail.lstrip(".")}
    if tail.startswith(" "):
        # TRANSLATORS: a field of a step or a phase: step 'greet' lane, step #3 evidence[0]
        return _("%(item)s %(field)s") % {"item": head, "field": tail[1:]}
    return head + tail


def _short(value, limit=40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _not_finite(doc: Document, path: tuple, err) -> Problem:
    """One problem for a number that is not finite, whatever the schema wanted there."""
    written = doc.numbers.get(path)
    if err.instance != err.instance:
        what = _("%(written)s (not a number), not a finite number") % {"written": written or ".nan"}
    elif written is None or written.lstrip("+-").lower() in (".inf", "inf"):
        what = _("%(written)s (infinity), not a finite number") % {"written": written or ".inf"}
    else:
        shown = _short(written)
        if shown != written:
            shown = _("%(shown)s (%(count)s characters)") % {
                "shown": shown,
                "count": f"{len(written):,}",
            }
        what = _("%(written)s, a number too large to hold") % {"written": shown}
    types = err.schema.get("type") if isinstance(err.schema, dict) else None
    names = types if isinstance(types, list) else [types]
    if _is_duration(err):
        hint = _("; write a duration with a unit, such as 90m")
    elif "string" in names:
        hint = _("; put it in quotes to keep it as text")
    elif "integer" in names:
        hint = _("; write a whole number")
    elif "const" in err.schema:
        hint = _("; write %(value)s") % {"value": err.schema["const"]}
    elif path and path[-1] == "emotion":
        hint = _("; write a number within emotion_scale (default -2 to 2)")
    else:
        hint = _("; write a number between -1.8e308 and 1.8e308")
    return problem(
        doc.path,
        doc.pos(path),
        "error",
        _("%(where)s is %(what)s%(hint)s")
        % {"where": _where(path, doc.data), "what": what, "hint": hint},
        "wrong-type",
    )


def _suggest(word, choices) -> str:
    return did_you_mean(word, choices)


#: lane names designers write in Chinese (DOMAIN.md §1), to suggest the lane id
_LANE_WORDS = {
    w: lane
    for lane, words in {
        vocab.CUSTOMER: ("顾客", "顧客", "顾客行为", "顧客行為", "客户", "客戶"),
        vocab.FRONTSTAGE: (
            "前台",
            "前台员工",
            "前台員工",
            "前台员工行为",
            "前台員工行為",
            "前台行为",
            "前台行為",
        ),
        vocab.BACKSTAGE: (
            "后台",
            "後台",
            "后台员工",
            "後台員工",
            "后台员工行为",
            "後台員工行為",
            "后台行为",
            "後台行為",
        ),
        vocab.SUPPORT: ("支持", "支持过程", "支持過程", "支持系统", "支持系統"),
    }.items()
    for w in words
}


def _types(schema_type) -> str:
    names: list[str] = schema_type if isinstance(schema_type, list) else [schema_type]
    return _(" or ").join(_(_TYPE_NAMES[n]) if n in _TYPE_NAMES else n for n in names)


def _is_duration(err) -> bool:
    """The error is about a duration, or a promise's limit (a duration or working days)."""
    return err.schema.get("pattern") in (vocab.DURATION_PATTERN, vocab.LIMIT_PATTERN)


# --- a fast yes/no check -------------------------------------------------------------
#
# jsonschema spends some 30 microseconds on each value; a blueprint of 100,000
# steps has over a million. Most files are valid, so the schema is first compiled
# into plain Python predicates that only answer "valid?"; jsonschema runs only
# when the answer is no, to find and word the problems. The predicates are
# built from the schema itself (it stays the single source of truth) and cover
# the keywords the format uses; a schema with any other keyword is not compiled
# and jsonschema checks every file. tests/test_schema_fast.py holds the two to
# the same answers.

_ANNOTATIONS = {
    "$schema",
    "$id",
    "title",
    "description",
    "default",
    "definitions",
    "examples",
    "$comment",
}
_TYPES = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and _finite(v),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())  # False for .inf and .nan
    ),
}


class _NotCompiled(Exception):
    pass


def _json_equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        return False  # the format compares scalars only; a container never equals them
    return a == b


def _compile(node):
    """A predicate ``value -> bool`` equivalent to ``node`` (an inlined schema):
    all of the checks of its keywords (:data:`_KEYWORDS`, in that order)."""
    if node is True or node == {}:
        return lambda v: True
    if not isinstance(node, dict) or set(node) - _ANNOTATIONS - _COMPILED:
        raise _NotCompiled
    checks = [build(node) for keywords, build in _KEYWORDS if any(k in node for k in keywords)]
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(c(v) for c in checks)


def _type_check(node):
    """``type``: one type name or a list of them."""
    names = node["type"] if isinstance(node["type"], list) else [node["type"]]
    tests = [_TYPES[n] for n in names]
    return lambda v: any(t(v) for t in tests)


def _enum_check(node):
    """``enum``: equal to one of the choices (as JSON compares)."""
    choices = list(node["enum"])
    return lambda v: any(_json_equal(v, c) for c in choices)


def _const_check(node):
    """``const``: equal to the one value (as JSON compares)."""
    const = node["const"]
    return lambda v: _json_equal(v, const)


def _pattern_check(node):
    """``pattern``: a text the regular expression finds a match in."""
    rx = re.compile(node["pattern"])
    return lambda v: not isinstance(v, str) or rx.search(v) is not None


def _min_length_check(node):
    """``minLength``: a text at least that long."""
    n = node["minLength"]
    return lambda v: not isinstance(v, str) or len(v) >= n


def _min_items_check(node):
    """``minItems``: a list at least that long."""
    n = node["minItems"]
    return lambda v: not isinstance(v, list) or len(v) >= n


def _minimum_check(node):
    """``minimum``: a number not below it."""
    lo = node["minimum"]
    return lambda v: not _TYPES["number"](v) or v >= lo


def _maximum_check(node):
    """``maximum``: a number not above it."""
    hi = node["maximum"]
    return lambda v: not _TYPES["number"](v) or v <= hi


def _items_check(node):
    """``items`` (one schema for every item): every item of a list follows it."""
    if not isinstance(node["items"], dict):
        raise _NotCompiled
    item = _compile(node["items"])
    return lambda v: not isinstance(v, list) or all(item(x) for x in v)


def _required_check(node):
    """``required``: a mapping has every one of these keys."""
    required = list(node["required"])
    return lambda v: not isinstance(v, dict) or all(k in v for k in required)


def _property_names_check(node):
    """``propertyNames``: every key of a mapping follows the schema."""
    name = _compile(node["propertyNames"])
    return lambda v: not isinstance(v, dict) or all(name(k) for k in v)


def _properties_check(node):
    """``properties`` and ``additionalProperties``: each value of a mapping
    follows the schema of its key, or the one for other keys (``false``: no
    other keys)."""
    props = {k: _compile(sub) for k, sub in node.get("properties", {}).items()}
    extra = node.get("additionalProperties", True)
    other = None if extra is False else _compile(extra)

    def properties(v, props=props, other=other):
        if not isinstance(v, dict):
            return True
        for k, x in v.items():
            test = props.get(k) if isinstance(k, str) else None
            if test is None:
                if other is None or not other(x):
                    return False
            elif not test(x):
                return False
        return True

    return properties


#: the keywords compiled, each with the function that builds its check, in the
#: order the checks run
_KEYWORDS: tuple[tuple[tuple[str, ...], Callable], ...] = (
    (("type",), _type_check),
    (("enum",), _enum_check),
    (("const",), _const_check),
    (("pattern",), _pattern_check),
    (("minLength",), _min_length_check),
    (("minItems",), _min_items_check),
    (("minimum",), _minimum_check),
    (("maximum",), _maximum_check),
    (("items",), _items_check),
    (("required",), _required_check),
    (("propertyNames",), _property_names_check),
    (("properties", "additionalProperties"), _properties_check),
)
_COMPILED = {k for keywords, _ in _KEYWORDS for k in keywords}


@lru_cache(maxsize=1)
def _fast():
    """The compiled predicate, or None when the schema uses a keyword it does not cover."""
    full = schema()
    try:
        return _compile(_inline_refs(full, full.get("definitions", {})))
    except (_NotCompiled, KeyError, TypeError, re.error):
        return None


def is_valid(data) -> bool:
    """True when ``data`` follows the schema (the fast check when it can run)."""
    fast = _fast()
    return fast(data) if fast is not None else _validator().is_valid(data)


def validate(doc: Document) -> list[Problem]:
    """Schema problems of ``doc``, one per offending key or value.

    Unknown keys (:func:`_unknown_keys`) and missing fields
    (:func:`_missing_field`) are reported as they come; every other error is
    worded by :func:`_wording` and reported once per place, rule and message.
    """
    fast = _fast()
    if fast is not None and fast(doc.data):
        return []
    out: list[Problem] = []
    seen = set()
    not_finite: set = set()  # paths of numbers reported as not finite: one problem each
    for err in _validator().iter_errors(doc.data):
        path = tuple(err.absolute_path)
        v = err.validator
        if not _finite(err.instance) and v not in ("additionalProperties", "required"):
            if path not in not_finite:
                not_finite.add(path)
                out.append(_not_finite(doc, path, err))
            continue
        if v == "additionalProperties" and isinstance(err.instance, dict):
            out.extend(_unknown_keys(doc, err, path, err.instance))
            continue
        if err.validator == "required":
            out.append(_missing_field(doc, err, path))
            continue
        worded = _wording(err, path, doc.data)
        if worded is None:
            continue
        msg, rule = worded
        pos = doc.pos(path)
        key = (pos, rule, msg)
        if key not in seen:
            seen.add(key)
            out.append(problem(doc.path, pos, "error", msg, rule))
    return out


def _unknown_keys(
    doc: Document, err: ValidationError, path: tuple, instance: dict
) -> list[Problem]:
    """One problem per key of the mapping ``instance`` at ``path`` that the
    schema does not allow there, with the closest allowed key or a hint about
    commas."""
    out = []
    allowed = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
    for key in instance:
        if key in allowed:
            continue
        hint = _suggest(key, allowed)
        if not hint and isinstance(key, str) and " " in key.strip():
            hint = _(
                "; a comma inside {…} ends a value: put text that holds a comma in quotes "
                '(text: "a, b")'
            )
        if path:
            msg = _("unknown key '%(key)s' in %(where)s%(hint)s") % {
                "key": key,
                "where": _where(path, doc.data),
                "hint": hint,
            }
        else:
            msg = _("unknown key '%(key)s'%(hint)s") % {"key": key, "hint": hint}
        out.append(
            problem(
                doc.path,
                doc.key_pos(path + (key,)),
                "error",
                msg,
                "unknown-key",
            )
        )
    return out


def _missing_field(doc: Document, err: ValidationError, path: tuple) -> Problem:
    """The problem of a required field missing from the mapping at ``path``."""
    missing = err.message.split("'")[1] if "'" in err.message else err.message
    what = _where(path, doc.data) if path else _("the blueprint")
    return problem(
        doc.path,
        doc.pos(path),
        "error",
        _("%(where)s is missing required field '%(field)s'") % {"where": what, "field": missing},
        "missing-field",
    )


def _wording(err: ValidationError, path: tuple, data) -> tuple[str, str] | None:
    """``(message, rule id)`` for a wrong value at ``path``, or None when
    another error reports it (``propertyNames``: the nested pattern error)."""
    if err.validator == "propertyNames":
        return None
    word = _WORDINGS.get(str(err.validator), _other_wording)
    return word(err, path, data)


def _type_wording(err: ValidationError, path: tuple, data) -> tuple[str, str]:
    """A value of the wrong type; a bare number where a duration belongs."""
    if (
        _is_duration(err)
        and isinstance(err.instance, (int, float))
        and not isinstance(err.instance, bool)
    ):
        n = _short(err.instance)
        msg = _("%(where)s is %(n)s, a number without a unit; write %(n)sm, %(n)ss or %(n)sh") % {
            "where": _where(path, data),
            "n": n,
        }
        return msg, "bad-duration"
    msg = _("%(where)s should be %(wanted)s, not %(got)s") % {
        "where": _where(path, data),
        "wanted": _types(err.validator_value),
        "got": _kind(err.instance),
    }
    return msg, "wrong-type"


def _pattern_wording(err: ValidationError, path: tuple, data) -> tuple[str, str]:
    """A text that is not a duration, or not an id (with a hint for several
    next steps written with commas)."""
    if _is_duration(err):
        msg = _(
            "'%(value)s' is not a duration; write a number and a unit "
            "(s or sec, m or min, h, d, w): 30s, 5m, 5 min, 2h, 3d, 1w or 1h30m"
        ) % {"value": _short(err.instance)}
        if err.validator_value == vocab.LIMIT_PATTERN:  # a promise's limit
            msg += _(", or whole working days: 3%(unit)s") % {"unit": vocab.WORKING_DAY_UNIT}
        return msg, "bad-duration"
    msg = _(
        "'%(value)s' is not a valid id for %(where)s: an id starts with a "
        "letter (Chinese letters too), then letters, digits, - or _, with no spaces or punctuation"
    ) % {"value": _short(err.instance), "where": _where(path, data)}
    if isinstance(err.instance, str) and "," in err.instance and "next" in path:
        items = ", ".join(x.strip() for x in err.instance.split(","))
        msg += _("; for several next steps write a list: [%(items)s]") % {"items": items}
    return msg, "invalid-value"


def _enum_wording(err: ValidationError, path: tuple, data) -> tuple[str, str]:
    """A value not among the choices, with the closest choice (or the lane
    id for a lane written in Chinese)."""
    choices = err.validator_value if isinstance(err.validator_value, list) else []
    hint = _suggest(err.instance, choices)
    if not hint and isinstance(err.instance, str) and err.instance.strip() in _LANE_WORDS:
        hint = _("; did you mean '%(choice)s'?") % {"choice": _LANE_WORDS[err.instance.strip()]}
    msg = _("%(where)s is '%(value)s', not one of: %(choices)s%(hint)s") % {
        "where": _where(path, data),
        "value": _short(err.instance),
        "choices": ", ".join(map(str, choices)),
        "hint": hint,
    }
    return msg, "invalid-value"


def _const_wording(err: ValidationError, path: tuple, data) -> tuple[str, str]:
    """A value other than the one allowed."""
    got = (
        _("'%(value)s' (a text)") % {"value": _short(err.instance)}
        if isinstance(err.instance, str)
        else _short(err.instance)
    )
    msg = _("%(where)s must be %(value)s, not %(got)s") % {
        "where": _where(path, data),
        "value": err.validator_value,
        "got": got,
    }
    return msg, "invalid-value"


def _range_wording(err: ValidationError, path: tuple, data) -> tuple[str, str]:
    """A number out of range (an emotion says its range)."""
    values = {"where": _where(path, data), "value": _short(err.instance), "why": err.message}
    msg = (
        _("%(where)s is %(value)s; it must be between -2 and 2") % values
        if path and path[-1] == "emotion"
        else _("%(where)s is out of range: %(why)s") % values
    )
    return msg, "invalid-value"


def _min_length_wording(err: ValidationError, path: tuple, data) -> tuple[str, str]:
    """An empty text."""
    return _("%(where)s is empty") % {"where": _where(path, data)}, "invalid-value"


def _min_items_wording(err: ValidationError, path: tuple, data) -> tuple[str, str]:
    """An empty list."""
    return _("%(where)s needs at least one entry") % {"where": _where(path, data)}, "invalid-value"


def _other_wording(err: ValidationError, path: tuple, data) -> tuple[str, str]:
    """Any other error, in jsonschema's words."""
    return f"{_where(path, data)}: {err.message}", "invalid-value"


#: JSON Schema keyword -> the function that words its error
_WORDINGS: dict[str, Callable[[ValidationError, tuple, Any], tuple[str, str]]] = {
    "type": _type_wording,
    "pattern": _pattern_wording,
    "enum": _enum_wording,
    "const": _const_wording,
    "minimum": _range_wording,
    "maximum": _range_wording,
    "minLength": _min_length_wording,
    "minItems": _min_items_wording,
}
