"""The command line. Heavy modules are imported inside the commands, so that
``blueprint --version`` and ``--help`` start instantly."""

from __future__ import annotations

import sys

import click

from blueprint import __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("blueprint: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(EXIT_PROBLEMS)
        except Exception as exc:  # never show a traceback to a user
            click.echo(f"blueprint: internal error: {type(exc).__name__}: {exc} "
                       "(this is a bug in blueprint; please report it with the file)", err=True)
            sys.exit(EXIT_USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="blueprint")
def cli():
    """Service blueprints as code: check, analyse, draw and script a service described in YAML."""


def _usage_error(message: str):
    click.echo(f"blueprint: {message}", err=True)
    sys.exit(EXIT_USAGE)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif", "junit"]), default=None,
              help="Output format [default: github inside GitHub Actions, else text].")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit 1).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found (usage errors still exit 2).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (blueprint.toml or pyproject.toml) instead of the one found upward.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the problems, no summary.")
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

    paths = list(paths) or ["blueprints"]
    files, missing = lint.discover(paths)
    if missing:
        for p in missing:
            click.echo(p.format(), err=True)
        sys.exit(EXIT_USAGE)
    if not files:
        _usage_error(f"no *.yaml or *.yml files found in {', '.join(paths)}")
    config = None
    if config_path:
        if not os.path.isfile(config_path):
            _usage_error(f"configuration file not found: {config_path}")
        config = load_config_file(config_path)
        bad = config_problems(config, set(all_rules()))
    else:  # the blueprint.toml or pyproject.toml found upward from each file
        from blueprint.config import project_config_problems

        bad = project_config_problems(files, set(all_rules()))
    if bad:
        for p in bad:
            click.echo(p.format(), err=True)
        sys.exit(EXIT_USAGE)
    results = [lint.check_file(f, config) for f in files]
    failing = ("error", "warning") if strict else ("error",)
    if fmt is None:
        fmt = "github" if ci.in_github_actions() else "text"
    if fmt == "json":
        text = report.as_json(results)
    elif fmt == "github":
        text = ci.github(results)
    elif fmt == "sarif":
        text = ci.sarif(results, all_rules())
    elif fmt == "junit":
        text = ci.junit(results, failing)
    else:
        text = report.text(results, color=output is None and report.use_color(), quiet=quiet)
    if output:
        from blueprint.fsutil import OutputError, write_atomic

        try:
            write_atomic(output, text, inputs=files)
        except OutputError as exc:
            _usage_error(str(exc))
        if fmt not in ("text",):
            click.echo(report.summary(results), err=True)
    else:
        click.echo(text, nl=False)
    found = any(p.severity in failing for r in results for p in r.problems)
    sys.exit(EXIT_PROBLEMS if found and not exit_zero else EXIT_OK)


@cli.command()
def schema():
    """Print the JSON Schema of the blueprint format (for editors and tools)."""
    from blueprint.resources import schema_text

    click.echo(schema_text(), nl=False)


@cli.command()
@click.argument("rule_id", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def rules(rule_id, fmt):
    """List the rules, or show one rule's documentation."""
    from blueprint.rules import all_rules
    from blueprint.rules.docs import markdown, one_rule, table

    registry = all_rules()
    if rule_id:
        if rule_id not in registry:
            import difflib

            close = difflib.get_close_matches(rule_id, list(registry), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            _usage_error(f"no rule '{rule_id}'{hint} (blueprint rules lists them)")
        click.echo(one_rule(registry[rule_id]))
        return
    click.echo(markdown(registry) if fmt == "markdown" else table(registry))


def main(prog_name: str | None = None):
    cli(prog_name=prog_name or "blueprint")


if __name__ == "__main__":  # pragma: no cover
    main()
