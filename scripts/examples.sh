#!/usr/bin/env bash
# The main job on the bundled examples: check them, then build every diagram,
# script and handout into site/ (open site/index.html). Installs what is needed
# first (see scripts/setup.sh).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if [ "$SYSTEM_DEPS_MISSING" = 1 ]; then
  say "Graphviz or a CJK font is missing (see above): checking only, no diagrams"
  exec blueprint check --strict blueprints/
fi
blueprint check --strict blueprints/
blueprint build blueprints/ -o site/ "$@"
echo "open $ROOT/site/index.html"
