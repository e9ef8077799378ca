#!/usr/bin/env bash
# Runs the whole CRIU Atlas test suite, the way CI does. Run it as root: the CRIU, sock_diag and
# cross-user tests need it (without root they skip, except in CI where they fail).
# It installs what the tests need (Debian packages, CRIU >= 4, Xvfb) through the project's scripts.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$here"

if [ "$(id -u)" = 0 ]; then
  bash scripts/setup-deps.sh
  CRIU_ATLAS_CRIU=$(bash scripts/provision-criu.sh)
  export CRIU_ATLAS_CRIU
  echo "test.sh: using criu at $CRIU_ATLAS_CRIU" >&2
else
  echo "test.sh: not root: tests that need root or CRIU will be skipped" >&2
fi

# An X server for the tests that take real-window screenshots (the rest run headless on Monocle).
xvfb_pid=
if [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null; then
  fdfile=$(mktemp)
  Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$fdfile" >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 50); do [ -s "$fdfile" ] && break; sleep 0.1; done
  DISPLAY=":$(head -n1 "$fdfile")"
  export DISPLAY
  rm -f "$fdfile"
  echo "test.sh: Xvfb on $DISPLAY" >&2
fi
cleanup() { [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true; }
trap cleanup EXIT

mvn -B -ntp verify "$@"
