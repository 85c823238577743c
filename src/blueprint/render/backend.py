"""The only place where a Graphviz program runs."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess

ENGINE = "neato"  # with -n2: keeps our positions, only routes the arrows
TIMEOUT = 120.0  # seconds
INSTALL_HINT = (
    "install Graphviz: 'apt-get install graphviz' (Debian, Ubuntu), "
    "'brew install graphviz' (macOS), 'choco install graphviz' (Windows)"
)


class GraphvizError(Exception):
    """Graphviz is missing, failed or took too long. The message is one line."""


def find_engine(name: str = ENGINE) -> str | None:
    """Path of the Graphviz program, or None when it is not installed."""
    return shutil.which(name)


def routes(dot_text: str, timeout: float = TIMEOUT) -> list:
    """Graphviz's route of every edge of the pinned DOT text: (tail node,
    head node, its ``pos`` text or None), edges between the same two nodes in
    the order they are written; empty if Graphviz's answer cannot be read."""
    return list(_routes(dot_text, timeout))


@functools.lru_cache(maxsize=2)  # `build` draws one diagram as SVG and as PDF
def _routes(dot_text: str, timeout: float) -> tuple:
    data = run(dot_text, "json0", timeout)
    try:
        graph = json.loads(data.decode("utf-8"))
        names = {o["_gvid"]: o["name"] for o in graph.get("objects", [])}
        return tuple(
            (
                names[e["tail"]],
                names[e["head"]],
                e["pos"] if isinstance(e.get("pos"), str) else None,
            )
            for e in sorted(graph.get("edges", []), key=lambda e: e["_gvid"])
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return ()  # unreadable: the caller lets Graphviz route and label in one run


def run(dot_text: str, fmt: str, timeout: float = TIMEOUT) -> bytes:
    """Lay out the pinned DOT text and render it to ``fmt`` (svg, png, pdf, json0)."""
    exe = find_engine()
    if exe is None:
        raise GraphvizError(
            f"Graphviz is not installed (no '{ENGINE}' program on PATH); {INSTALL_HINT}"
        )
    try:
        proc = subprocess.run(
            [exe, "-n2", f"-T{fmt}"],
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GraphvizError(f"Graphviz took longer than {timeout:g} s and was stopped") from None
    except OSError as exc:
        raise GraphvizError(
            f"Graphviz could not be started ({exe}: {exc.strerror or exc})"
        ) from None
    if proc.returncode != 0 or not proc.stdout:
        lines = [
            ln.strip() for ln in proc.stderr.decode("utf-8", "replace").splitlines() if ln.strip()
        ]
        errors = [ln for ln in lines if not ln.lower().startswith("warning")] or lines
        detail = errors[0] if errors else "no output"
        raise GraphvizError(f"Graphviz failed (exit {proc.returncode}): {detail}")
    return proc.stdout
