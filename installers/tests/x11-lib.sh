# shellcheck shell=bash
# Shared by installers/test-deb.sh and scripts/test-front-door.sh (sourced): an Xvfb of our own,
# waiting for a window, screenshots. Needs xvfb, xdotool, x11-utils and a JDK (Screenshot.java).

# start_xvfb: sets DISPLAY and XVFB_PID (an Xvfb on a free display number, told by -displayfd).
start_xvfb() {
  local fdfile
  fdfile=$(mktemp)
  Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$fdfile" >/dev/null 2>&1 &
  XVFB_PID=$!
  local _
  for _ in $(seq 1 100); do [ -s "$fdfile" ] && break; sleep 0.05; done
  [ -s "$fdfile" ] || { echo "Xvfb did not start" >&2; return 1; }
  DISPLAY=":$(head -n1 "$fdfile")"
  export DISPLAY
  rm -f "$fdfile"
}

stop_xvfb() { if [ -n "${XVFB_PID:-}" ]; then kill "$XVFB_PID" 2>/dev/null || true; wait "$XVFB_PID" 2>/dev/null || true; XVFB_PID=; fi; }

# wait_window CLASS PID DEADLINE_S: polls every 20 ms until a visible window of WM_CLASS CLASS
# exists (prints its id), PID is still alive, or the deadline passes (exit 1).
wait_window() {
  local class=$1 pid=$2 deadline=$(( $(date +%s) + $3 )) w
  while [ "$(date +%s)" -lt "$deadline" ]; do
    w=$(xdotool search --onlyvisible --class "^${class//./\\.}\$" 2>/dev/null | head -n1 || true)
    if [ -n "$w" ]; then echo "$w"; return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "process $pid exited before its window appeared" >&2; return 1; }
    sleep 0.02
  done
  echo "no window of class $class within $3 s" >&2
  return 1
}

# wait_window_named PATTERN PID DEADLINE_S: as wait_window, for a visible window whose title
# matches PATTERN (an extended regular expression, as xdotool takes it).
wait_window_named() {
  local name=$1 pid=$2 deadline=$(( $(date +%s) + $3 )) w
  while [ "$(date +%s)" -lt "$deadline" ]; do
    w=$(xdotool search --onlyvisible --name "$name" 2>/dev/null | head -n1 || true)
    if [ -n "$w" ]; then echo "$w"; return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "process $pid exited before a window '$name' appeared" >&2; return 1; }
    sleep 0.02
  done
  echo "no window titled '$name' within $3 s" >&2
  return 1
}

# wait_window_painted OUT.png: polls (up to 20 s) until a screenshot is not blank, saving it.
wait_window_painted() {
  local out=$1 _
  for _ in $(seq 1 40); do
    if java "$(dirname "${BASH_SOURCE[0]}")/Screenshot.java" "$out" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "the screen stayed blank: $out" >&2
  return 1
}

# now_ms: milliseconds since the epoch
now_ms() { date +%s%3N; }

# stop_pid PID: SIGTERM, then wait for it (our own child).
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
