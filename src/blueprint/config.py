"""Project configuration: rule severities for every blueprint under a folder.

Found upward from each checked file: a ``blueprint.toml`` (top-level keys), or
the ``[tool.blueprint]`` table of a ``pyproject.toml``. A blueprint's own
``rules:`` mapping overrides the project's settings.

    [tool.blueprint.rules]
    missing-evidence = "off"
    dead-end = "error"

A ``lang`` key (``lang = "zh-CN"``) names the language of messages when neither
``--lang``, ``BLUEPRINT_LANG`` nor the environment's locale does (messages.py).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field

from blueprint.messages import _
from blueprint.problems import Pos, Problem, did_you_mean, problem
from blueprint.vocab import LEVELS as _LEVELS
from blueprint.vocab import LOCALES, printable


@dataclass
class Config:
    path: str | None = None
    rules: dict = field(default_factory=dict)  # rule id -> severity
    problems: list = field(default_factory=list)
    positions: dict = field(default_factory=dict)  # rule id -> Pos of its key in the file
    lang: str | None = None  # the language of messages (`lang = "zh-CN"`), see messages.py


_cache: dict[str, Config] = {}


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _key_pos(text: str, key: str) -> Pos:
    """Where ``key`` is written as a TOML key (best effort; 1:1 when not found)."""
    pattern = re.compile(r"(?:^|[\s{,.])([\"']?)" + re.escape(key) + r"\1\s*=")
    for n, line in enumerate(text.splitlines(), 1):
        m = None if line.lstrip().startswith("#") else pattern.search(line)
        if m:
            return Pos(n, m.start(1) + 1)
    return Pos(1, 1)


def _read(path: str, table_path: tuple) -> Config | None:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        text = raw.decode("utf-8")
        data: object = tomllib.loads(text)  # then the table at table_path, or None
    except OSError as exc:
        return Config(
            path,
            {},
            [
                problem(
                    path,
                    Pos(1, 1),
                    "error",
                    _("cannot read the configuration: %(error)s") % {"error": exc.strerror or exc},
                    "bad-config",
                )
            ],
        )
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return Config(
            path,
            {},
            [
                problem(
                    path,
                    Pos(line, col),
                    "error",
                    _("cannot read the configuration: it is not UTF-8 text"),
                    "bad-config",
                )
            ],
        )
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _AT.search(msg)
        pos = Pos(int(m[1]), int(m[2])) if m else Pos(1, 1)
        return Config(
            path,
            {},
            [
                problem(
                    path,
                    pos,
                    "error",
                    _("cannot read the configuration: TOML syntax: %(error)s")
                    % {"error": _AT.sub("", msg)},
                    "bad-config",
                )
            ],
        )
    for key in table_path:
        data = data.get(key) if isinstance(data, dict) else None
    if data is None:
        return None
    cfg = Config(path)
    lang = data.get("lang") if isinstance(data, dict) else None
    if lang is not None:
        from blueprint.messages import normalize

        if isinstance(lang, str) and normalize(lang):
            cfg.lang = normalize(lang)
        else:
            cfg.problems.append(
                problem(
                    path,
                    _key_pos(text, "lang"),
                    "error",
                    _("'lang' must be one of %(choices)s, not %(value)s")
                    % {"choices": ", ".join(LOCALES), "value": printable(repr(lang))},
                    "bad-config",
                )
            )
    rules = data.get("rules", {}) if isinstance(data, dict) else {}
    if not isinstance(rules, dict):
        cfg.problems.append(
            problem(
                path,
                _key_pos(text, "rules"),
                "error",
                _("'rules' must be a table of rule = severity"),
                "bad-config",
            )
        )
        return cfg
    for rid, level in rules.items():
        pos = cfg.positions[rid] = _key_pos(text, rid)
        if not isinstance(level, str) or level not in _LEVELS:
            cfg.problems.append(
                problem(
                    path,
                    pos,
                    "error",
                    _("rule '%(rule)s': severity must be one of %(choices)s, not %(value)s")
                    % {
                        "rule": printable(rid),
                        "choices": ", ".join(_LEVELS),
                        "value": printable(repr(level)),
                    },
                    "bad-config",
                )
            )
        else:
            cfg.rules[rid] = level
    return cfg


def forget() -> None:
    """Forget the configurations found so far (a long-running language server
    reads them again when a file is checked, so edits to them count)."""
    _cache.clear()


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
            hint = did_you_mean(rid, sorted(known))
            out.append(
                problem(
                    cfg.path or "config",
                    cfg.positions.get(rid, Pos(1, 1)),
                    "error",
                    _("unknown rule '%(rule)s'%(hint)s") % {"rule": printable(rid), "hint": hint},
                    "unknown-rule",
                )
            )
    return out


def project_config_problems(files, known: set) -> list[Problem]:
    """Problems of the configuration files found upward from ``files``, each file once."""
    out, seen = [], set()
    for f in files:
        cfg = find_config(os.path.dirname(os.path.abspath(f)) or ".")
        if cfg.path and cfg.path not in seen:
            seen.add(cfg.path)
            out.extend(config_problems(cfg, known))
    return out
