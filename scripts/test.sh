#!/usr/bin/env bash
# Runs the whole CRIU Atlas test suite, the way CI does. Run it as root: the CRIU, sock_diag and
# cross-user tests need it (without root they skip, except in CI where they fail).
# It installs what the tests need (Debian packages, CRIU, Xvfb) through the project's scripts.
#
# CRIU versions: `mvn verify` (every test) runs against the default CRIU (>= 4.2, from
# scripts/provision-criu.sh); then the tests tagged "criu" (real-CRIU tests whose outcome may depend
# on the version) run once more in native-bridge and app against each version in
# $CRIU_ATLAS_ALSO_TEST (default "4.1.1"; empty = skip), with CRIU_ATLAS_CRIU pointing at it and
# their reports in target/surefire-reports-criu-VERSION. Arguments go to the first run only.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$here"

if [ "$(id -u)" = 0 ]; then
  bash scripts/setup-deps.sh
  CRIU_ATLAS_CRIU=$(bash scripts/provision-criu.sh)
  export CRIU_ATLAS_CRIU
  echo "test.sh: using criu at $CRIU_ATLAS_CRIU ($("$CRIU_ATLAS_CRIU" --version | head -n 1))" >&2
  also=()
  for v in ${CRIU_ATLAS_ALSO_TEST-4.1.1}; do
    also+=("$v=$(bash scripts/provision-criu.sh --version "$v")")
    echo "test.sh: the CRIU-tagged tests also run on CRIU $v at ${also[-1]#*=}" >&2
  done
else
  also=()
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

for entry in "${also[@]}"; do
  v=${entry%%=*}
  echo "test.sh: the CRIU-tagged tests (native-bridge, app) on CRIU $v" >&2
  CRIU_ATLAS_CRIU=${entry#*=} mvn -B -ntp -pl native-bridge,app -am test -Dsurefire.groups=criu \
    -Dsurefire.failIfNoSpecifiedTests=false "-Dsurefire.reportsDirectory=target/surefire-reports-criu-$v"
done
