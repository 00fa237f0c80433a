# Shared by the CLI tests: each test script is called as `script.sh QASIM SOURCE_DIR`.
set -euo pipefail
QASIM="$1"
SRC="$2"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PY=/usr/bin/python3  # Debian's python3 (numpy, onnx); the first python3 on PATH may not be

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE cmd... : runs cmd, captures stdout+stderr in $WORK/out, checks the code.
expect_exit() {
  local want="$1"; shift
  set +e
  "$@" >"$WORK/out" 2>&1
  local got=$?
  set -e
  [ "$got" = "$want" ] || { cat "$WORK/out" >&2; fail "exit $got, expected $want: $*"; }
}

# expect_output TEXT : the last command's output contains TEXT.
expect_output() {
  grep -qF -- "$1" "$WORK/out" || { cat "$WORK/out" >&2; fail "output lacks '$1'"; }
}

have_numpy() { $PY -c 'import numpy' 2>/dev/null; }
