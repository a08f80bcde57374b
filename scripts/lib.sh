# Shared by scripts/run and scripts/test: a virtual environment with pinned dependencies.
# Sourced, not run. Re-installs only when pyproject.toml, setup.py, constraints.txt or the
# wanted extras changed. Works from any directory: every path is relative to the repository.

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

# ensure_venv [EXTRAS]: `ensure_venv` for running the bot (runtime dependencies only),
# `ensure_venv dev` for the tests and tools. A venv set up with dev also serves `run`.
ensure_venv() {
  local extras="${1:-}" python stamp want have target
  python="$(find_python)"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating a virtual environment in $VENV" >&2
    "$python" -m venv "$VENV"
  fi
  stamp="$VENV/.opsbot-installed"
  want="$(cat "$ROOT/pyproject.toml" "$ROOT/setup.py" "$ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  # A dev install satisfies a runtime request; the reverse needs the dev extras added.
  if [ "$have" = "$want dev" ] || { [ -z "$extras" ] && [ "$have" = "$want" ]; }; then
    return 0
  fi
  target="$ROOT"
  [ -n "$extras" ] && target="$ROOT[$extras]"
  echo "==> installing pinned dependencies into $VENV (about a minute the first time)" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24" >&2
  # No --quiet: pip prints each package as it goes, so a first install shows its progress.
  "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar on \
    -c "$ROOT/constraints.txt" -e "$target" >&2
  echo "$want${extras:+ $extras}" >"$stamp"
  echo "==> dependencies installed" >&2
}
