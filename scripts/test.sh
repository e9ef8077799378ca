#!/usr/bin/env bash
# Runs the whole CRIU Atlas test suite, the way CI does: `./scripts/test.sh [MAVEN ARGS]`.
# The CRIU, sock_diag, cross-user and package tests need root. As root it runs directly (no sudo
# needed, e.g. in a container); as a user it runs itself through sudo and gives the files it made
# under target/ and docs/screenshots/ back to that user afterwards.
# It installs what the tests need (Debian packages, CRIU >= 4) through the project's scripts,
# starts an Xvfb, runs `./mvnw verify` (only a JDK is needed: the wrapper brings Maven), then the
# package test (installers/test-deb.sh: builds, installs, checks and purges the .deb) and the
# launcher test (scripts/test-front-door.sh).
#
# CRIU versions: `mvnw verify` (every test) runs against the default CRIU (>= 4.2, from
# scripts/provision-criu.sh); then the tests tagged "criu" (real-CRIU tests whose outcome may depend
# on the version) run once more in native-bridge, app/core and app/desktop against each version in
# $CRIU_ATLAS_ALSO_TEST (default "4.1.1"; empty = skip), with CRIU_ATLAS_CRIU pointing at it and
# their reports in target/surefire-reports-criu-VERSION. Arguments go to the first run only.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$here"

if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "test.sh: the tests need root (CRIU); run as root, or install sudo" >&2; exit 1; }
  echo "test.sh: not root: running through sudo (CRIU and the package tests need root); what it writes under target/ stays yours" >&2
  exec sudo --preserve-env=CI,DISPLAY,XAUTHORITY,JAVA_HOME,MAVEN_OPTS,CRIU_ATLAS_CRIU "$0" "$@"
fi

# Under sudo: hand the build outputs back to the user who asked, whatever happens.
give_back() {
  if [ -n "${SUDO_UID:-}" ] && [ "${SUDO_UID}" != 0 ]; then
    find "$here" -maxdepth 3 -name target -type d -prune -exec chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" {} + 2>/dev/null || true
    chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$here/docs/screenshots" 2>/dev/null || true
  fi
}

bash scripts/setup-deps.sh --tests
CRIU_ATLAS_CRIU=$(bash scripts/provision-criu.sh)
export CRIU_ATLAS_CRIU
echo "test.sh: using criu at $CRIU_ATLAS_CRIU ($("$CRIU_ATLAS_CRIU" --version | head -n 1))" >&2
also=()
for v in ${CRIU_ATLAS_ALSO_TEST-4.1.1}; do
  also+=("$v=$(bash scripts/provision-criu.sh --version "$v")")
  echo "test.sh: the CRIU-tagged tests also run on CRIU $v at ${also[-1]#*=}" >&2
done

# The CRIU the user's own runs use (recorded by the default provision above): no test may change it,
# not even the passes on another version (checked at the end).
recorded_criu() { cat "${CRIU_ATLAS_HOME:-$HOME/.cache/criu-atlas}/criu-path" 2>/dev/null || true; }
recorded_before=$(recorded_criu)

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
# A throw-away OpenSSH server on 127.0.0.1 for the remote-host tests (BridgeSshTest reads
# app/cli/target/sshd/ssh_config); both "hosts" of those tests are this machine.
sshd_state="$here/app/cli/target/sshd"
bash scripts/setup-sshd.sh "$sshd_state" >/dev/null
echo "test.sh: sshd for the remote-host tests on 127.0.0.1:$(cat "$sshd_state/port")" >&2
cleanup() {
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
  bash scripts/setup-sshd.sh --stop "$sshd_state" || true
  give_back
}
trap cleanup EXIT

./mvnw -B -ntp verify "$@"
for entry in "${also[@]}"; do
  v=${entry%%=*}
  echo "test.sh: the CRIU-tagged tests (native-bridge, app) on CRIU $v" >&2
  CRIU_ATLAS_CRIU=${entry#*=} ./mvnw -B -ntp -pl native-bridge,app/core,app/desktop -am test -Dsurefire.groups=criu \
    -Dsurefire.failIfNoSpecifiedTests=false "-Dsurefire.reportsDirectory=target/surefire-reports-criu-$v"
done
if [ "$(recorded_criu)" != "$recorded_before" ]; then
  echo "test.sh: the tests changed the recorded CRIU from '$recorded_before' to '$(recorded_criu)'" >&2
  exit 1
fi
# the package and the launcher, as a user gets them (each starts its own Xvfb)
env -u DISPLAY bash installers/test-deb.sh
env -u DISPLAY bash scripts/test-front-door.sh
