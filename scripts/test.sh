#!/usr/bin/env bash
# The test suite: ruff (lint and format), mypy, then pytest (golden files included).
# Installs what it needs first (see scripts/setup.sh): the locked versions of
# requirements-dev.txt in .venv/, Graphviz, a CJK font and Chromium.
#   bash scripts/test.sh              everything, as CI runs it (.ci/run)
#   bash scripts/test.sh -k golden    extra arguments go to pytest
#   bash scripts/test.sh --latest     the same against the newest dependency versions that
#                                     pyproject.toml allows (in .venv-latest/, no lock): what a
#                                     user's `pip install` gets today. Not part of CI.
if [ "${1:-}" = "--latest" ]; then
  shift
  export BLUEPRINT_SETUP=latest
  export BLUEPRINT_VENV="${BLUEPRINT_VENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv-latest}"
fi
export BLUEPRINT_SETUP="${BLUEPRINT_SETUP:-test}"
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if [ "$SYSTEM_DEPS_MISSING" = 1 ] && [ -n "${CI:-}" ]; then
  say "CI needs Graphviz, a CJK font, Chromium, poppler-utils and Neovim: their tests are not skipped in CI"; exit 2
fi
say "ruff check"
ruff check --quiet src tests benchmarks
say "ruff format --check"
ruff format --check --quiet src tests benchmarks
if grep -q '^\[tool.mypy\]' pyproject.toml; then
  say "mypy"
  mypy
fi
exec python -m pytest -q -p no:cacheprovider "$@"
