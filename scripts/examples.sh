#!/usr/bin/env bash
# The main job on the bundled examples: check them, then build every diagram,
# script and handout into site/ (open site/index.html). Installs what is needed
# first (see scripts/setup.sh). Extra arguments go to `blueprint build`
# (for example --paper a3 or --jobs 2). Exit 1 when a blueprint has problems:
# the site is still built for the others.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
status=0
blueprint check --strict blueprints/ || status=$?
if [ "$SYSTEM_DEPS_MISSING" = 1 ]; then
  say "Graphviz or a CJK font is missing (see above): checked only, no diagrams built"
  exit "$status"
fi
blueprint build blueprints/ -o site/ "$@" || status=$?
echo "open $ROOT/site/index.html"
exit "$status"
