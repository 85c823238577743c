"""The command line. Heavy modules are imported inside the commands, so that
``blueprint --version`` and ``--help`` start instantly."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from blueprint import __version__, vocab
from blueprint.messages import _

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("blueprint: " + _("interrupted"), err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(EXIT_PROBLEMS)
        except Exception as exc:  # never show a traceback to a user
            click.echo(
                "blueprint: "
                + _(
                    "internal error: %(error)s "
                    "(this is a bug in blueprint; please report it with the file)"
                )
                % {"error": f"{type(exc).__name__}: {exc}"},
                err=True,
            )
            sys.exit(EXIT_USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    "-V",
    "--version",
    prog_name="blueprint",
    message="%(prog)s %(version)s (the service-blueprint package)",
)
@click.option(
    "--lang",
    type=click.Choice(vocab.LOCALES, case_sensitive=False),
    default=None,
    help="Language of messages [default: $BLUEPRINT_LANG, then the locale (LC_ALL, "
    "LC_MESSAGES, LANG), then `lang` in blueprint.toml, then en].",
)
def cli(lang):
    """Service blueprints as code: check, analyse, draw and script a service described in YAML."""
    import os

    from blueprint import messages

    configured = None
    if lang is None and not os.environ.get(messages.ENV_VAR):
        from blueprint.config import find_config, forget

        configured = find_config(os.getcwd()).lang
        forget()  # read again by the command, its problems worded in the language chosen
    messages.set_language(messages.choose_language(lang, os.environ, configured))


def _usage_error(message: str) -> NoReturn:
    click.echo(f"blueprint: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _require_project_config(files: list) -> None:
    """Exit 2 when a blueprint.toml or pyproject.toml found upward is broken."""
    from blueprint.config import project_config_problems
    from blueprint.rules import all_rules

    bad = project_config_problems(files, set(all_rules()))
    if bad:
        for p in bad:
            click.echo(p.format(), err=True)
        sys.exit(EXIT_USAGE)


def _checked_blueprint(file: str, verb: str):
    """check_file for a command that needs one blueprint without errors: exit 2
    on a missing file, a folder or a broken configuration; 1 (the problems on
    standard error) when the blueprint has errors."""
    import os

    from blueprint import lint, report

    if os.path.isdir(file):
        _usage_error(_("%(path)s: is a folder; give one blueprint file") % {"path": file})
    files = _discover([file])
    _require_project_config(files)
    res = lint.check_file(file)
    if not res.loaded or res.count("error"):
        click.echo(report.text([res], color=report.use_color(sys.stderr)), err=True, nl=False)
        click.echo(f"blueprint: {file} was not {verb}: fix the errors above first", err=True)
        sys.exit(EXIT_PROBLEMS)
    return res


def _default_paths() -> list:
    import os

    if not os.path.isdir("blueprints"):
        _usage_error(
            _(
                "no blueprints/ folder here: give the blueprint files or folders to use "
                "(for example: blueprint check my-service.yaml)"
            )
        )
    return ["blueprints"]


def _discover(paths: list) -> list:
    """The blueprint files under ``paths``; exits 2 on a missing path or no file."""
    from blueprint import lint

    files, missing = lint.discover(paths)
    if missing:
        for p in missing:
            click.echo(p.format(), err=True)
        sys.exit(EXIT_USAGE)
    if not files:
        _usage_error(
            _("no *.yaml or *.yml files found in %(paths)s") % {"paths": ", ".join(map(str, paths))}
        )
    return files


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.CHECK_FORMATS),
    default=None,
    help="Output format [default: github inside GitHub Actions, else text].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to this file instead of standard output (- for standard output).",
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit 1).")
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when problems are found (usage errors still exit 2).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Configuration file (blueprint.toml or pyproject.toml) instead of the one found upward.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print only the problems: no summary, nothing on a clean run "
    "(json, sarif and junit stay complete documents).",
)
def check(paths, fmt, output, strict, exit_zero, config_path, quiet):
    """Check blueprint files and folders (default: blueprints/).

    Prints one line per problem, path:line:col: severity message [rule-id].
    Exit 0 when clean (warnings allowed unless --strict), 1 when problems are
    found, 2 on usage errors.
    """
    import os

    from blueprint import lint, report
    from blueprint.config import config_problems, load_config_file
    from blueprint.report import ci
    from blueprint.rules import all_rules

    paths = list(paths) or _default_paths()
    files = _discover(paths)
    config = None
    if config_path:
        if not os.path.isfile(config_path):
            _usage_error(_("configuration file not found: %(path)s") % {"path": config_path})
        config = load_config_file(config_path)
        bad = config_problems(config, set(all_rules()))
    else:  # the blueprint.toml or pyproject.toml found upward from each file
        _require_project_config(files)
        bad = []
    if bad:
        for p in bad:
            click.echo(p.format(), err=True)
        sys.exit(EXIT_USAGE)
    results = [lint.check_file(f, config) for f in files]
    failing = vocab.at_least(vocab.WARNING if strict else vocab.ERROR)
    if fmt is None:
        fmt = "github" if ci.in_github_actions() else "text"
    if fmt == "json":
        text = report.as_json(results)
    elif fmt == "github":
        text = ci.github(results, quiet=quiet)
    elif fmt == "sarif":
        text = ci.sarif(results, all_rules())
    elif fmt == "junit":
        text = ci.junit(results, failing)
    else:
        text = report.text(results, color=output in (None, "-") and report.use_color(), quiet=quiet)
    if output and output != "-":
        from blueprint.fsutil import OutputError, write_atomic

        try:
            note = write_atomic(output, text, inputs=files)
        except OutputError as exc:
            _usage_error(str(exc))
        if note:
            click.echo(f"blueprint: {note}", err=True)
        if fmt != "text" and not quiet:
            click.echo(report.summary(results), err=True)
    else:
        click.echo(text, nl=False)
    found = any(p.severity in failing for r in results for p in r.problems)
    sys.exit(EXIT_PROBLEMS if found and not exit_zero else EXIT_OK)


@cli.command()
def lsp():
    """Run the language server on stdin and stdout (for editors).

    Diagnostics for every problem check finds, completion, hover, go to
    definition, references, rename and quick fixes; docs/editors.md shows
    how to attach it in VS Code, Neovim, Helix and Emacs.
    """
    try:
        from blueprint.lsp.server import serve
    except ImportError as exc:  # pygls is a dependency; a broken install names what is missing
        _usage_error(f"the language server needs pygls: {exc}")
    serve()


@cli.command()
def schema():
    """Print the JSON Schema of the blueprint format (for editors and tools)."""
    from blueprint.resources import schema_text

    click.echo(schema_text(), nl=False)


@cli.command()
@click.argument("rule_id", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.RULES_FORMATS),
    default=vocab.RULES_FORMATS[0],
    show_default=True,
)
def rules(rule_id, fmt):
    """List the rules, or show one rule's documentation."""
    from blueprint.rules import all_rules
    from blueprint.rules.docs import markdown, one_rule, table

    registry = all_rules()
    if rule_id:
        if rule_id not in registry:
            from blueprint.problems import did_you_mean

            _usage_error(
                f"no rule '{rule_id}'{did_you_mean(rule_id, list(registry))} (blueprint rules lists them)"
            )
        click.echo(one_rule(registry[rule_id]))
        return
    click.echo(markdown(registry) if fmt == "markdown" else table(registry))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    default=None,
    help="Output file; its suffix picks the format. '-' writes to standard output. "
    "[default: <blueprint id>.<format> in the current folder]",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.DIAGRAM_FORMATS),
    default=None,
    help=f"Output format [default: from the output's suffix, else {vocab.DIAGRAM_FORMATS[0]}].",
)
@click.option(
    "--paper",
    type=click.Choice(vocab.PAPERS),
    default=vocab.PAPERS[0],
    show_default=True,
    help="Paper of a PDF (landscape; a2, a1, a0 for posters).",
)
@click.option(
    "--pieces/--no-pieces",
    default=True,
    show_default=True,
    help="PDF: when the whole drawing is too small to read on one page, print it in pieces "
    "to tape together; --no-pieces: one scaled page.",
)
@click.option(
    "--theme",
    type=click.Choice(vocab.THEMES),
    default=vocab.THEMES[0],
    show_default=True,
    help="mono prints in black and white: markers differ by shape and text.",
)
@click.option(
    "--emotion", is_flag=True, help="Draw the customer's emotion curve above the customer lane."
)
@click.option(
    "--inferred/--no-inferred",
    default=True,
    show_default=True,
    help="Draw the fail points and waits the analysis infers (dashed, with '?'), or only declared ones.",
)
@click.option(
    "--diff",
    "diff_old",
    default=None,
    metavar="OLD",
    help="Draw what changed since OLD (a file or REV:path): added steps and flows, changed "
    "steps, removed steps as ghosts in their old place, with a legend.",
)
def render(file, output, fmt, paper, pieces, theme, emotion, inferred, diff_old):
    """Draw a blueprint as a swimlane diagram (SVG, PNG, PDF or DOT).

    Lanes are bands in fixed order, columns are moments in time; markers show
    fail points, waits, the peak and the end. Needs Graphviz for SVG, PNG and
    PDF. Exit 0 when written, 1 when the blueprint has errors (printed one per
    line), 2 on usage errors or when Graphviz is missing or fails.
    """
    import os

    from blueprint import render as rnd

    if output and output != "-" and fmt is None:
        suffix = os.path.splitext(output)[1].lower()
        fmt = rnd.SUFFIXES.get(suffix)
        if fmt is None:
            _usage_error(
                f"cannot tell the format from '{output}'; use a .svg, .png, .pdf or .dot name, "
                "or --format"
            )
    fmt = fmt or vocab.DIAGRAM_FORMATS[0]

    res = _checked_blueprint(file, "drawn")
    bp = res.blueprint
    if output is None:
        stem = bp.id or os.path.splitext(os.path.basename(file))[0]
        output = f"{stem}.{fmt}"

    from blueprint.render.backend import GraphvizError

    analysis = res.context.analysis
    decor = None
    if diff_old is not None:
        bp, analysis, decor = _change_drawing(diff_old, file, res, theme)
    try:
        data = rnd.render(
            bp,
            analysis,
            fmt,
            rnd.Options(
                theme=theme, emotion=emotion, paper=paper, inferred=inferred, pieces=pieces
            ),
            decor=decor,
        )
    except GraphvizError as exc:
        _usage_error(str(exc))
    if output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from blueprint.fsutil import OutputError, write_atomic

    try:
        note = write_atomic(output, data, inputs=[file])
    except OutputError as exc:
        _usage_error(str(exc))
    if note:
        click.echo(f"blueprint: {note}", err=True)
    click.echo(f"wrote {output}", err=True)


def _change_drawing(old_spec: str, file: str, res, theme: str):
    """(blueprint with ghosts, analysis, decor) for render --diff; exit 2 when OLD cannot be read."""
    from blueprint import diff as D
    from blueprint import diffsource as src
    from blueprint.render.diff import change_drawing

    try:
        old, problems = src.read_side(old_spec)
    except src.SourceError as exc:
        _usage_error(str(exc))
    if old is None:
        for p in problems:
            click.echo(p.format(), err=True)
        _usage_error(f"{old_spec} cannot be compared: fix the errors above first")
    new = D.Side(file, res.blueprint, res.context.analysis, tuple(res.problems), file)
    return change_drawing(D.compare(old, new), theme)


@cli.command("script")
@click.argument("file", type=click.Path())
@click.option(
    "--role",
    default=None,
    metavar="ROLE",
    help="Only this role's script (a role id of the blueprint).",
)
@click.option("--customer", is_flag=True, help="Only the customer's journey.")
@click.option(
    "--all", "all_", is_flag=True, help="Every script with a table of contents (the default)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.SCRIPT_FORMATS),
    default=None,
    help="Output format [default: from the -o file's extension (.html, .txt), else md].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@click.option(
    "--templates",
    "templates",
    type=click.Path(),
    default=None,
    metavar="DIR",
    help="Folder of templates that replace built-in ones of the same file name.",
)
def script_command(file, role, customer, all_, fmt, output, templates):
    """Write service scripts: each role's steps with cue, what to do and say,
    standard, evidence, fail-point recovery and waits; the customer's journey;
    or all of them as one training handout (the default).

    The blueprint must check without errors (they are printed, exit 1).
    Headings follow the blueprint's locale (en, zh-CN, zh-TW).
    """
    import os

    from blueprint import script as scripts

    if sum((role is not None, customer, all_)) > 1:
        _usage_error("choose one of --role, --customer and --all")
    if templates is not None and not os.path.isdir(templates):
        _usage_error(f"--templates {templates}: no such folder")
    result = _checked_blueprint(file, "scripted")
    handout = scripts.build(result.blueprint, result.structure, result.context.analysis)
    if role is not None and role not in handout.roles:
        _usage_error(f"no role '{role}' in {file} (roles: {', '.join(handout.roles) or 'none'})")
    handout = scripts.select(handout, role=role, customer=customer)
    if fmt is None:
        ext = os.path.splitext(output or "")[1].lower()
        fmt = {".html": "html", ".htm": "html", ".txt": "txt"}.get(ext, vocab.SCRIPT_FORMATS[0])
    try:
        text = scripts.render(handout, fmt, templates)
    except scripts.ScriptError as exc:
        _usage_error(str(exc))
    if output and output != "-":
        from blueprint.fsutil import OutputError, write_atomic

        try:
            note = write_atomic(output, text, inputs=[file])
        except OutputError as exc:
            _usage_error(str(exc))
        if note:
            click.echo(f"blueprint: {note}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("file", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.ANALYSIS_FORMATS),
    default=vocab.ANALYSIS_FORMATS[0],
    show_default=True,
    help="text for people, json for tools (docs/analysis.md describes it).",
)
def analyze(file, fmt):
    """Analyse a blueprint: fail points, wait points, peak and end, timing, shape.

    Exit 0 when analysed, 1 when the blueprint has errors (printed as check
    prints them), 2 on usage errors.
    """
    import json
    import os

    from blueprint import lint, report

    if os.path.isdir(file):
        _usage_error(_("%(path)s: is a folder; give one blueprint file") % {"path": file})
    files = _discover([file])
    _require_project_config(files)
    res = lint.check_file(file)
    if not res.loaded or any(p.severity == "error" for p in res.problems):
        click.echo(
            report.as_json([res])
            if fmt == "json"
            else report.text([res], color=report.use_color()),
            nl=False,
        )
        sys.exit(EXIT_PROBLEMS)

    from blueprint.report.analysis_text import report as text_report

    a = res.analysis
    if fmt == "json":
        click.echo(json.dumps(a.to_dict(), ensure_ascii=False, indent=2))
    else:
        # blueprint text must not reach the terminal as escape sequences
        click.echo(
            vocab.printable(text_report(a, res.problems), keep="\n"),
            nl=False,
        )


@cli.command("diff")
@click.argument("sides", nargs=-1)
@click.option(
    "--git",
    "rev",
    default=None,
    metavar="REV",
    help="Compare every blueprint changed since REV (the arguments are the paths to look in "
    "[default: blueprints/]).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.DIFF_FORMATS),
    default=vocab.DIFF_FORMATS[0],
    show_default=True,
    help="text for a terminal, markdown for a pull request, json for tools, github for annotations.",
)
@click.option(
    "--fail-on",
    type=click.Choice(vocab.DIFF_FAIL_ON),
    default=vocab.DIFF_FAIL_ON[0],
    show_default=True,
    help="change: exit 1 when anything changed (like diff); worse: only when the service got "
    "worse (docs/diff.md).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--textconv",
    is_flag=True,
    help="Print one blueprint's canonical summary (for git's diff.blueprint.textconv).",
)
def diff_command(sides, rev, fmt, fail_on, output, textconv):
    """What a change does to the service: blueprint diff OLD NEW.

    OLD and NEW are files or REV:path (read with git show, e.g.
    HEAD~1:blueprints/hotel.yaml). Steps are matched by id, renamed steps by
    their similarity. Reports steps added, removed and moved across the lines,
    changed text, flows and loops, fail points, waits, evidence, emotions and
    peak-end scores, timing, and problems introduced and fixed, by phase.
    Exit 0 when nothing changed, 1 when something did (with --fail-on worse:
    only when the service got worse), 2 on errors.
    """
    from blueprint import diff as D
    from blueprint import diffsource as src
    from blueprint.report import diff_github, diff_json, diff_markdown, diff_text

    if textconv:
        if len(sides) != 1 or rev:
            _usage_error("--textconv takes one blueprint file")
        click.echo(_textconv(sides[0]), nl=False)
        return
    pairs: list[tuple[str | None, str | None]]
    if rev:
        try:
            pairs = src.changed_since(
                rev, list(sides) or ["blueprints" if _isdir("blueprints") else "."]
            )
        except src.SourceError as exc:
            _usage_error(str(exc))
    elif len(sides) == 2:
        pairs = [(sides[0], sides[1])]
    else:
        _usage_error("give two blueprints, OLD and NEW (files or REV:path), or --git REV [PATHS]")
    diffs = []
    notes = []
    json_notes: list[dict] = []
    broken = False
    for old, new in pairs:
        if old is None or new is None:
            notes.append(f"{new} is a new blueprint" if old is None else f"{old} was deleted")
            json_notes.append(
                {
                    "version": diff_json.JSON_VERSION,
                    "old": None if old is None else {"path": old},
                    "new": None if new is None else {"path": new},
                    "changed": True,
                    "note": "added" if old is None else "deleted",
                }
            )
            continue
        try:
            a, pa = src.read_side(old)
            b, pb = src.read_side(new)
        except src.SourceError as exc:
            _usage_error(str(exc))
        for p in [*pa, *pb]:
            click.echo(p.format(), err=True)
        if a is None or b is None:
            broken = True
            for side, name in ((a, old), (b, new)):
                if side is None:
                    click.echo(
                        f"blueprint: {name} cannot be compared: fix the errors above first",
                        err=True,
                    )
            continue
        diffs.append(D.compare(a, b))
    if broken:
        sys.exit(EXIT_USAGE)
    if fmt == "json":
        text = diff_json.as_json(diffs, many=bool(rev), notes=json_notes)
    elif fmt == "markdown":
        text = diff_markdown.markdown(diffs)
    elif fmt == "github":
        text = diff_github.github(diffs) if diffs else ""
    else:
        text = "\n".join(diff_text.text(d) for d in diffs)
    if notes and fmt != "json":
        bullet = "- " if fmt == "markdown" else ""
        text += "\n" + "\n".join(bullet + vocab.printable(n) for n in notes) + "\n"
    if output and output != "-":
        from blueprint.fsutil import OutputError, write_atomic

        try:
            write_atomic(
                output,
                text,
                inputs=[s for p in pairs for s in p if s and not src.is_revision_spec(s)],
            )
        except OutputError as exc:
            _usage_error(str(exc))
    else:
        click.echo(text, nl=False)
    if fail_on == "worse":
        sys.exit(EXIT_PROBLEMS if any(d.worse for d in diffs) else EXIT_OK)
    sys.exit(EXIT_PROBLEMS if notes or any(d.changed for d in diffs) else EXIT_OK)


def _isdir(path: str) -> bool:
    import os

    return os.path.isdir(path)


def _textconv(file: str) -> str:
    """A blueprint as git should compare it: its canonical summary; never fails."""
    from blueprint import lint
    from blueprint.report.diff_text import canonical

    res = lint.check_file(file)
    if not res.loaded:
        lines = [f"# does not load: {len(res.problems)} problem(s)"]
        lines += [p.format() for p in res.problems]
        try:
            with open(file, encoding="utf-8", errors="replace") as fh:
                lines += ["", fh.read()]
        except OSError:
            pass
        return "\n".join(lines) + "\n"
    return canonical(res.blueprint, res.analysis)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False),
    default="site",
    show_default=True,
    help="Folder to write the site into (created when missing).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Blueprints built at once, in separate processes.",
)
@click.option(
    "--paper",
    type=click.Choice(vocab.PAPERS),
    default=vocab.PAPERS[0],
    show_default=True,
    help="Paper of the printable PDF diagrams (a2, a1, a0 for posters).",
)
@click.option(
    "--theme", type=click.Choice(vocab.THEMES), default=vocab.THEMES[0], show_default=True
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of templates overriding the built-in script templates.",
)
@click.option(
    "--inferred/--no-inferred",
    default=True,
    show_default=True,
    help="Draw the inferred fail points and waits in the diagrams, or only declared ones.",
)
@click.option("--force", is_flag=True, help="Rebuild everything, even what is up to date.")
def build(paths, outdir, jobs, paper, theme, templates, inferred, force):
    """Build every blueprint (default: blueprints/) into a folder for a course:
    SVG and PDF diagrams, all scripts, a print handout per blueprint and an
    index.html with each one's check status and analysis headline.

    Only what changed since the last build is rebuilt, and the folder holds
    exactly this build: outputs of blueprints no longer given are removed
    (never a file blueprint did not write). Links and pipes planted in the
    folder are replaced, never followed; a second build into the same folder
    is refused while one runs. A broken blueprint is reported and the others
    are still built. Exit 0 when all were built cleanly, 1 when a blueprint
    has errors or could not be drawn, 2 on usage errors.
    """
    import io
    import os

    from blueprint import build as b
    from blueprint.fsutil import OutputError
    from blueprint.render.backend import find_engine

    paths = list(paths) or _default_paths()
    files = _discover(paths)
    _require_project_config(files)
    if templates is not None and not os.path.isdir(templates):
        _usage_error(f"--templates {templates}: no such folder")
    if find_engine() is None:
        _usage_error(
            "Graphviz is not installed (no 'neato' program); install it: sudo apt-get install graphviz"
        )
    options = b.BuildOptions(paper=paper, theme=theme, templates=templates, inferred=inferred)

    def progress(total: int):
        show = sys.stderr.isatty() and total > 1
        return click.progressbar(
            length=total, label="building", file=sys.stderr if show else io.StringIO()
        )

    try:
        result = b.run(files, outdir, options, jobs=jobs, force=force, progress=progress)
    except OutputError as exc:
        _usage_error(str(exc))
    for note in result.notes:
        click.echo(f"blueprint: {note}", err=True)
    for s in result.summaries:
        if s["errors"]:
            for line in s.get("problems", []):
                click.echo(line)
    for s in result.with_problems:
        click.echo(f"{s['path']}: not fully built: {s.get('failed') or 'errors'}", err=True)
    n, bad = len(result.summaries), len(result.with_problems)
    k = len(result.removed)
    removed = f", {k} old file{'s' if k != 1 else ''} removed" if k else ""
    click.echo(
        f"{n} blueprint{'s' if n != 1 else ''}: {result.built} built, "
        f"{result.up_to_date} up to date, {bad} with problems{removed} -> {result.index}"
    )
    sys.exit(EXIT_PROBLEMS if bad else EXIT_OK)


@cli.command()
@click.argument("path", required=False, type=click.Path())
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port of the page; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but this computer's own lets others on the network "
    "read the blueprints (a warning is printed).",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser.")
@click.option(
    "--templates",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Folder of templates overriding the built-in script templates (watched too).",
)
@click.option(
    "--editor-url",
    default=None,
    metavar="URL",
    help="Make each problem a link that opens the file in your editor, e.g. "
    "'vscode://file/{path}:{line}:{col}' ({path}, {line} and {col} are filled in).",
)
def serve(path, port, host, open_page, templates, editor_url):
    """Show a blueprint, or every blueprint of a folder (default: blueprints/),
    on a local web page that redraws by itself each time a file is saved:
    the diagram (zoom, pan, switches, downloads), the problems, the analysis
    headline and the scripts. Ctrl-C stops it.

    Exit 0 when stopped, 2 on usage errors (a port in use, Graphviz missing).
    """
    import errno
    import os
    import re

    from blueprint.render.backend import find_engine

    path = path or _default_paths()[0]
    if not os.path.exists(path):
        _usage_error(f"{path}: no such file or folder")
    if not os.path.isdir(path):
        _discover([path])
    if templates is not None and not os.path.isdir(templates):
        _usage_error(f"--templates {templates}: no such folder")
    if editor_url is not None and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", editor_url):
        _usage_error("--editor-url must be a URL such as 'vscode://file/{path}:{line}:{col}'")
    if editor_url is not None and editor_url.split(":", 1)[0].lower() in (
        "javascript",
        "data",
        "vbscript",
    ):
        _usage_error("--editor-url must open an editor, not run a script")
    if find_engine() is None:
        _usage_error(
            "Graphviz is not installed (no 'neato' program); install it: sudo apt-get install graphviz"
        )
    from blueprint.serve import Server
    from blueprint.serve.web import is_loopback

    if not is_loopback(host):
        click.echo(
            f"blueprint: warning: --host {host} lets other computers on the network read these "
            "blueprints through the page (it has no password); use it only on a network you trust",
            err=True,
        )
    import signal
    import threading

    on_term = None
    if threading.current_thread() is threading.main_thread():
        # a service manager's stop (SIGTERM) ends it as cleanly as Ctrl-C
        on_term = signal.signal(signal.SIGTERM, signal.default_int_handler)
    server = None
    try:
        try:
            server = Server(path, host=host, port=port, templates=templates, editor_url=editor_url)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                _usage_error(
                    f"port {port} on {host} is in use (another blueprint serve?); "
                    "use --port 0 to pick a free port"
                )
            _usage_error(f"cannot listen on {host} port {port}: {exc.strerror or exc}")
        n = len(server.project.entries)
        click.echo(
            f"serving {n} blueprint{'s' if n != 1 else ''} from {path} at {server.url} "
            "(Ctrl-C stops)"
        )
        sys.stdout.flush()
        if open_page:
            import webbrowser

            webbrowser.open(server.url)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.stop()
        if on_term is not None:
            signal.signal(signal.SIGTERM, on_term)
    click.echo("blueprint: stopped", err=True)
    sys.exit(EXIT_OK)


@cli.command()
@click.argument("file", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.EXPORT_FORMATS),
    required=True,
    help="xlsx: the Blueprint, Steps, Flows and Analysis sheets; csv: the Steps table; "
    "json: the whole blueprint (docs/interchange.md).",
)
@click.option("-o", "--output", required=True, help="The file to write.")
def export(file, fmt, output):
    """Export a blueprint as a spreadsheet (xlsx, csv) or json for other tools.

    Exit 0 when written, 1 when the blueprint has errors, 2 on usage errors.
    """
    from blueprint.fsutil import OutputError, write_atomic
    from blueprint.sheets import export as ex

    res = _checked_blueprint(file, "exported")
    try:
        data: str | bytes
        if fmt == "xlsx":
            data = ex.as_xlsx(res)
        elif fmt == "csv":
            data = ex.as_csv(res.blueprint)
        else:
            data = ex.as_json(res.blueprint)
    except ImportError as exc:  # openpyxl is a dependency; a broken install names it
        _usage_error(f"export needs openpyxl: {exc}")
    try:
        note = write_atomic(output, data, inputs=[file])
    except OutputError as exc:
        _usage_error(str(exc))
    if note:
        click.echo(f"blueprint: {note}", err=True)


@cli.command("import")
@click.argument("sheet", type=click.Path())
@click.option("-o", "--output", required=True, help="The blueprint file (YAML) to write.")
@click.option("--force", is_flag=True, help="Write over an existing output file.")
def import_(sheet, output, force):
    """Import a spreadsheet (xlsx or csv) as a blueprint.

    Reads a grid (lanes as rows, steps as columns) or a steps table (one row
    per step, as export writes it); writes YAML with '# guessed:' comments,
    then checks it. Exit 0 when the result is clean, 1 when cells could not be
    read or the result has errors (both listed), 2 on usage or input errors.
    """
    import os

    from blueprint import lint, report
    from blueprint.fsutil import OutputError, same_file, write_atomic

    if os.path.lexists(output) and os.path.exists(sheet) and same_file(output, sheet):
        _usage_error(f"{output}: refusing to write over the input file")
    if os.path.lexists(output) and not force:
        _usage_error(f"{output}: exists; give --force to write over it")
    try:
        from blueprint.sheets import importer
    except ImportError as exc:
        _usage_error(f"import needs openpyxl: {exc}")
    try:
        imp, notes = importer.read(sheet)
    except importer.SheetError as exc:
        _usage_error(str(exc))
    problems = notes + imp.problems
    for p in problems:
        click.echo(p.format())
    if not imp.data.get("steps"):
        if not any(p.severity == "error" for p in problems):
            click.echo(f"{os.path.basename(sheet)}: error no steps found [sheet-layout]")
        sys.exit(EXIT_PROBLEMS)
    try:
        note = write_atomic(output, importer.to_yaml(imp), inputs=[sheet])
    except OutputError as exc:
        _usage_error(str(exc))
    if note:
        click.echo(f"blueprint: {note}", err=True)
    res = lint.check_file(output)
    if res.problems:
        click.echo(report.text([res], color=report.use_color()), nl=False)
    bad = any(p.severity in vocab.at_least(vocab.WARNING) for p in problems) or res.count("error")
    n = len(imp.data["steps"])
    click.echo(f"blueprint: {output}: {n} step{'s' if n != 1 else ''} imported", err=True)
    sys.exit(EXIT_PROBLEMS if bad else EXIT_OK)


def main(prog_name: str | None = None):
    cli(prog_name=prog_name or "blueprint")


if __name__ == "__main__":  # pragma: no cover
    main()
