#!/usr/bin/env bash
# Check, analyse, draw and script every bundled example into site/
# (installing what is needed first, see scripts/setup.sh).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
blueprint check --strict blueprints/
