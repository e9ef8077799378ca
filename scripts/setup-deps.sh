#!/usr/bin/env bash
# setup-deps.sh - install the Debian 12 packages CRIU Atlas needs (idempotent).
#
# Usage: setup-deps.sh [--app|--tests]
#   --app    only what the app itself needs when run from a source checkout (what
#            `./criu-atlas --setup` installs):
#              libgtk-3-0     the GTK 3 library JavaFX's window toolkit loads
#              gcc libc6-dev  compiling atlas-topo, the process builder behind the Demos menu
#                             (without gcc the build still succeeds; the demos then say so)
#              iptables       CRIU runs iptables/ip6tables to hold each TCP connection still during a
#                             dump with --tcp-established, and iptables-restore to lock a network
#                             namespace it dumps; without them those dumps fail (the plan says so)
#   --tests  (default) the app's packages plus what the tests, CI and the .deb build need:
#              xvfb xauth        headless X server for JavaFX tests (Xvfb, xvfb-run)
#              lsof iproute2     fd / socket inspection (lsof, ss); readelf (binutils, with gcc) reads build-ids
#              procps            ps, pgrep, ...
#              python3 python3-protobuf
#              criu              Debian 12's criu 3.17, installed for `crit` and the pycriu module it
#                                ships (Debian 12 has no separate python3-pycriu/crit package). Its
#                                criu 3.17 binary does not work on this kernel and is never chosen by
#                                provision-criu.sh (which requires CRIU >= 4).
#              dpkg-dev          dpkg-shlibdeps: the .deb's library dependencies (installers/package.sh)
#              desktop-file-utils appstream man-db   validating the installed desktop entry, metainfo, man page
#              libxml2-utils libglib2.0-bin         xmllint (the polkit action against its DTD) and gio (the MIME type)
#              bash-completion zsh fish             loading the generated shell completions
#              xdotool x11-utils                     finding the installed app's window under Xvfb
#              rofi                                  an application launcher: the package test shows the
#                                                    installed desktop entry in it and starts the app from it
#              librsvg2-bin graphviz                 rsvg-convert and dot: the export tests render the SVG and
#                                                    parse the DOT the app writes
#              openssh-server openssh-client         the remote-host tests' throw-away sshd on 127.0.0.1 (scripts/setup-sshd.sh)
#
# Checks each package with dpkg-query first; only if something is missing does it run
# `apt-get update` (once) and `apt-get install`. A run with everything present is offline and fast.
# Not root: apt-get runs through sudo (asking for a password only when there is a terminal).
#
# stdout: what was installed (or that nothing was needed). Progress of apt goes to stderr.
set -euo pipefail

APP_PKGS=(libgtk-3-0 gcc libc6-dev iptables)
TEST_PKGS=(xvfb xauth lsof iproute2 procps python3 python3-protobuf criu dpkg-dev desktop-file-utils
  appstream man-db bash-completion zsh fish xdotool x11-utils librsvg2-bin graphviz openssh-server openssh-client rofi
  libxml2-utils libglib2.0-bin zstd)
case ${1:---tests} in
  --app) PKGS=("${APP_PKGS[@]}") ;;
  --tests) PKGS=("${APP_PKGS[@]}" "${TEST_PKGS[@]}") ;;
  *) echo "usage: setup-deps.sh [--app|--tests]" >&2; exit 2 ;;
esac
mode=${1:---tests}

log() { printf 'setup-deps: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Packages from "$@" whose dpkg status is not "installed" (unknown, removed, config-files, half-...).
missing_of() {
  local -A state=()
  local name st p
  while IFS=$'\t' read -r name st; do
    [[ $st == installed ]] && state[$name]=1
  done < <(dpkg-query -W -f='${Package}\t${db:Status-Status}\n' "$@" 2>/dev/null || true)
  for p in "$@"; do
    [[ -n ${state[$p]:-} ]] || printf '%s\n' "$p"
  done
}

installed_set() {
  dpkg-query -W -f='${Package}\t${db:Status-Status}\n' 2>/dev/null | awk -F'\t' '$2 == "installed" { print $1 }' | sort -u
}

if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  [[ $codename == bookworm ]] || log "WARNING: written for Debian 12 (bookworm); this is '${codename:-unknown}'"
fi

mapfile -t MISSING < <(missing_of "${PKGS[@]}")

if ((${#MISSING[@]} == 0)); then
  echo "setup-deps: all ${#PKGS[@]} packages already installed; nothing to do"
else
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo; missing packages: ${MISSING[*]}"
    if [[ -t 0 ]]; then SUDO=(sudo); else SUDO=(sudo -n); fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Wait for another apt/dpkg run instead of failing on its lock.
  APT_OPTS=(-q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  before=$(installed_set)
  log "missing: ${MISSING[*]}; running apt-get update"
  "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update >&2 ||
    log "WARNING: apt-get update reported errors; trying the install with the package lists as they are"
  log "installing: ${MISSING[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "${MISSING[@]}" >&2 ||
    die "apt-get install failed for: ${MISSING[*]}"
  mapfile -t STILL < <(missing_of "${PKGS[@]}")
  ((${#STILL[@]} == 0)) || die "still not installed after apt-get install: ${STILL[*]}"
  after=$(installed_set)
  mapfile -t NEW < <(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
  echo "setup-deps: installed ${MISSING[*]}"
  extra=()
  for p in "${NEW[@]}"; do
    [[ " ${MISSING[*]} " == *" $p "* ]] || extra+=("$p")
  done
  if ((${#extra[@]})); then
    echo "setup-deps: plus ${#extra[@]} dependencies: ${extra[*]}"
  fi
fi

# Sanity checks of the commands the tests use.
[[ $mode == --tests ]] || exit 0
for cmd in Xvfb xvfb-run xauth lsof ss ps gcc readelf python3 crit dpkg-shlibdeps desktop-file-validate appstreamcli man zsh fish xdotool ssh sshd ssh-keygen; do
  command -v "$cmd" >/dev/null || die "command '$cmd' not found after installing the packages"
done
# Debian's modules live in /usr/lib/python3/dist-packages, visible to /usr/bin/python3 only (a
# python3 earlier on PATH, e.g. pyenv's, does not see them; crit itself uses #!/usr/bin/python3).
/usr/bin/python3 -c 'import google.protobuf, pycriu.images' 2>/dev/null ||
  die "/usr/bin/python3 cannot import google.protobuf / pycriu.images"
crit --help >/dev/null 2>&1 || die "'crit --help' fails"
