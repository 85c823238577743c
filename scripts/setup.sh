# Sourced by scripts/examples.sh and scripts/test.sh: makes sure that a virtual
# environment with blueprint, the system Graphviz and a CJK font are present.
# Installs what is missing (apt-get when run as root); otherwise says what to install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BLUEPRINT_VENV:-$ROOT/.venv}"
cd "$ROOT"

say() { printf 'setup: %s\n' "$*" >&2; }

APT_UPDATED=0
apt_install() {
  # apt_install PACKAGE... : install Debian packages when we are root, else explain
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    if [ "$APT_UPDATED" = 0 ]; then
      say "apt-get update"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      APT_UPDATED=1
    fi
    say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
    return 0
  fi
  return 1
}

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for c in python3.13 python3.12 python3.11 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PY="$c"; break
    fi
  done
fi
if [ -z "$PY" ]; then
  say "blueprint needs Python 3.11 or newer; install it (Debian: apt-get install python3)"; exit 2
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating the virtual environment $VENV"
  if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    apt_install python3-venv || { say "cannot create a virtual environment: install python3-venv (Debian: apt-get install python3-venv)"; exit 2; }
    "$PY" -m venv "$VENV"
  fi
fi

# (re)install when pyproject.toml or the lock changed since the last install.
# BLUEPRINT_SETUP picks what: "run" (the main job: requirements.txt), "test" (also the test,
# lint and type-check tools: requirements-dev.txt), or "latest" (no lock: the newest
# versions that pyproject.toml's ranges allow, as `pip install` gives a user today).
MODE="${BLUEPRINT_SETUP:-run}"
case "$MODE" in
  run) LOCK=requirements.txt ;;
  test) LOCK=requirements-dev.txt ;;
  latest) LOCK="" ;;
  *) say "BLUEPRINT_SETUP must be run, test or latest, not '$MODE'"; exit 2 ;;
esac
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
STAMP="$VENV/.blueprint-installed-$MODE"
WANT="$(cat pyproject.toml ${LOCK:+"$LOCK"} | cksum)"
if [ "$MODE" = latest ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  if [ -n "$LOCK" ]; then
    say "installing the locked versions of $LOCK into $VENV"
    "${PIP[@]}" install --quiet --require-hashes -r "$LOCK" >&2
    "${PIP[@]}" install --quiet --no-deps --no-build-isolation -e . >&2
  else
    say "installing the newest versions pyproject.toml allows into $VENV (no lock)"
    "${PIP[@]}" install --quiet --upgrade --upgrade-strategy eager pip hatchling editables >&2
    "${PIP[@]}" install --quiet --upgrade --upgrade-strategy eager -e ".[test,dev]" >&2
    "${PIP[@]}" list --format freeze 2>/dev/null | sed 's/^/setup:   /' >&2
  fi
  echo "$WANT" > "$STAMP"
fi
# the editable install runs from src/: compile its bytecode now, as PYTHONDONTWRITEBYTECODE=1
# (common in CI and containers) would otherwise have every command compile every module
# again (0.05-0.2 s of a 0.3 s check); up-to-date files are skipped, edited ones recompiled
"$VENV/bin/python" -m compileall -q src >/dev/null || true

# the system Graphviz (dot) draws the diagrams; a CJK font keeps Chinese readable
NEED=()
command -v dot >/dev/null 2>&1 || NEED+=(graphviz)
# the tests open the built site in Debian's Chromium (headless), read PDFs with pdftotext and
# attach the language server to Neovim; the main job needs none of them
if [ "$MODE" != run ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  NEED+=(chromium)
fi
if [ "$MODE" != run ] && ! command -v pdftotext >/dev/null 2>&1; then
  NEED+=(poppler-utils)
fi
# the language server's test attaches `blueprint lsp` to a real editor: Neovim, headless
if [ "$MODE" != run ] && ! command -v nvim >/dev/null 2>&1; then
  NEED+=(neovim)
fi
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
  NEED+=(fonts-noto-cjk fontconfig)
fi
if [ "${#NEED[@]}" -gt 0 ]; then
  if ! apt_install "${NEED[@]}"; then
    say "missing: ${NEED[*]}. Install them with: sudo apt-get install ${NEED[*]}"
    say "(without Graphviz, 'blueprint render' cannot draw; without a CJK font, Chinese text shows as boxes;"
    say " without Chromium, poppler-utils or Neovim, the tests that need them are skipped)"
    SYSTEM_DEPS_MISSING=1
  fi
fi
SYSTEM_DEPS_MISSING="${SYSTEM_DEPS_MISSING:-0}"
export PATH="$VENV/bin:$PATH"
