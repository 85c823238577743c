import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_example_blueprint_passes_strict_check(run, tmp_path):
    block = re.findall(r"```yaml\n(.*?)```", README, re.S)[0]
    path = tmp_path / "example.yaml"
    path.write_text(block, encoding="utf-8")
    r = run("check", "--strict", path)
    assert r.exit_code == 0, r.output


def test_readme_pictures_and_links_exist():
    targets = re.findall(r"\]\(((?:docs|blueprints)/[^)#]+)\)", README)
    assert any(t.endswith(".png") for t in targets)
    for t in targets:
        assert (ROOT / t).exists(), t


def test_readme_setup_is_the_ci_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in ci
    assert "bash scripts/test.sh" in README and "bash scripts/examples.sh" in README


def test_readme_lists_every_example():
    for f in (ROOT / "blueprints").glob("*.yaml"):
        assert f"`{f.name}`" in README, f.name
