"""docs/format.md: its examples are valid and it documents every field of the schema."""

import json
import re
import textwrap
import tomllib
from pathlib import Path

import jsonschema
import pytest

from blueprint.load import load_yaml
from blueprint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "format.md"
SCHEMA = json.loads((ROOT / "schema" / "blueprint.schema.json").read_text(encoding="utf-8"))
WRONG = "# ✗"  # first line of a block that shows a mistake on purpose

FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^ *```", re.S | re.M)


def _blocks(lang):
    text = DOC.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        if m.group(2) == lang:
            line = text.count("\n", 0, m.start()) + 1
            body = textwrap.dedent(m.group(3)) if m.group(1) else m.group(3)
            out.append(pytest.param(body, id=f"line{line}"))
    return out


YAML_BLOCKS = _blocks("yaml")
TOML_BLOCKS = _blocks("toml")


def _sub_validator(subschema):
    return jsonschema.Draft7Validator({**subschema, "definitions": SCHEMA["definitions"]})


def test_the_doc_has_examples():
    assert len(YAML_BLOCKS) >= 15 and len(TOML_BLOCKS) >= 2


@pytest.mark.parametrize("block", YAML_BLOCKS)
def test_yaml_example_is_valid(block, tmp_path, run):
    """A complete blueprint passes check --strict; a partial one has only known
    fields with valid values; a block marked as wrong must really be wrong."""
    path = tmp_path / "blueprints" / "example.yaml"
    path.parent.mkdir()
    path.write_text(block, encoding="utf-8")
    doc, problems = load_yaml(str(path))
    wrong = block.startswith(WRONG)
    if doc.data is None and not problems:  # only comments (the modeline)
        assert block.strip().startswith("# yaml-language-server:")
        return
    assert problems == [], problems
    if isinstance(doc.data, dict) and "steps" in doc.data and "blueprint" in doc.data:
        r = run("check", "--strict", path)
        assert (r.exit_code != 0) if wrong else (r.exit_code == 0), r.output
        return
    assert isinstance(doc.data, dict), "a partial example is a mapping of top-level or step fields"
    step_props = SCHEMA["definitions"]["step"]["properties"]
    errors = []
    for key, value in doc.data.items():
        if key in SCHEMA["properties"]:
            sub = SCHEMA["properties"][key]
        elif key in step_props:
            sub = step_props[key]
        else:
            errors.append(f"unknown field {key!r}")
            continue
        errors += [f"{key}: {e.message}" for e in _sub_validator(sub).iter_errors(value)]
    assert bool(errors) == wrong, errors


@pytest.mark.parametrize("block", TOML_BLOCKS)
def test_toml_example_names_known_rules_and_severities(block):
    data = tomllib.loads(block)
    table = data.get("tool", {}).get("blueprint", data)
    rules = table["rules"]
    known = set(all_rules())
    assert set(rules) <= known, set(rules) - known
    assert set(rules.values()) <= {"off", "info", "warning", "error"}


def _fields(schema_part):
    return set(schema_part.get("properties", {}))


def test_every_field_of_the_schema_is_documented():
    text = DOC.read_text(encoding="utf-8")
    d = SCHEMA["definitions"]
    names = _fields(SCHEMA)
    for part in ("phase", "role", "step", "flow", "standard", "fail", "wait"):
        names |= _fields(d[part])
    names |= set(d["step"]["properties"]["lane"]["enum"])
    names |= set(d["flow"]["properties"]["kind"]["enum"])
    names |= set(SCHEMA["properties"]["locale"]["enum"]) | set(
        SCHEMA["properties"]["status"]["enum"]
    )
    names |= set(d["severity"]["enum"]) | set(d["fail"]["properties"]["likelihood"]["enum"])
    undocumented = sorted(n for n in names if f"`{n}`" not in text and f"{n}:" not in text)
    assert undocumented == []


def test_every_duration_unit_is_documented():
    text = DOC.read_text(encoding="utf-8")
    units = re.search(
        r"\((s\|sec\|m\|min\|h\|d\|w)\)", SCHEMA["definitions"]["duration"]["pattern"]
    ).group(1)
    for unit in units.split("|"):
        assert f"`{unit}`" in text, unit


def test_rule_ids_named_in_the_doc_exist():
    text = DOC.read_text(encoding="utf-8")
    named = set(
        re.findall(r"\((?:rule )?`([a-z]+(?:-[a-z]+)+)`", text)
    )  # written as (`rule-id`) or (rule `rule-id`)
    assert named, "the doc names rules in parentheses"
    assert named - set(all_rules()) == set()
