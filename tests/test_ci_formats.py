import json
import xml.etree.ElementTree as ET

from blueprint.problems import Problem
from blueprint.report import ci


def test_github_escaping_of_message_and_properties():
    p = Problem("dir/a,b:c.yaml", 3, 7, "error", "100% sure: a, b\nnext line", "some-rule")
    line = ci.github_line(p)
    assert line == (
        "::error file=dir/a%2Cb%3Ac.yaml,line=3,col=7,endLine=3,endColumn=7,"
        "title=blueprint some-rule::100%25 sure: a, b%0Anext line"
    )
    assert "\n" not in line


def test_github_levels():
    assert ci.github_line(Problem("f", 1, 1, "info", "m", "r")).startswith("::notice ")
    assert ci.github_line(Problem("f", 1, 1, "warning", "m", "r")).startswith("::warning ")


def test_github_is_default_inside_actions(run, write, monkeypatch):
    path = write("blueprint: 1\nid: x\ntitle: T\nsteps: [{id: a, lane: customr, text: t}]\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    r = run("check", path)
    assert r.exit_code == 1
    assert r.output.startswith("::error file=")
    assert f"{path}:4:" in r.output  # the plain lines follow the annotations


def test_sarif_has_rules_and_regions(run, write):
    path = write("blueprint: 1\nid: x\ntitle: T\nsteps: [{id: a, lane: customr, text: t}]\n")
    r = run("check", "--format", "sarif", path)
    assert r.exit_code == 1
    doc = json.loads(r.output)
    assert doc["version"] == "2.1.0"
    driver = doc["runs"][0]["tool"]["driver"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert "flow-skips-line" in ids and "yaml-syntax" in ids
    for rule in driver["rules"]:
        assert (
            rule["shortDescription"]["text"]
            and rule["fullDescription"]["text"]
            and rule["help"]["text"]
        )
    res = doc["runs"][0]["results"][0]
    assert res["ruleId"] == "invalid-value"
    assert driver["rules"][res["ruleIndex"]]["id"] == "invalid-value"
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 23}


def test_junit_one_case_per_file(run, write):
    bad = write(
        "blueprint: 1\nid: x\ntitle: T\nsteps: [{id: a, lane: customr, text: '<&>'}]\n", "bad.yaml"
    )
    r = run("check", "--format", "junit", bad, "blueprints/hotpot-dine-in.yaml")
    assert r.exit_code == 1
    root = ET.fromstring(r.output)
    cases = root.findall(".//testcase")
    assert len(cases) == 2
    assert cases[0].find("failure") is not None
    assert cases[1].find("failure") is None
    assert root.get("failures") == "1"


def test_exit_zero_and_strict(run, write):
    path = write("""
        blueprint: 1
        id: x
        title: T
        steps:
          - {id: a, lane: customer, text: Walk in, next: [b]}
          - {id: b, lane: frontstage, text: Greet, next: [c]}
          - {id: c, lane: customer, text: Sit, evidence: [Chair]}
    """)
    r = run("check", path)
    assert r.exit_code == 0 and "warning" in r.output  # missing evidence on 'a', empty lanes
    assert run("check", "--strict", path).exit_code == 1
    assert run("check", "--strict", "--exit-zero", path).exit_code == 0


def test_output_file_written_and_input_refused(run, write, tmp_path):
    path = write("blueprint: 1\nid: x\ntitle: T\nsteps: [{id: a, lane: customr, text: t}]\n")
    out = tmp_path / "sub" / "report.sarif"
    r = run("check", "--format", "sarif", "-o", out, path)
    assert r.exit_code == 1
    assert json.loads(out.read_text())["version"] == "2.1.0"
    before = open(path).read()
    r = run("check", "-o", path, path)
    assert r.exit_code == 2
    assert "refusing to write over the input" in r.output
    assert open(path).read() == before


SCHEMAS = __import__("pathlib").Path(__file__).parent / "schemas"


def _results(write):
    bad = write(
        "blueprint: 1\nid: x\ntitle: T\nsteps: [{id: a, lane: customr, text: '<&> 100%'}]\n",
        "bad dir,x.yaml",
    )
    from blueprint import lint

    return [lint.check_file(bad), lint.check_file("blueprints/hotpot-dine-in.yaml")]


def test_sarif_validates_against_the_sarif_2_1_0_schema(write):
    import jsonschema

    from blueprint.rules import all_rules

    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    doc = json.loads(ci.sarif(_results(write), all_rules()))
    jsonschema.Draft4Validator(schema).validate(doc)
    assert doc["runs"][0]["results"], "the broken file must yield results"


def test_junit_validates_against_the_junit_xsd(write):
    import xmlschema

    xsd = xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))
    text = ci.junit(_results(write))
    xsd.validate(text)
    assert "failure" in text


def test_odd_file_names_and_control_characters_stay_valid_in_sarif_and_junit(tmp_path):
    import xmlschema

    from blueprint import lint

    weird = tmp_path / "a#b %c 点\x01.yaml"
    weird.write_text("blueprint: 1\nid: x\ntitle: T\nsteps: [{id: a, lane: customr, text: t}]\n")
    results = [lint.check_file(str(weird))]
    uri = json.loads(ci.sarif(results, {}))["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"
    ]["artifactLocation"]["uri"]
    assert "#" not in uri and " " not in uri and "%23" in uri and "%E7%82%B9" in uri
    xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd")).validate(ci.junit(results))


def test_analyze_never_sends_escape_sequences_to_the_terminal(run, write):
    path = write(
        'blueprint: 1\nid: x\ntitle: "T\\e[2J\\e[31m"\nrules: {empty-lane: off}\n'
        'steps:\n  - {id: a, lane: customer, text: "a\\u202e", evidence: [x]}\n'
    )
    out = run("analyze", path).output
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out


def test_sarif_links_point_at_the_repository_named_in_pyproject(write):
    """SARIF's tool and rule links come from [project.urls] Repository, the one place
    that holds the repository's address, not from an invented organisation."""
    import tomllib
    from pathlib import Path

    from blueprint.rules import all_rules

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    repo = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
    doc = json.loads(ci.sarif(_results(write), all_rules()))
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == repo
    assert driver["rules"] and all(
        r["helpUri"] == f"{repo}/blob/main/docs/rules.md#{r['id']}" for r in driver["rules"]
    )
