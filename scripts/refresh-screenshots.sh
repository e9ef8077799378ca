#!/usr/bin/env bash
# Refreshes the README's pictures (docs/screenshots/*.png) on purpose: runs the *ScreenshotTest classes
# on an X server (Xvfb when DISPLAY is unset), which write under ui-tests/target/screenshots-x, and copies
# what they wrote into docs/screenshots. Tests never write into docs/ themselves, so `mvn verify` leaves
# the tree clean. Run as root for the tests that drive real CRIU (the walkthrough).
#   scripts/refresh-screenshots.sh             run the screenshot tests, then copy
#   scripts/refresh-screenshots.sh --copy-only copy from the last run
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$here"
out="$here/ui-tests/target/screenshots-x"

if [ "${1:-}" != "--copy-only" ]; then
  if [ "$(id -u)" = 0 ] && [ -z "${CRIU_ATLAS_CRIU:-}" ]; then
    CRIU_ATLAS_CRIU=$(bash scripts/provision-criu.sh)
    export CRIU_ATLAS_CRIU
  fi
  xvfb_pid=
  if [ -z "${DISPLAY:-}" ]; then
    command -v Xvfb >/dev/null || { echo "refresh-screenshots: no DISPLAY and no Xvfb (scripts/setup-deps.sh installs it)" >&2; exit 1; }
    fdfile=$(mktemp)
    Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$fdfile" >/dev/null 2>&1 &
    xvfb_pid=$!
    # Xvfb writes its display number to fd 3 once it accepts clients: that is the readiness signal
    for _ in $(seq 1 100); do [ -s "$fdfile" ] && break; sleep 0.1; done
    DISPLAY=":$(head -n1 "$fdfile")"
    export DISPLAY
    rm -f "$fdfile"
  fi
  trap '[ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true' EXIT
  rm -rf "$out"
  ./mvnw -B -ntp -pl ui-tests -am verify -Dtest='*ScreenshotTest' -Dsurefire.failIfNoSpecifiedTests=false -Dui.skipHeadless=true
fi

shopt -s nullglob
pngs=("$out"/*.png)
if [ ${#pngs[@]} -eq 0 ]; then
  echo "refresh-screenshots: no screenshots in $out" >&2
  exit 1
fi
mkdir -p docs/screenshots
cp -v "${pngs[@]}" docs/screenshots/
# the dark gallery (docs/dark-mode.md): the windows as the last full UI test run took them
for f in docs/screenshots/dark/*.png; do
  name=$(basename "$f")
  for src in "$here/ui-tests/target/screenshots/$name" "$out/$name"; do
    if [ -f "$src" ]; then cp -v "$src" "$f"; break; fi
  done
done
echo "refresh-screenshots: ${#pngs[@]} screenshots copied to docs/screenshots; review with 'git diff --stat docs/screenshots' and commit what you want" >&2
