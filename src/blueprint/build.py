"""`blueprint build`: every blueprint of a folder to diagrams, scripts and an index.

For each blueprint ``<stem>.yaml`` the build writes, under ``OUTDIR/<stem>/``:
``diagram.svg``, ``diagram.pdf`` (print-ready), ``handout.html`` (every script in
one print handout), ``customer.md`` and ``role-<role>.md`` scripts,
``analysis.json`` and ``check.txt``; then ``OUTDIR/index.html`` lists every
blueprint with its check status and analysis headline.

Builds are incremental: ``OUTDIR/.blueprint-build.json`` keeps a content hash of
each input (the file, the project configuration, the templates, blueprint's
version and the options); an unchanged blueprint whose outputs are all present
is not rebuilt. Every file is written atomically, so an interrupted build
leaves only complete files.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from dataclasses import dataclass

from blueprint import __version__
from blueprint.fsutil import write_atomic

MANIFEST = ".blueprint-build.json"


@dataclass(frozen=True)
class BuildOptions:
    paper: str = "a4"
    theme: str = "color"
    templates: str | None = None
    inferred: bool = True


def _hash_tree(folder: str | None) -> str:
    h = hashlib.sha256()
    if folder and os.path.isdir(folder):
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                p = os.path.join(root, name)
                h.update(os.path.relpath(p, folder).encode())
                with open(p, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


def input_hash(path: str, options: BuildOptions, shared: str) -> str:
    """The content hash that decides whether ``path`` must be rebuilt."""
    h = hashlib.sha256()
    h.update(f"{__version__}|{options.paper}|{options.theme}|{options.inferred}|{shared}|".encode())
    try:
        with open(path, "rb") as fh:
            h.update(fh.read())
    except OSError:
        h.update(b"<unreadable>")
    from blueprint.config import find_config

    cfg = find_config(os.path.dirname(os.path.abspath(path)))
    if cfg.path:
        try:
            with open(cfg.path, "rb") as fh:
                h.update(fh.read())
        except OSError:
            pass
    return h.hexdigest()


def shared_hash(options: BuildOptions) -> str:
    """Hash of what every blueprint's outputs depend on besides the file itself."""
    from blueprint.resources import templates_dir

    return hashlib.sha256(
        (_hash_tree(str(templates_dir())) + _hash_tree(options.templates)).encode()
    ).hexdigest()


def _slug(path: str, taken: set) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in stem).strip(".") or "blueprint"
    if safe in ("index.html", MANIFEST):  # names the site itself uses
        safe = f"{safe}-blueprint"
    slug, n = safe, 2
    while slug in taken:
        slug, n = f"{safe}-{n}", n + 1
    taken.add(slug)
    return slug


def build_one(path: str, outdir: str, slug: str, options: BuildOptions) -> dict:
    """Build one blueprint; returns its summary for the index. Never raises for
    a broken blueprint: its problems are in the summary."""
    from blueprint import lint
    from blueprint.report import text as report_text

    target = os.path.join(outdir, slug)
    result = lint.check_file(path)
    summary = {
        "path": path,
        "slug": slug,
        "title": os.path.basename(path),
        "id": "",
        "errors": result.count("error"),
        "warnings": result.count("warning"),
        "outputs": [],
        "problems": [p.format() for p in result.problems],
        "headline": {},
        "failed": "",
    }
    outputs = []

    def out(name: str, data) -> None:
        write_atomic(os.path.join(target, name), data, inputs=[path])
        outputs.append(name)

    out("check.txt", report_text([result]))
    if not result.loaded or summary["errors"]:
        summary["outputs"] = outputs
        summary["failed"] = "the blueprint has errors"
        return summary

    analysis = result.analysis
    bp = analysis.bp
    summary["title"], summary["id"] = bp.title, bp.id
    summary["headline"] = headline(analysis)
    out("analysis.json", json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2) + "\n")

    from blueprint import script as scripts

    handout = scripts.build(bp, analysis.structure, analysis)
    labels = summary["labels"] = {}
    try:
        out("handout.html", scripts.render(handout, "html", options.templates))
        parts = [("customer", scripts.select(handout, customer=True), handout.script("customer"))]
        parts += [
            (f"role-{role}", scripts.select(handout, role=role), handout.script("role", role))
            for role in handout.roles
        ]
        for stem, part, script in parts:
            out(f"{stem}.html", scripts.render(part, "html", options.templates))
            out(f"{stem}.md", scripts.render(part, "md", options.templates))
            labels[f"{stem}.html"] = script.title if script is not None else stem
    except scripts.ScriptError as exc:  # a broken designer template: one line, keep drawing
        summary["failed"] = str(exc)

    from blueprint import render as rnd
    from blueprint.render.backend import GraphvizError

    ropts = rnd.Options(theme=options.theme, paper=options.paper, inferred=options.inferred)
    try:
        out("diagram.svg", rnd.render(bp, analysis, "svg", ropts))
        out("diagram.pdf", rnd.render(bp, analysis, "pdf", ropts))
    except GraphvizError as exc:
        summary["failed"] = str(exc)
    __import__("blueprint.comparison").comparison.add_comparison(path, result, options, out)
    summary["outputs"] = outputs
    return summary


def headline(a) -> dict:
    """The figures the index shows for one blueprint."""
    by_id = a.bp.by_id
    return {
        "fail_declared": sum(1 for f in a.fail_points if f.declared),
        "fail_inferred": sum(1 for f in a.fail_points if not f.declared),
        "waits": len(a.wait_points),
        "waits_over": sum(1 for w in a.wait_points if w.over_tolerance),
        "peak": [by_id[p].text for p in a.peaks],
        "end": [by_id[e].text for e in a.ends],
        "peak_end_score": a.peak_end_score,
    }


def _worker(args):
    from blueprint.fsutil import OutputError

    path, outdir, slug, options = args
    try:
        return build_one(path, outdir, slug, options)
    except OutputError as exc:  # an output that cannot be written: one line, the others go on
        return {
            "path": path,
            "slug": slug,
            "title": os.path.basename(path),
            "id": "",
            "errors": 0,
            "warnings": 0,
            "outputs": [],
            "headline": {},
            "problems": [],
            "failed": str(exc),
        }
    except Exception as exc:  # a bug must not stop the other blueprints
        return {
            "path": path,
            "slug": slug,
            "title": os.path.basename(path),
            "id": "",
            "errors": 1,
            "warnings": 0,
            "outputs": [],
            "headline": {},
            "problems": [],
            "failed": f"internal error: {type(exc).__name__}: {exc}",
        }


def load_manifest(outdir: str) -> dict:
    try:
        with open(os.path.join(outdir, MANIFEST), encoding="utf-8") as fh:
            data = json.load(fh)
        return (
            data
            if isinstance(data, dict) and data.get("version") == 1
            else {"version": 1, "files": {}}
        )
    except (OSError, ValueError):
        return {"version": 1, "files": {}}


def up_to_date(entry: dict | None, digest: str, outdir: str) -> bool:
    if not entry or entry.get("hash") != digest:
        return False
    if entry["summary"].get("failed") and not entry["summary"].get("errors"):
        return False  # drawing or a template failed: try again
    return all(
        os.path.exists(os.path.join(outdir, entry["summary"]["slug"], o))
        for o in entry["summary"]["outputs"]
    )


def plan(files: list[str], outdir: str, options: BuildOptions):
    """(jobs to run, summaries reused, manifest) for ``files``."""
    manifest = load_manifest(outdir)
    shared = shared_hash(options)
    taken: set = set()
    todo, reused, digests = [], {}, {}
    for f in files:
        key = os.path.relpath(os.path.abspath(f), os.path.abspath(outdir))
        slug = _slug(f, taken)
        digest = input_hash(f, options, shared)
        digests[f] = (key, digest)
        entry = manifest["files"].get(key)
        if up_to_date(entry, digest, outdir) and entry["summary"]["slug"] == slug:
            reused[f] = entry["summary"]
        else:
            todo.append((f, outdir, slug, options))
    return todo, reused, digests, manifest


def save_manifest(outdir: str, manifest: dict) -> None:
    write_atomic(
        os.path.join(outdir, MANIFEST),
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True),
    )


# ---------------------------------------------------------------- the index page

_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans",system-ui,sans-serif;margin:2rem;color:#1f2933}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d9e2ec;padding:.5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8}.ok{color:#1d7a3a}.warn{color:#a05a00}.err{color:#b42318;font-weight:bold}
.small{font-size:.85rem;color:#52606d}img{max-width:360px;border:1px solid #d9e2ec}
pre{white-space:pre-wrap;font-size:.8rem}
"""


def index_html(summaries: list[dict]) -> str:
    e = html.escape
    rows = []
    for s in summaries:
        slug = s["slug"]
        link = lambda name, slug=slug: f"{e(slug)}/{e(name)}"  # noqa: E731
        if s["errors"]:
            status = (
                f'<span class="err">{s["errors"]} error{"s" if s["errors"] != 1 else ""}</span>'
            )
        elif s["warnings"]:
            status = f'<span class="warn">{s["warnings"]} warning{"s" if s["warnings"] != 1 else ""}</span>'
        else:
            status = '<span class="ok">clean</span>'
        if s.get("failed"):
            status += f'<div class="small">{e(s["failed"])}</div>'
        h = s.get("headline") or {}
        if h:
            score = h.get("peak_end_score")
            facts = (
                f"{h['fail_declared']} fail point{'s' if h['fail_declared'] != 1 else ''} "
                f"(+{h['fail_inferred']} inferred)<br>{h['waits']} wait point{'s' if h['waits'] != 1 else ''}"
                + (f" ({h['waits_over']} over tolerance)" if h.get("waits_over") else "")
                + f"<br>peak: {e(' / '.join(h['peak']) or '–')}<br>end: {e(' / '.join(h['end']) or '–')}"
                + (f"<br>peak–end score {score:+.1f}" if isinstance(score, (int, float)) else "")
            )
        else:
            facts = "–"
        outs = set(s.get("outputs", []))
        links = []
        for name, label in (
            ("diagram.svg", "diagram (SVG)"),
            ("diagram.pdf", "diagram (PDF, to print)"),
            ("handout.html", "training handout (all scripts)"),
        ):
            if name in outs:
                links.append(f'<a href="{link(name)}">{label}</a>')
        labels = s.get("labels", {})
        links += [
            f'<a href="{link(o)}">script: {e(labels[o])}</a>'
            + (f' (<a href="{link(o[:-5] + ".md")}">md</a>)' if o[:-5] + ".md" in outs else "")
            for o in sorted(labels, key=lambda o: (not o.startswith("customer"), o))
            if o in outs
        ]
        for name, label in (("analysis.json", "analysis (JSON)"), ("check.txt", "check report")):
            if name in outs:
                links.append(f'<a href="{link(name)}">{label}</a>')
        thumb = (
            f'<a href="{link("diagram.svg")}"><img src="{link("diagram.svg")}" alt="diagram of {e(s["title"])}"></a>'
            if "diagram.svg" in outs
            else ""
        )
        problems = "".join(f"{e(p)}\n" for p in s.get("problems", [])[:20])
        rows.append(
            f'<tr><td><strong>{e(s["title"])}</strong><div class="small">{e(s["path"])}</div>{thumb}</td>'
            f"<td>{status}"
            + (f"<pre>{problems}</pre>" if s["errors"] and problems else "")
            + "</td>"
            f"<td>{facts}</td><td>{'<br>'.join(links)}</td></tr>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Service blueprints</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<h1>Service blueprints</h1>\n<p class="small">Built by blueprint {e(__version__)}: '
        f"{len(summaries)} blueprint{'s' if len(summaries) != 1 else ''}.</p>\n"
        "<table>\n<thead><tr><th>blueprint</th><th>check</th><th>analysis</th><th>outputs</th></tr></thead>\n"
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</body>\n</html>\n"
    )
