"""`blueprint script`: selection, formats, output files, errors and exit codes."""

import os

from conftest import ROOT

HOTPOT = ROOT / "blueprints" / "hotpot-dine-in.yaml"


def test_default_is_the_whole_handout_in_markdown(run):
    r = run("script", HOTPOT)
    assert r.exit_code == 0, r.output
    assert r.output.startswith("# Hot-pot restaurant, dine-in\n")
    assert "## Contents" in r.output
    for title in ("Customer's journey", "Greeter", "Waiter", "Kitchen", "POS system"):
        assert f"\n## {title}\n" in r.output
    assert run("script", "--all", HOTPOT).output == r.output


def test_one_role_and_the_customer(run):
    r = run("script", HOTPOT, "--role", "waiter")
    assert r.exit_code == 0
    assert (
        "\n## Waiter\n" in r.output
        and "## Greeter" not in r.output
        and "## Contents" not in r.output
    )
    r = run("script", HOTPOT, "--customer", "--format", "txt")
    assert r.exit_code == 0
    assert "Customer's journey" in r.output and "Role:" not in r.output


def test_unknown_role_lists_the_roles(run):
    r = run("script", HOTPOT, "--role", "busser")
    assert r.exit_code == 2
    assert (
        r.output
        == f"blueprint: no role 'busser' in {HOTPOT} (roles: greeter, waiter, kitchen, pos)\n"
    )


def test_selections_exclude_each_other(run):
    r = run("script", HOTPOT, "--role", "waiter", "--customer")
    assert r.exit_code == 2
    assert "choose one of --role, --customer and --all" in r.output


def test_file_with_errors_is_refused_with_its_problems(run, write):
    path = write("""
        blueprint: 1
        id: broken
        title: Broken
        steps:
          - {id: a, lane: customer, text: Walk in, next: [nowhere]}
    """)
    r = run("script", path)
    assert r.exit_code == 1
    assert f"{path}:5:51: error step 'a' flows to unknown step 'nowhere' [unknown-step]" in r.output
    assert "#" not in r.output  # no script was written


def test_problems_go_to_stderr_not_into_the_script(write):
    import subprocess
    import sys

    path = write("blueprint: 1\nid: x\ntitle: X\nsteps: []\n")
    p = subprocess.run(
        [sys.executable, "-m", "blueprint", "script", path], capture_output=True, text=True
    )
    assert p.returncode == 1
    assert p.stdout == ""
    assert f"{path}:4:8: error" in p.stderr


def test_missing_file_and_folder_are_usage_errors(run, tmp_path):
    assert run("script", tmp_path / "nope.yaml").exit_code == 2
    assert run("script", tmp_path).exit_code == 2
    r = run("script", HOTPOT, "--templates", tmp_path / "none")
    assert r.exit_code == 2 and "no such folder" in r.output


def test_output_file_is_written_atomically_and_picks_the_format(run, tmp_path):
    out = tmp_path / "sub" / "handout.html"
    r = run("script", HOTPOT, "-o", out)
    assert r.exit_code == 0 and r.output == ""
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert [p.name for p in out.parent.iterdir()] == ["handout.html"]  # no temporary file left
    r = run("script", HOTPOT, "-o", tmp_path / "waiter.txt", "--role", "waiter")
    assert (
        (tmp_path / "waiter.txt")
        .read_text(encoding="utf-8")
        .startswith("Hot-pot restaurant, dine-in\n====")
    )
    # --format wins over the extension
    run("script", HOTPOT, "-o", tmp_path / "x.html", "--format", "md")
    assert (tmp_path / "x.html").read_text(encoding="utf-8").startswith("# Hot-pot")


def test_output_never_overwrites_the_input(run, tmp_path):
    src = tmp_path / "bp.yaml"
    src.write_bytes(HOTPOT.read_bytes())
    before = src.read_bytes()
    r = run("script", src, "-o", src)
    assert r.exit_code == 2
    assert "refusing to write over the input file" in r.output
    assert src.read_bytes() == before
    link = tmp_path / "link.yaml"
    os.symlink(src, link)
    assert run("script", src, "-o", link).exit_code == 2
    assert src.read_bytes() == before


def test_output_is_byte_identical_between_runs(run, tmp_path):
    for fmt in ("md", "html", "txt"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        run("script", HOTPOT, "--format", fmt, "-o", a)
        run("script", HOTPOT, "--format", fmt, "-o", b)
        assert a.read_bytes() == b.read_bytes()


def test_templates_option_overrides_by_file_name(run, tmp_path):
    (tmp_path / "customer.md.j2").write_text(
        "CUSTOMER SCRIPT OF {{ s.steps|length }} STEPS\n", encoding="utf-8"
    )
    r = run("script", HOTPOT, "--customer", "--templates", tmp_path)
    assert r.exit_code == 0
    assert "CUSTOMER SCRIPT OF 8 STEPS" in r.output
    assert r.output.startswith("# Hot-pot restaurant, dine-in")


def test_broken_template_is_one_line_exit_2(run, tmp_path):
    (tmp_path / "role.txt.j2").write_text("{{ s.nope }}\n", encoding="utf-8")
    r = run("script", HOTPOT, "--format", "txt", "--templates", tmp_path)
    assert r.exit_code == 2
    assert r.output.count("\n") == 1 and r.output.startswith("blueprint: template")
    assert "Traceback" not in r.output


def test_help_describes_the_command(run):
    r = run("script", "--help")
    assert r.exit_code == 0
    for opt in ("--role", "--customer", "--all", "--format", "--output", "--templates"):
        assert opt in r.output
