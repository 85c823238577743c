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

# (re)install the package when pyproject.toml changed since the last install
STAMP="$VENV/.blueprint-installed"
WANT="$(cat pyproject.toml | cksum)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  say "installing blueprint and its dependencies into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]" >&2
  echo "$WANT" > "$STAMP"
fi

# the system Graphviz (dot) draws the diagrams; a CJK font keeps Chinese readable
NEED=()
command -v dot >/dev/null 2>&1 || NEED+=(graphviz)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
  NEED+=(fonts-noto-cjk fontconfig)
fi
if [ "${#NEED[@]}" -gt 0 ]; then
  if ! apt_install "${NEED[@]}"; then
    say "missing: ${NEED[*]}. Install them with: sudo apt-get install ${NEED[*]}"
    say "(without Graphviz, 'blueprint render' cannot draw; without a CJK font, Chinese text shows as boxes)"
    SYSTEM_DEPS_MISSING=1
  fi
fi
SYSTEM_DEPS_MISSING="${SYSTEM_DEPS_MISSING:-0}"
export PATH="$VENV/bin:$PATH"
