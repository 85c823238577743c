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
