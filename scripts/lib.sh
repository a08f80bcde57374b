# Shared by scripts/run and scripts/test: a virtual environment with pinned dependencies.
# Sourced, not run. Re-installs only when pyproject.toml or constraints.txt changed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${OPSBOT_VENV:-$ROOT/.venv}"

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "opsbot needs Python 3.11 or newer; install it and try again." >&2
  return 1
}

ensure_venv() {
  local python stamp want
  python="$(find_python)"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating a virtual environment in $VENV" >&2
    "$python" -m venv "$VENV"
  fi
  stamp="$VENV/.opsbot-installed"
  want="$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "==> installing pinned dependencies" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      -c "$ROOT/constraints.txt" -e "$ROOT[dev]" >&2
    echo "$want" >"$stamp"
  fi
}
