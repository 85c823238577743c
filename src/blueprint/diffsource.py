"""Where the two sides of ``blueprint diff`` come from: a file, ``REV:path``
read with ``git show`` from the repository that holds the path, or every
blueprint that changed since a revision (``--git REV``)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import replace

from blueprint.diff import Side
from blueprint.problems import Problem

GIT_TIMEOUT = 60  # seconds


class SourceError(Exception):
    """A side that cannot be read at all (no such file, no such revision): a usage error."""


def _git(cwd: str, *args: str) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", cwd, *args],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise SourceError("git is not installed (needed for REV:path and --git)") from exc
    except subprocess.TimeoutExpired as exc:
        raise SourceError(f"git {args[0]} took longer than {GIT_TIMEOUT}s") from exc
    if out.returncode != 0:
        why = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"git {args[0]}: {why[-1] if why else 'failed'}")
    return out.stdout.decode("utf-8", "replace")


def _existing_dir(path: str) -> str:
    d = os.path.dirname(os.path.abspath(path))
    while not os.path.isdir(d) and os.path.dirname(d) != d:
        d = os.path.dirname(d)
    return d


def is_revision_spec(spec: str) -> bool:
    """``REV:path`` (an existing file of that name is a file)."""
    return not os.path.exists(spec) and ":" in spec and not spec.startswith(":")


def git_show(spec: str) -> tuple[str, bytes]:
    """(the path in the working tree, the file's bytes at the revision) for ``REV:path``."""
    rev, path = spec.split(":", 1)
    if not rev or not path:
        raise SourceError(f"{spec}: write REV:path, for example HEAD~1:blueprints/hotel.yaml")
    where = _existing_dir(path)
    top = _git(where, "rev-parse", "--show-toplevel").strip()
    rel = os.path.relpath(os.path.abspath(path), os.path.realpath(top))
    if rel.startswith(".."):
        rel = os.path.relpath(os.path.realpath(os.path.abspath(path)), os.path.realpath(top))
    try:
        data = subprocess.run(
            ["git", "-C", top, "show", f"{rev}:{rel.replace(os.sep, '/')}"],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
        raise SourceError(f"{spec}: git show failed ({exc})") from exc
    if data.returncode != 0:
        why = data.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"{spec}: {why[-1] if why else 'git show failed'}")
    return path, data.stdout


def read_side(spec: str) -> tuple[Side | None, list[Problem]]:
    """The side named ``spec``, or None and the problems that keep it from
    being compared (a file that does not load); SourceError when it cannot be read."""
    from blueprint import lint
    from blueprint.config import find_config

    if not is_revision_spec(spec):
        if not os.path.exists(spec):
            raise SourceError(f"{spec}: no such file (for a file in git, write REV:path)")
        if os.path.isdir(spec):
            raise SourceError(f"{spec}: is a folder; give one blueprint file (or use --git REV)")
        return _side(lint.check_file(spec), spec, spec)
    path, data = git_show(spec)
    config = find_config(_existing_dir(path))
    with tempfile.TemporaryDirectory(prefix="blueprint-diff-") as tmp:
        name = os.path.join(tmp, os.path.basename(path) or "blueprint.yaml")
        with open(name, "wb") as fh:
            fh.write(data)
        res = lint.check_file(name, config)
    res.problems = [replace(p, path=spec) for p in res.problems]
    if res.blueprint is not None:
        res.blueprint.path = spec
    return _side(res, spec, path)


def _side(res, name: str, file: str) -> tuple[Side | None, list[Problem]]:
    if not res.loaded:
        return None, list(res.problems)
    return Side(name, res.blueprint, res.analysis, tuple(res.problems), file), []


def changed_since(rev: str, paths: list[str]) -> list[tuple[str | None, str | None]]:
    """(old spec or None, new file or None) of every *.yaml / *.yml under
    ``paths`` that differs between ``rev`` and the working tree, in path order."""
    out = _git(
        ".", "diff", "--no-renames", "--relative", "--name-status", "-z", rev, "--", *paths
    ).split("\0")
    pairs: list[tuple[str | None, str | None]] = []
    it = iter(x for x in out if x)
    for status, path in zip(it, it):
        if not path.endswith((".yaml", ".yml")):
            continue
        if status.startswith("A"):
            pairs.append((None, path))
        elif status.startswith("D"):
            pairs.append((f"{rev}:{path}", None))
        else:
            pairs.append((f"{rev}:{path}", path))
    return sorted(pairs, key=lambda p: p[1] or (p[0] or "").split(":", 1)[1])
