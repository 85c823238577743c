"""Files that ship with the package: the JSON Schema and the jinja2 templates.

A wheel carries them in ``blueprint/data/``; an editable install or a source
checkout finds them at the repository root (``schema/``, ``templates/``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent
_REPO = _PKG.parent.parent


def _find(packaged: str, in_repo: str) -> Path:
    for candidate in (_PKG / "data" / packaged, _REPO / in_repo):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"blueprint is installed without its {packaged}; reinstall the package")


def schema_path() -> Path:
    return _find("blueprint.schema.json", "schema/blueprint.schema.json")


def templates_dir() -> Path:
    return _find("templates", "templates")


@lru_cache(maxsize=1)
def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def repository_url() -> str:
    """The project's repository, from the one place that holds it: pyproject.toml's
    ``[project.urls] Repository``, as the installed distribution's metadata carries it."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("service-blueprint").get_all("Project-URL") or []
    except PackageNotFoundError:  # a bare source tree: read pyproject.toml itself
        import tomllib

        data = tomllib.loads((_REPO / "pyproject.toml").read_text(encoding="utf-8"))
        return str(data["project"]["urls"]["Repository"])
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository":
            return url.strip()
    raise LookupError("the installed service-blueprint names no Repository URL")


def rule_doc_url(rule_id: str) -> str:
    """Where a rule's documentation is read on the web (docs/rules.md, the rule's heading)."""
    return f"{repository_url()}/blob/main/docs/rules.md#{rule_id}"
