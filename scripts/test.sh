#!/usr/bin/env bash
# Run the test suite, installing what it needs first (see scripts/setup.sh).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if [ "$SYSTEM_DEPS_MISSING" = 1 ] && [ -n "${CI:-}" ]; then
  say "CI needs Graphviz and a CJK font: the diagram tests are not skipped in CI"; exit 2
fi
exec python -m pytest -q -p no:cacheprovider "$@"
