"""Project configuration: rule severities for every blueprint under a folder.

Found upward from each checked file: a ``blueprint.toml`` (top-level keys), or
the ``[tool.blueprint]`` table of a ``pyproject.toml``. A blueprint's own
``rules:`` mapping overrides the project's settings.

    [tool.blueprint.rules]
    missing-evidence = "off"
    dead-end = "error"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field

from blueprint.problems import Pos, Problem, problem

_LEVELS = ("off", "info", "warning", "error")


@dataclass
class Config:
    path: str | None = None
    rules: dict = field(default_factory=dict)  # rule id -> severity
    problems: list = field(default_factory=list)


_cache: dict[str, Config] = {}


def _read(path: str, table_path: tuple) -> Config | None:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return Config(path, {}, [problem(path, Pos(1, 1), "error", f"cannot read the configuration: {exc}", "config")])
    for key in table_path:
        data = data.get(key) if isinstance(data, dict) else None
    if data is None:
        return None
    cfg = Config(path)
    rules = data.get("rules", {}) if isinstance(data, dict) else {}
    if not isinstance(rules, dict):
        cfg.problems.append(problem(path, Pos(1, 1), "error", "'rules' must be a table of rule = severity", "config"))
        return cfg
    for rid, level in rules.items():
        if level not in _LEVELS:
            cfg.problems.append(problem(path, Pos(1, 1), "error",
                                        f"rule '{rid}': severity must be one of {', '.join(_LEVELS)}, not {level!r}", "config"))
        else:
            cfg.rules[rid] = level
    return cfg


def find_config(start_dir: str) -> Config:
    """The configuration that applies to files in ``start_dir``."""
    start_dir = os.path.abspath(start_dir)
    if start_dir in _cache:
        return _cache[start_dir]
    d = start_dir
    found = Config()
    while True:
        for name, table in (("blueprint.toml", ()), ("pyproject.toml", ("tool", "blueprint"))):
            candidate = os.path.join(d, name)
            if os.path.isfile(candidate):
                cfg = _read(candidate, table)
                if cfg is not None:
                    found = cfg
                    break
        else:
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
            continue
        break
    _cache[start_dir] = found
    return found


def load_config_file(path: str) -> Config:
    """An explicitly named configuration file (``--config``)."""
    table = ("tool", "blueprint") if os.path.basename(path) == "pyproject.toml" else ()
    cfg = _read(path, table)
    return cfg if cfg is not None else Config(path)


def config_problems(cfg: Config, known: set) -> list[Problem]:
    out = list(cfg.problems)
    for rid in cfg.rules:
        if rid not in known:
            out.append(problem(cfg.path or "config", Pos(1, 1), "error", f"unknown rule '{rid}'", "unknown-rule"))
    return out
