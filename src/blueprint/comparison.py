"""The comparison page ``blueprint build`` adds for a to-be blueprint that names
the as-is it replaces (``replaces: as-is/hotel.yaml``).

Next to the to-be blueprint's other outputs: ``comparison.html`` (what the
redesign does to the service, by phase, with the figures old → new and the
change drawing), ``comparison.md`` (the same as ``blueprint diff --format
markdown``) and ``comparison.svg`` (``blueprint render --diff``). build.py
calls :func:`add_comparison` in one line; nothing here changes how the rest of
the site is built.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable

from blueprint import __version__

_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#1f2328}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
    ".small{color:#5f6368;font-size:.9em}img{max-width:100%;border:1px solid #ddd}"
    "li{margin:.2em 0}code{font-size:.95em}"
)


def replaced_path(path: str, replaces: str) -> str:
    """The as-is file a to-be blueprint at ``path`` names (relative to its folder)."""
    return os.path.normpath(os.path.join(os.path.dirname(path), replaces))


def add_comparison(path: str, result, options, out: Callable[[str, str | bytes], None]) -> None:
    """Write the comparison outputs through ``out(name, data)`` when the loaded
    blueprint of ``result`` names the as-is it replaces; a note on the page when
    the as-is cannot be read or compared. Never raises for a bad as-is."""
    bp = result.blueprint
    if bp is None or not bp.replaces or not result.loaded:
        return
    from blueprint import diff as D
    from blueprint import diffsource

    old_path = replaced_path(path, bp.replaces)
    try:
        old, problems = diffsource.read_side(old_path)
    except diffsource.SourceError as exc:
        out("comparison.html", _page(bp.title, f"<p>Cannot compare: {html.escape(str(exc))}</p>"))
        return
    if old is None:
        lines = "".join(f"{html.escape(p.format())}\n" for p in problems)
        out(
            "comparison.html",
            _page(bp.title, f"<p>The as-is blueprint has errors:</p><pre>{lines}</pre>"),
        )
        return
    new = D.Side(path, bp, result.analysis, tuple(result.problems), path)
    d = D.compare(old, new)
    from blueprint.report.diff_markdown import markdown

    out("comparison.md", markdown([d]))
    drawing = ""
    try:
        from blueprint import render as rnd
        from blueprint.render.diff import change_drawing

        merged, analysis, decor = change_drawing(d, options.theme)
        ropts = rnd.Options(theme=options.theme, inferred=options.inferred)
        out("comparison.svg", rnd.render(merged, analysis, "svg", ropts, decor=decor))
        drawing = (
            '<h2>The change drawn</h2><p><img src="comparison.svg" alt="the change drawn"></p>'
        )
    except Exception as exc:  # Graphviz missing or failing: the page says so, the rest stands
        drawing = f'<p class="small">No drawing: {html.escape(str(exc))}</p>'
    out("comparison.html", _page(bp.title, _body(d) + drawing))


def _body(d) -> str:
    from blueprint.report.diff_text import counts, figure_rows, mark, phase_title, sentence, verdict

    e = html.escape
    loc = d.new.bp.locale
    said = verdict(d, loc)
    parts = [
        f"<p>{e(d.old.name)} → {e(d.new.name)}: {e(counts(d, loc))}.</p>",
        f"<p><strong>{e(said[:1].upper() + said[1:])}.</strong></p>",
    ]
    for pid, name, group in d.by_phase():
        items = "".join(f"<li>{e(mark(ch))} {e(sentence(ch, str, loc))}</li>" for ch in group)
        parts.append(f"<h2>{e(phase_title(pid, name, loc))}</h2><ul>{items}</ul>")
    rows = "".join(
        f"<tr><td>{e(n)}</td><td>{e(o)}</td><td>{e(w)}</td><td>{e(c)}</td></tr>"
        for n, o, w, c in figure_rows(d, loc)
    )
    parts.append(
        "<h2>Figures</h2><table><tr><th>figure</th><th>before</th><th>after</th><th>change</th></tr>"
        f"{rows}</table>"
    )
    if d.problems:
        probs = "".join(
            f"<li>{'introduced' if pc.introduced else 'fixed'}: {e(pc.problem.format())}</li>"
            for pc in d.problems
        )
        parts.append(f"<h2>Problems</h2><ul>{probs}</ul>")
    return "\n".join(parts)


def _page(title: str, body: str) -> str:
    e = html.escape
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}: what the redesign changes</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<h1>{e(title)}: what the redesign changes</h1>\n{body}\n"
        f'<p class="small">Made by blueprint {e(__version__)} (blueprint diff).</p>\n</body>\n</html>\n'
    )
