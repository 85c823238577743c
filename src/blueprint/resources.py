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


def export_schema_path() -> Path:
    """The JSON Schema of ``blueprint export --format json`` (docs/interchange.md)."""
    return _find("export.schema.json", "schema/export.schema.json")


def templates_dir() -> Path:
    return _find("templates", "templates")


@lru_cache(maxsize=1)
def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def repository_url() -> str:
    """The project's repository: ``[project.urls] Repository`` in pyproject.toml
    (the one place it is written), read from the installed package's metadata,
    else from a source checkout's pyproject.toml."""
    import tomllib
    from importlib import metadata

    try:
        urls = metadata.metadata("service-blueprint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository" and url.strip():
            return url.strip().rstrip("/")
    try:
        with open(_REPO / "pyproject.toml", "rb") as fh:
            url = tomllib.load(fh)["project"]["urls"]["Repository"]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return ""
    return str(url).rstrip("/")


def rule_doc_url(rule_id: str) -> str:
    """The rule's section of docs/rules.md in the repository."""
    base = repository_url()
    return f"{base}/blob/main/docs/rules.md#{rule_id}" if base else f"docs/rules.md#{rule_id}"
