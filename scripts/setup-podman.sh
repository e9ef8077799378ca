#!/usr/bin/env bash
# setup-podman.sh - make podman able to checkpoint containers on this machine, privately.
#
# What it does (idempotent; a second run is offline and fast):
#   1. installs the Debian 12 packages podman, runc, conmon, busybox-static and zstd if missing
#      (same dpkg-query check as setup-deps.sh; apt-get only when something is missing);
#   2. finds CRIU >= 4 through scripts/provision-criu.sh (Debian's runc would call Debian's criu 3.17,
#      which fails on this kernel) and writes a runc wrapper that passes `--criu` to it;
#   3. writes a private containers.conf (runtime = that wrapper, nofile/nproc ulimits runc can set
#      here) and storage.conf (graph and run roots in the state folder), so nothing in /etc and
#      nothing of other podman users changes;
#   4. imports an offline image `localhost/atlas-busybox` from busybox-static (no registry is
#      reachable here): /bin/busybox with its applet links, /tmp mode 1777.
#
# stdout: KEY=VALUE lines to put in the environment of every podman call:
#   CONTAINERS_CONF, CONTAINERS_STORAGE_CONF, ATLAS_PODMAN_IMAGE, ATLAS_PODMAN_CRIU
# (all progress goes to stderr). Needs root (podman checkpoint needs it anyway).
#
# Environment:
#   CRIU_ATLAS_HOME         state folder parent (default: $HOME/.cache/criu-atlas)
#   CRIU_ATLAS_CRIU         the criu to use (else provision-criu.sh decides)
#
# Background: /work/shared/notes/podman-checkpoints.md (crun cannot run here: cgroups in hybrid
# mode; rlimit type 7 cannot be raised without the ulimits line).
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
readonly ATLAS_HOME=${CRIU_ATLAS_HOME:-${HOME:?HOME is not set and CRIU_ATLAS_HOME is not set}/.cache/criu-atlas}
readonly STATE=$ATLAS_HOME/podman
readonly IMAGE=localhost/atlas-busybox:latest
PKGS=(podman runc conmon busybox-static zstd)

log() { printf 'setup-podman: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "needs root (podman container checkpoint needs root)"

missing=()
while IFS= read -r p; do missing+=("$p"); done < <(
  for p in "${PKGS[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ $st == installed ]] || printf '%s\n' "$p"
  done)
if ((${#missing[@]} > 0)); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
command -v podman >/dev/null || die "podman is not on PATH after installing it"

criu=$(CRIU_ATLAS_HOME=$ATLAS_HOME bash "$here/provision-criu.sh" --no-record) || die "no CRIU >= 4 (provision-criu.sh failed)"
[[ -x $criu ]] || die "provision-criu.sh printed '$criu', which is not executable"

mkdir -p "$STATE"
chmod 0700 "$STATE"
wrapper=$STATE/runc-criu
# rewrite only when it changes (a running container keeps using the old one otherwise just fine)
want=$(printf '#!/bin/sh\n# written by setup-podman.sh: runc with the provisioned CRIU (>= 4)\nexec /usr/bin/runc --criu %q "$@"\n' "$criu")
if [[ ! -f $wrapper || $(cat "$wrapper") != "$want" ]]; then
  printf '%s\n' "$want" >"$wrapper.tmp"
  chmod 0755 "$wrapper.tmp"
  mv -f "$wrapper.tmp" "$wrapper"
fi

conf=$STATE/containers.conf
cat >"$conf.tmp" <<EOF
# written by setup-podman.sh
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[engine.runtimes]
runc = ["$wrapper"]
EOF
mv -f "$conf.tmp" "$conf"

storage=$STATE/storage.conf
cat >"$storage.tmp" <<EOF
# written by setup-podman.sh: a private store, so other podman users on this machine are untouched
[storage]
driver = "overlay"
graphroot = "$STATE/storage"
runroot = "$STATE/run"
EOF
mv -f "$storage.tmp" "$storage"

export CONTAINERS_CONF=$conf CONTAINERS_STORAGE_CONF=$storage

# an image made by an older version of this script (without the label of this layout) is made again
if podman image exists "$IMAGE" 2>/dev/null \
    && ! podman image inspect --format '{{.Config.Env}} {{.Labels}}' "$IMAGE" 2>/dev/null | grep -q 'atlas.rootfs:2'; then
  log "re-importing $IMAGE (made by an older setup-podman.sh)"
  podman rmi -f "$IMAGE" >&2
fi
if ! podman image exists "$IMAGE" 2>/dev/null; then
  bb=/bin/busybox
  [[ -x $bb ]] || die "busybox-static did not install /bin/busybox"
  file_out=$(LC_ALL=C ldd "$bb" 2>&1 || true)
  grep -q 'not a dynamic executable\|statically linked' <<<"$file_out" || die "$bb is not static: $file_out"
  root=$(mktemp -d "$STATE/rootfs.XXXXXX")
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/run"
  cp "$bb" "$root/bin/busybox"
  # relative links (busybox --install -s would point them at the temporary folder)
  for applet in $("$bb" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  log "importing $IMAGE from $bb"
  tar -C "$root" -c . | podman import --change 'CMD ["/bin/sh"]' \
    --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' --change 'LABEL atlas.rootfs=2' - "$IMAGE" >&2
fi

printf 'CONTAINERS_CONF=%s\n' "$conf"
printf 'CONTAINERS_STORAGE_CONF=%s\n' "$storage"
printf 'ATLAS_PODMAN_IMAGE=%s\n' "$IMAGE"
printf 'ATLAS_PODMAN_CRIU=%s\n' "$criu"
