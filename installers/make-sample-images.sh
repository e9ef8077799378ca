#!/usr/bin/env bash
# make-sample-images.sh OUT_DIR - the sample dump shipped for "Try it without root".
#
# Builds a small real process tree with the project's atlas-topo (the seed case: `app` with a
# child `worker` whose stream socketpair leads to `supervisor` outside the tree, plus a pipe from
# `app` to `pager` outside it), dumps `app`'s subtree with CRIU through `criu-atlas dump` (the
# socketpair end ticked external, as the plan says), and tears the tree down. The result,
# OUT_DIR/seed-case, is a real CRIU image directory with two restore obligations and CRIU's
# dump.log, which the window opens without root (`criu-atlas --sample`, or the folder itself).
#
# Needs root and a CRIU >= 4 (scripts/provision-criu.sh provides one) and a built checkout.
# Environment: CRIU_ATLAS_APP (default: the checkout's ./criu-atlas, never building).
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
out=${1:?usage: make-sample-images.sh OUT_DIR}
log() { printf 'make-sample-images: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "a dump needs root"
criu=${CRIU_ATLAS_CRIU:-$(bash "$repo/scripts/provision-criu.sh")}
export CRIU_ATLAS_CRIU=$criu
app=${CRIU_ATLAS_APP:-$repo/criu-atlas}
export CRIU_ATLAS_NO_BUILD=1

topo=$repo/resources/target/classes/org/criuatlas/topo/atlas-topo
[ -x "$topo" ] || die "atlas-topo is not built ($topo): build the checkout first (needs gcc)"

work=$(mktemp -d /tmp/criu-atlas-sample.XXXXXX)
topo_pid=
cleanup() {
  exec 9>&- 2>/dev/null || true             # EOF on atlas-topo's stdin: it tears the tree down
  if [ -n "$topo_pid" ]; then wait "$topo_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/spec" <<'SPEC'
proc app
proc worker parent=app
proc supervisor
proc pager
socketpair link stream worker supervisor
pipe feed app worker
pipe log app pager
SPEC
mkfifo "$work/stdin"
"$topo" --sockdir "$work" "$work/spec" <"$work/stdin" >"$work/manifest" 2>"$work/topo.err" &
topo_pid=$!
exec 9>"$work/stdin"
for _ in $(seq 1 200); do
  grep -qx ready "$work/manifest" 2>/dev/null && break
  kill -0 "$topo_pid" 2>/dev/null || die "atlas-topo failed: $(cat "$work/topo.err")"
  sleep 0.05
done
grep -qx ready "$work/manifest" || die "atlas-topo not ready within 10 s"

app_pid=$(awk '$1 == "proc" && $2 == "app" { print $3 }' "$work/manifest")
worker_ino=$(awk '$1 == "end" && $2 == "link" && $3 == "a" { print $7 }' "$work/manifest")
[ -n "$app_pid" ] && [ -n "$worker_ino" ] || die "unexpected manifest: $(cat "$work/manifest")"

dest="$out/seed-case"
rm -rf "$dest"
mkdir -p "$out"
log "dumping app (pid $app_pid) with $criu; the worker's socketpair end unix[$worker_ino] is external"
"$app" dump --pid "$app_pid" --images "$dest" --external "unix[$worker_ino]" >"$work/dump.out" 2>&1 \
  || die "dump failed: $(tail -n 20 "$work/dump.out")"
[ -s "$dest/inventory.img" ] || die "no inventory.img in $dest"
chmod -R a+rX "$dest"
log "sample dump: $dest ($(du -sh "$dest" | cut -f1), $(find "$dest" -type f | wc -l) files)"
