#!/usr/bin/env bash
# provision-criu.sh - make a working CRIU >= 4 available and print its path.
#
# stdout: exactly one line, the absolute path of a usable `criu` (all progress goes to stderr).
# Also writes that path to ${CRIU_ATLAS_HOME:-$HOME/.cache/criu-atlas}/criu-path.
#
# Order of preference:
#   1. $CRIU_ATLAS_CRIU, if it is CRIU >= 4 and `criu check` passes;
#   2. `criu` on PATH, same conditions (Debian 12's criu 3.17 is rejected by the version test);
#   3. a private prefix with CRIU 4.1.1 from Debian 13 (trixie), installed if missing:
#      packages are fetched with a private apt configuration (the system's apt sources and
#      package state are not touched), unpacked with `dpkg -x`, and run through the prefix's own
#      dynamic loader by the wrapper PREFIX/bin/criu (the trixie binary needs glibc >= 2.38).
#
# `criu check` needs root (CAP_SYS_ADMIN and friends). Without root the check is skipped and only
# `criu --version` >= 4 is verified.
#
# Environment:
#   CRIU_ATLAS_CRIU         explicit criu to use (tried first)
#   CRIU_ATLAS_HOME         state folder (default: $HOME/.cache/criu-atlas)
#   CRIU_ATLAS_CRIU_PREFIX  install prefix (default: $CRIU_ATLAS_HOME/criu-4.1.1)
#   CRIU_ATLAS_TRIXIE_PKGS  space-separated package list overriding the built-in one (testing aid)
#   CRIU_ATLAS_DEBIAN_MIRROR  mirror URI (default: http://deb.debian.org/debian)
set -euo pipefail

readonly CRIU_WANTED_VERSION=4.1.1
readonly MIN_MAJOR=4
readonly ATLAS_HOME=${CRIU_ATLAS_HOME:-${HOME:?HOME is not set and CRIU_ATLAS_HOME is not set}/.cache/criu-atlas}
readonly PREFIX=${CRIU_ATLAS_CRIU_PREFIX:-$ATLAS_HOME/criu-$CRIU_WANTED_VERSION}
readonly MIRROR=${CRIU_ATLAS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# Debian 13 package names: criu, its libraries and their libraries (see
# /work/shared/notes/criu-on-this-machine.md). gcc-14-base/libgcc-s1 are not needed.
DEFAULT_PKGS=(criu libcompel1 libc6 libgnutls30t64 libnftables1 libprotobuf-c1 libnl-3-200
  libnet1 libbsd0 libuuid1 libidn2-0 libunistring5 libtasn1-6 libnettle8t64 libhogweed6t64
  libgmp10 libp11-kit0 libmnl0 libnftnl11 libxtables12 libjansson4 libffi8 libmd0)

log() { printf 'provision-criu: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

is_root() { [[ $(id -u) -eq 0 ]]; }

# Prints the major version of the criu at $1 (from "Version: X.Y.Z"); fails if it cannot run.
criu_version() {
  local out
  out=$("$1" --version 2>/dev/null) || return 1
  sed -n 's/^Version:[[:space:]]*\([0-9][0-9.]*\).*/\1/p' <<<"$out" | head -n 1
}

version_ok() { # $1 = version string like 4.1.1
  [[ -n $1 && ${1%%.*} =~ ^[0-9]+$ ]] && ((${1%%.*} >= MIN_MAJOR))
}

# Runs `criu check`; prints criu's output to stderr on failure.
criu_check() {
  local out rc=0
  out=$("$1" check 2>&1) || rc=$?
  if ((rc == 0)) && grep -q 'Looks good' <<<"$out"; then
    return 0
  fi
  log "'$1 check' failed (exit $rc); its output:"
  printf '%s\n' "$out" | sed 's/^/    /' >&2
  return 1
}

# Accepts $1 (a criu path) if version >= 4 and, as root, `criu check` passes.
accept() {
  local path=$1 what=$2 ver
  if [[ ! -x $path ]]; then
    log "$what: '$path' is not an executable file; ignoring"
    return 1
  fi
  if ! ver=$(criu_version "$path") || [[ -z $ver ]]; then
    log "$what: '$path --version' does not work; ignoring"
    return 1
  fi
  if ! version_ok "$ver"; then
    log "$what: '$path' is CRIU $ver (< $MIN_MAJOR); ignoring"
    return 1
  fi
  if is_root; then
    criu_check "$path" || { log "$what: '$path' (CRIU $ver) fails 'criu check'; ignoring"; return 1; }
    log "$what: using '$path' (CRIU $ver, criu check: Looks good.)"
  else
    log "$what: using '$path' (CRIU $ver); not root, so 'criu check' was skipped"
  fi
  return 0
}

finish() { # $1 = absolute path of the accepted criu
  mkdir -p "$ATLAS_HOME"
  local tmp="$ATLAS_HOME/.criu-path.$$"
  printf '%s\n' "$1" >"$tmp"
  mv -f "$tmp" "$ATLAS_HOME/criu-path"
  printf '%s\n' "$1"
  exit 0
}

abspath() { # absolute path of $1 without resolving the last symlink
  case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$(pwd -P)" "$1" ;; esac
}

# ---------------------------------------------------------------------------------------------
# 1. + 2. Existing installations
if [[ -n ${CRIU_ATLAS_CRIU:-} ]]; then
  if accept "$CRIU_ATLAS_CRIU" "CRIU_ATLAS_CRIU"; then finish "$(abspath "$CRIU_ATLAS_CRIU")"; fi
fi
if path_criu=$(command -v criu 2>/dev/null) && [[ -n $path_criu ]]; then
  if accept "$path_criu" "criu on PATH"; then finish "$(abspath "$path_criu")"; fi
fi

# ---------------------------------------------------------------------------------------------
# 3. Private prefix
WRAPPER="$PREFIX/bin/criu"

# An intact prefix (wrapper runs and reports >= 4) is never reinstalled; if its `criu check`
# fails, the kernel/privileges are the problem, not the installation.
use_existing_prefix() {
  local ver
  [[ -x $WRAPPER ]] || return 1
  if ! ver=$(criu_version "$WRAPPER") || ! version_ok "$ver"; then
    log "existing prefix '$PREFIX' does not run; reinstalling"
    return 1
  fi
  if is_root; then
    criu_check "$WRAPPER" || die "CRIU $ver in '$PREFIX' is installed but 'criu check' fails on this machine (output above)"
    log "using existing '$WRAPPER' (CRIU $ver, criu check: Looks good.)"
  else
    log "using existing '$WRAPPER' (CRIU $ver); not root, so 'criu check' was skipped"
  fi
  return 0
}

if use_existing_prefix; then finish "$WRAPPER"; fi

for tool in apt-get apt-cache dpkg-deb; do
  command -v "$tool" >/dev/null || die "'$tool' is required to install CRIU $CRIU_WANTED_VERSION"
done
[[ -r $KEYRING ]] || die "$KEYRING is missing (package debian-archive-keyring); cannot verify Debian 13 packages"

PARENT=$(dirname "$PREFIX")
BASE=$(basename "$PREFIX")
mkdir -p "$PARENT" "$ATLAS_HOME"

# Serialize concurrent runs; then re-check (another run may just have finished the install).
if command -v flock >/dev/null; then
  exec 9>"$ATLAS_HOME/.provision.lock"
  flock -w 900 9 || die "timed out waiting for another provision-criu.sh run"
  if use_existing_prefix; then finish "$WRAPPER"; fi
  # Leftovers of interrupted runs (safe to remove while holding the lock).
  rm -rf "$PARENT/.$BASE.build."*
fi

WORK=$(mktemp -d "$PARENT/.$BASE.build.XXXXXX")
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ROOT="$WORK/root"   # becomes $PREFIX by a single rename at the end
APT="$WORK/apt"
DEBS="$WORK/debs"
mkdir -p "$ROOT/bin" "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/preferences.d" "$DEBS"
: >"$APT/status"
: >"$APT/preferences"
cat >"$APT/trixie.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: trixie
Components: main
Signed-By: $KEYRING
EOF

# Only this source, no pins, and an empty package state (so installed bookworm packages never
# count as candidates). The file name must end in .sources for apt to read the deb822 format.
APT_OPTS=(
  -o "Dir::Etc::SourceList=$APT/trixie.sources"
  -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=$APT/lists"
  -o "Dir::Cache=$APT/cache"
  -o "Dir::State::status=$APT/status"
  -o "Dir::Etc::Preferences=$APT/preferences"
  -o "Dir::Etc::PreferencesParts=$APT/preferences.d"
  -o "Acquire::Languages=none"
)
# Root: apt would drop to user _apt, which cannot write into e.g. /root/.cache; it would then
# fall back to running unsandboxed with a warning. Say so up front.
if is_root; then APT_OPTS+=(-o "APT::Sandbox::User=root"); fi

log "fetching the Debian 13 (trixie) package index into a private apt state ($APT)"
apt-get "${APT_OPTS[@]}" -q update >&2 || die "apt-get update for trixie failed (network? mirror $MIRROR)"

# Packages that have a downloadable candidate in trixie, printed one per line.
available() {
  apt-cache "${APT_OPTS[@]}" policy "$@" 2>/dev/null | awk '
    /^[^ ].*:$/ { name = substr($0, 1, length($0) - 1); sub(/:[a-z0-9]+$/, "", name); next }
    /^  Candidate:/ { if ($2 != "(none)") print name }'
}

# Name without soname digits / t64 suffix: libgnutls30t64 -> libgnutls, libnl-3-200 -> libnl.
stem() {
  local s=${1%t64}
  while [[ $s =~ [-.0-9]$ ]]; do s=${s%?}; done
  printf '%s\n' "$s"
}

if [[ -n ${CRIU_ATLAS_TRIXIE_PKGS:-} ]]; then
  read -r -a WANTED <<<"$CRIU_ATLAS_TRIXIE_PKGS"
else
  WANTED=("${DEFAULT_PKGS[@]}")
fi

mapfile -t HAVE < <(available "${WANTED[@]}")
declare -A have_set=()
for p in "${HAVE[@]}"; do have_set[$p]=1; done
MISSING=()
for p in "${WANTED[@]}"; do [[ -n ${have_set[$p]:-} ]] || MISSING+=("$p"); done

[[ -n ${have_set[criu]:-} ]] || die "package 'criu' has no candidate in trixie (or is not in the package list); cannot install CRIU $CRIU_WANTED_VERSION"

PKGS=("${HAVE[@]}")
if ((${#MISSING[@]})); then
  log "not in trixie: ${MISSING[*]}; resolving criu's dependencies with apt-cache depends"
  mapfile -t CLOSURE < <(apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances criu 2>/dev/null |
    grep -v -e '^ ' -e '^<' | sort -u)
  ((${#CLOSURE[@]})) || die "apt-cache depends criu returned nothing; missing package(s): ${MISSING[*]}"
  unresolved=()
  for m in "${MISSING[@]}"; do
    ms=$(stem "$m")
    repl=""
    for c in "${CLOSURE[@]}"; do
      [[ -z ${have_set[$c]:-} && $(stem "$c") == "$ms" ]] && { repl=$c; break; }
    done
    if [[ -n $repl ]]; then
      log "  $m -> $repl (found in criu's dependency closure)"
      PKGS+=("$repl")
      have_set[$repl]=1
    else
      unresolved+=("$m")
    fi
  done
  if ((${#unresolved[@]})); then
    # Add every library of the dependency closure not yet selected; the loader check below
    # proves whether that is enough.
    for c in "${CLOSURE[@]}"; do
      if [[ -z ${have_set[$c]:-} ]]; then PKGS+=("$c"); have_set[$c]=1; fi
    done
    log "  WARNING: ${unresolved[*]}: not in trixie and no renamed package in criu's dependency closure;"
    log "  continuing without it, with the whole closure added (the loader check below decides)"
  fi
fi

log "downloading ${#PKGS[@]} packages: ${PKGS[*]}"
(cd "$DEBS" && apt-get "${APT_OPTS[@]}" -q download "${PKGS[@]}" >&2) ||
  die "apt-get download failed for: ${PKGS[*]}${MISSING:+ (originally missing: ${MISSING[*]})}"

shopt -s nullglob
debs=("$DEBS"/*.deb)
((${#debs[@]} == ${#PKGS[@]})) || die "expected ${#PKGS[@]} .deb files, got ${#debs[@]}"
for d in "${debs[@]}"; do dpkg-deb -x "$d" "$ROOT"; done

criu_ver_deb=$(dpkg-deb -f "$DEBS"/criu_*.deb Version)
[[ $criu_ver_deb == "$CRIU_WANTED_VERSION"-* ]] ||
  log "WARNING: trixie's criu is $criu_ver_deb, not $CRIU_WANTED_VERSION (installing it into '$PREFIX' anyway)"

# Locate the loader and library folder of the unpacked libc6 (usr/lib/<multiarch>/).
libc=("$ROOT"/usr/lib/*/libc.so.6)
((${#libc[@]} == 1)) || die "libc.so.6 not found (or ambiguous) in the unpacked libc6"
libdir_rel=${libc[0]#"$ROOT"/}
libdir_rel=${libdir_rel%/libc.so.6}
loaders=("$ROOT/$libdir_rel"/ld-linux*.so.*)
((${#loaders[@]} == 1)) || die "dynamic loader not found in $ROOT/$libdir_rel"
loader_rel=${loaders[0]#"$ROOT"/}
[[ -x $ROOT/usr/sbin/criu ]] || die "usr/sbin/criu is missing from the criu package"

# Every library must resolve inside the prefix (not "not found", not the host's bookworm copy).
ldlist=$("$ROOT/$loader_rel" --library-path "$ROOT/$libdir_rel" --list "$ROOT/usr/sbin/criu" 2>&1) ||
  { printf '%s\n' "$ldlist" >&2; die "the trixie loader cannot load criu (a library package is missing from the list)${MISSING:+; packages missing from trixie: ${MISSING[*]}}"; }
bad=$(awk -v root="$ROOT/" '/=>/ { if ($3 == "not" || index($3, root) != 1) print $1 " => " $3 }' <<<"$ldlist")
if [[ -n $bad ]]; then
  printf '%s\n' "$bad" | sed 's/^/    /' >&2
  die "libraries of criu not provided by the prefix (above)${MISSING:+; packages missing from trixie: ${MISSING[*]}}"
fi

# The wrapper finds its prefix from its own location, so it can be tested before the rename.
# `exec` keeps the process (and every inherited fd, e.g. for `criu swrk N`).
cat >"$ROOT/bin/criu" <<EOF
#!/bin/sh
# CRIU $criu_ver_deb from Debian 13, run through the prefix's own loader and libraries.
# Written by provision-criu.sh.
self=\$(readlink -f -- "\$0") || exit 127
p=\${self%/bin/*}
exec "\$p/$loader_rel" --library-path "\$p/$libdir_rel" "\$p/usr/sbin/criu" "\$@"
EOF
chmod 0755 "$ROOT/bin/criu"

ver=$(criu_version "$ROOT/bin/criu") || die "the new wrapper '$ROOT/bin/criu --version' fails"
version_ok "$ver" || die "the installed criu reports version '$ver' (< $MIN_MAJOR)"

# Atomic install: the prefix appears complete or not at all.
if [[ -e $PREFIX ]]; then
  mv -T "$PREFIX" "$WORK/old-prefix"
fi
mv -T "$ROOT" "$PREFIX"
log "installed CRIU $ver into '$PREFIX'"

if is_root; then
  criu_check "$WRAPPER" || die "CRIU $ver installed in '$PREFIX', but 'criu check' fails on this machine (output above)"
  log "criu check: Looks good."
else
  log "not root: 'criu check' was skipped (criu --version = $ver)"
fi
finish "$WRAPPER"
