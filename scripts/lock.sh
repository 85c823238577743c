#!/usr/bin/env bash
# Refresh the locked versions that scripts/examples.sh, scripts/test.sh and CI install:
#   bash scripts/lock.sh            (needs uv: it is in .venv/ after scripts/test.sh)
# requirements.txt      the package's dependencies and its build back-end (the main job)
# requirements-dev.txt  the same versions, plus the test, lint and type-check tools
# Both are universal (one file for every platform and Python >= 3.11) and carry hashes, so pip
# installs exactly what was reviewed. pyproject.toml keeps the loose ranges for people who
# pip install the package into their own environment; `bash scripts/test.sh --latest` tests those.
set -euo pipefail
cd "$(dirname "$0")/.."
UV="${UV:-$(command -v uv || echo .venv/bin/uv)}"
common=(--generate-hashes --universal --python-version 3.11 --quiet --upgrade)
"$UV" pip compile pyproject.toml requirements-build.in "${common[@]}" -o requirements.txt
"$UV" pip compile pyproject.toml requirements-build.in --extra test --extra dev -c requirements.txt "${common[@]}" -o requirements-dev.txt
echo "locked: requirements.txt requirements-dev.txt (review with git diff requirements*.txt)"
