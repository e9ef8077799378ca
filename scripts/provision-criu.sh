#!/usr/bin/env bash
# provision-criu.sh - make a working CRIU available and print its path.
#
# usage: provision-criu.sh [--version latest|4.1.1|X.Y.Z] [--refresh] [--record|--no-record]
#
# stdout: exactly one line, the absolute path of a usable `criu` (all progress goes to stderr).
#
# Default (--version latest): CRIU >= 4.2, because on Linux >= 6.16 CRIU 4.1.1 cannot dump any
# inet or packet socket (see /work/shared/notes/criu-on-this-machine.md). Order of preference:
#   1. $CRIU_ATLAS_CRIU, if it is CRIU >= 4 and passes `criu check` (explicit choice: a version
#      below 4.2 is accepted with a warning);
#   2. an installed private prefix $CRIU_ATLAS_HOME/criu-X.Y.Z with X.Y >= 4.2 (the newest one);
#      skipped with --refresh, which asks Debian unstable again;
#   3. the newest CRIU >= 4.2 that Debian unstable (sid) ships, installed into
#      $CRIU_ATLAS_HOME/criu-X.Y.Z (see "Installing" below);
#   4. `criu` on PATH, if it is >= 4.2 and passes `criu check`;
#   5. fallback: CRIU 4.1.1 from Debian 13 (trixie) in $CRIU_ATLAS_HOME/criu-4.1.1;
#   6. `criu` on PATH >= 4.
#   The choice is recorded (see "Files") so CRIU Atlas finds it without this script.
#
# --version 4.1.1 (or any exact X.Y.Z): only the private prefix of that version, installed from
#   trixie (4.1.x) or sid (anything else) when missing; $CRIU_ATLAS_CRIU and PATH are ignored and
#   nothing is recorded unless --record is given (scripts/test.sh uses this to run the CRIU tests
#   on 4.1.1 too without changing the user's default).
#
# Installing: a private apt configuration whose only source is the suite (deb822 file signed by
# /usr/share/keyrings/debian-archive-keyring.gpg; the system's apt sources and package state are
# not touched); apt's own resolver picks criu's dependency closure for an empty system
# (`apt-get -s install criu=VERSION`), so no file name or library list is hard-coded (a built-in
# list is only the fallback when the resolver fails); `apt-get download`, `dpkg-deb -x` into one
# folder, every NEEDED library of criu must resolve inside it through the prefix's own dynamic
# loader, and the wrapper PREFIX/bin/criu runs criu through that loader. Accepted only if, as root,
# `criu check` passes AND a real `criu dump --leave-running` of a `sleep` finishes within 20 s.
# CRIU 4.1.1 hangs on that dump when hardware breakpoints never fire (seen on Linux 6.18 VMs:
# "Waiting for PID to trap"); the test then retries with CRIU_FAULT=130 (CRIU's fault-injection
# switch "no breakpoints") and, if that works, the wrapper sets it.
#
# Files (in $CRIU_ATLAS_HOME, default ~/.cache/criu-atlas):
#   criu-path        the chosen criu, one line (read by CRIU Atlas' CriuLocator)
#   criu-version     one line: `VERSION path=PATH source=SOURCE [debian=DEBVERSION suite=SUITE]`
#   criu-X.Y.Z/      a private prefix; criu-X.Y.Z/criu-atlas.info says what is in it (key=value)
#
# Environment:
#   CRIU_ATLAS_CRIU           explicit criu to use (default mode only)
#   CRIU_ATLAS_HOME           state folder (default: $HOME/.cache/criu-atlas)
#   CRIU_ATLAS_DEBIAN_MIRROR  mirror URI (default: http://deb.debian.org/debian)
#   CRIU_ATLAS_SID_SUITE      suite to take CRIU >= 4.2 from (default: sid; testing aid)
#   CRIU_ATLAS_FORCE_PKG_LIST=1  skip apt's resolver and use the built-in package list (testing aid)
set -euo pipefail

readonly MIN_DEFAULT=4.2      # the default needs at least this upstream version
readonly FALLBACK_VERSION=4.1.1
readonly ATLAS_HOME=${CRIU_ATLAS_HOME:-${HOME:?HOME is not set and CRIU_ATLAS_HOME is not set}/.cache/criu-atlas}
readonly MIRROR=${CRIU_ATLAS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly SID=${CRIU_ATLAS_SID_SUITE:-sid}
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
readonly INFO_FORMAT=2        # criu-atlas.info format; older prefixes are reinstalled

# Fallback package lists (only used when apt's resolver fails); measured 2026-12-05.
PKGS_trixie=(criu libcompel1 libc6 libgnutls30t64 libnftables1 libprotobuf-c1 libnl-3-200
  libnet1 libbsd0 libuuid1 libidn2-0 libunistring5 libtasn1-6 libnettle8t64 libhogweed6t64
  libgmp10 libp11-kit0 libmnl0 libnftnl11 libxtables12 libjansson4 libffi8 libmd0)
PKGS_sid=(criu libcompel1 libc6 libgnutls30t64 libnftables1 libprotobuf-c1 libnl-3-200
  libnet9 libbsd0 libuuid1 libidn2-0 libunistring5 libtasn1-6 libnettle8t64 libhogweed6t64
  libgmp10 libp11-kit0 libmnl0 libnftnl11 libxtables12 libjansson4 libffi8 libmd0)

log() { printf 'provision-criu: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

WANT=latest
REFRESH=0
RECORD=
while (($#)); do
  case $1 in
    --version) [[ $# -ge 2 ]] || usage; WANT=$2; shift 2 ;;
    --version=*) WANT=${1#*=}; shift ;;
    --refresh) REFRESH=1; shift ;;
    --record) RECORD=1; shift ;;
    --no-record) RECORD=0; shift ;;
    -h|--help) usage ;;
    *) log "unknown argument '$1'"; usage ;;
  esac
done
if [[ $WANT != latest && ! $WANT =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]]; then
  die "--version takes 'latest' or a version like 4.1.1, not '$WANT'"
fi
[[ -n $RECORD ]] || { [[ $WANT == latest ]] && RECORD=1 || RECORD=0; }

is_root() { [[ $(id -u) -eq 0 ]]; }

# `criu --version` -> "4.2.1" (or "4.2"); fails if it cannot run.
criu_version() {
  local out
  out=$("$1" --version 2>/dev/null) || return 1
  sed -n 's/^Version:[[:space:]]*\([0-9][0-9.]*\).*/\1/p' <<<"$out" | head -n 1
}

# version_ge A B: A >= B for dotted numbers (missing parts count as 0).
version_ge() {
  local IFS=. i a b
  read -r -a a <<<"$1"
  read -r -a b <<<"$2"
  for i in 0 1 2 3; do
    ((10#${a[i]:-0} > 10#${b[i]:-0})) && return 0
    ((10#${a[i]:-0} < 10#${b[i]:-0})) && return 1
  done
  return 0
}

# Debian version -> upstream: 1:4.2.1-1 -> 4.2.1
upstream_of() { local v=${1#*:}; printf '%s\n' "${v%-*}"; }

criu_check() { # prints criu's output to stderr on failure
  local out rc=0
  out=$("$@" check 2>&1) || rc=$?
  if ((rc == 0)) && grep -q 'Looks good' <<<"$out"; then return 0; fi
  log "'$* check' failed (exit $rc); its output:"
  printf '%s\n' "$out" | sed 's/^/    /' >&2
  return 1
}

# dump_test CRIU [ENV...]: a real `criu dump --leave-running` of a sleeping process within 20 s.
# rc 0 = dumped, 2 = hung (killed after 20 s), 1 = failed (log on stderr).
dump_test() {
  local criu=$1; shift
  local dir pid rc=0
  dir=$(mktemp -d "${TMPDIR:-/tmp}/criu-atlas-dumptest.XXXXXX")
  # The sleep gets no fd but 0-2: CRIU refuses a file it cannot place (an fd the caller leaked from
  # another mount namespace gives "Can't lookup mount"), and that says nothing about this CRIU.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      ((fd > 2)) && eval "exec $fd>&-"
    done
    exec setsid sleep 600
  ) </dev/null >/dev/null 2>&1 &
  pid=$!
  # wait until it is the sleep itself (setsid may fork first)
  local i
  for i in $(seq 1 100); do
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == sleep ]] && break
    sleep 0.02
  done
  env "$@" timeout -k 2 20 "$criu" dump -t "$pid" -D "$dir" --leave-running -v4 -o dump.log >/dev/null 2>&1 || rc=$?
  if ((rc == 0)) && grep -q 'Dumping finished successfully' "$dir/dump.log" && kill -0 "$pid" 2>/dev/null; then
    rc=0
  elif ((rc == 124 || rc == 137)); then
    rc=2
  else
    log "test dump with '$criu' failed (exit $rc); last lines of its log:"
    tail -n 5 "$dir/dump.log" 2>/dev/null | sed 's/^/    /' >&2 || true
    rc=1
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  return "$rc"
}

# Accepts an existing criu (from the environment or PATH): runs, version >= $3, `criu check`.
accept() {
  local path=$1 what=$2 min=$3 ver
  if [[ ! -x $path || -d $path ]]; then log "$what: '$path' is not an executable file; ignoring"; return 1; fi
  if ! ver=$(criu_version "$path") || [[ -z $ver ]]; then log "$what: '$path --version' does not work; ignoring"; return 1; fi
  if ! version_ge "$ver" "$min"; then log "$what: '$path' is CRIU $ver (< $min); ignoring"; return 1; fi
  if is_root; then
    criu_check "$path" || { log "$what: '$path' (CRIU $ver) fails 'criu check'; ignoring"; return 1; }
    log "$what: using '$path' (CRIU $ver, criu check: Looks good.)"
  else
    log "$what: using '$path' (CRIU $ver); not root, so 'criu check' was skipped"
  fi
  ACCEPTED_VERSION=$ver
  return 0
}

abspath() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$(pwd -P)" "$1" ;; esac; }

# finish PATH VERSION SOURCE [EXTRA]: record (when asked) and print the path.
finish() {
  if ((RECORD)); then
    mkdir -p "$ATLAS_HOME"
    local tmp="$ATLAS_HOME/.criu-path.$$"
    printf '%s\n' "$1" >"$tmp" && mv -f "$tmp" "$ATLAS_HOME/criu-path"
    printf '%s path=%s source=%s%s\n' "$2" "$1" "$3" "${4:+ $4}" >"$tmp" && mv -f "$tmp" "$ATLAS_HOME/criu-version"
    log "recorded CRIU $2 ($3) in $ATLAS_HOME/criu-path"
  fi
  printf '%s\n' "$1"
  exit 0
}

info_get() { sed -n "s/^$2=//p" "$1/criu-atlas.info" 2>/dev/null | head -n 1; }

# An installed prefix: intact, of this script's info format, runs, and (as root) passes check.
prefix_ok() {
  local p=$1 ver
  [[ -x $p/bin/criu && -f $p/criu-atlas.info ]] || return 1
  [[ $(info_get "$p" format) == "$INFO_FORMAT" ]] || { log "'$p' was installed by an older provision-criu.sh; reinstalling"; return 1; }
  ver=$(criu_version "$p/bin/criu") || { log "'$p/bin/criu' does not run; reinstalling"; return 1; }
  [[ $ver == "$(info_get "$p" upstream)" ]] || { log "'$p' reports CRIU $ver, not $(info_get "$p" upstream); reinstalling"; return 1; }
  if is_root; then
    criu_check "$p/bin/criu" || return 3
  fi
  return 0
}

finish_prefix() { # $1 = prefix
  local p=$1
  log "using '$p/bin/criu' (CRIU $(info_get "$p" upstream), Debian $(info_get "$p" suite) $(info_get "$p" debian)$([[ $(info_get "$p" no_hw_breakpoints) == 1 ]] && echo ', CRIU_FAULT=130: hardware breakpoints do not work here'))"
  finish "$p/bin/criu" "$(info_get "$p" upstream)" provisioned "debian=$(info_get "$p" debian) suite=$(info_get "$p" suite)"
}

# Newest installed prefix with upstream >= $1 (and == $2 when given); prints it.
newest_installed() {
  local min=$1 exact=${2:-} best="" bestv="" p v
  for p in "$ATLAS_HOME"/criu-[0-9]*; do
    [[ -d $p ]] || continue
    v=$(info_get "$p" upstream)
    [[ -n $v ]] || continue
    if [[ -n $exact ]]; then [[ $v == "$exact" ]] || continue; fi
    version_ge "$v" "$min" || continue
    if [[ -z $bestv ]] || ! version_ge "$bestv" "$v"; then best=$p; bestv=$v; fi
  done
  [[ -n $best ]] && printf '%s\n' "$best"
}

# ---------------------------------------------------------------------------------------------
# Installing from a Debian suite

# install_from SUITE MIN EXACT: installs criu from SUITE (upstream >= MIN, == EXACT if non-empty)
# into $ATLAS_HOME/criu-<upstream> and prints the prefix. Fails (return 1) with the reason logged.
install_from() {
  local suite=$1 min=$2 exact=$3
  for tool in apt-get apt-cache dpkg-deb; do
    command -v "$tool" >/dev/null || { log "'$tool' is required to install CRIU from Debian $suite"; return 1; }
  done
  [[ -r $KEYRING ]] || { log "$KEYRING is missing (package debian-archive-keyring); cannot verify Debian $suite packages"; return 1; }
  mkdir -p "$ATLAS_HOME"

  local work apt debs root
  work=$(mktemp -d "$ATLAS_HOME/.install-$suite.XXXXXX")
  apt="$work/apt" debs="$work/debs" root="$work/root"
  mkdir -p "$root/bin" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/preferences.d" "$debs"
  : >"$apt/status"
  : >"$apt/preferences"
  # The file name must end in .sources for apt to read the deb822 format.
  printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' "$MIRROR" "$suite" "$KEYRING" >"$apt/debian.sources"
  # Only this source, no pins, an empty package state (installed packages never count), no locks
  # on the system's dpkg database (we never install into the system).
  local -a O=(
    -o "Dir::Etc::SourceList=$apt/debian.sources" -o "Dir::Etc::SourceParts=-"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Dir::State::status=$apt/status"
    -o "Dir::Etc::Preferences=$apt/preferences" -o "Dir::Etc::PreferencesParts=$apt/preferences.d"
    -o "Acquire::Languages=none" -o "Debug::NoLocking=1"
  )
  # Root: apt would drop to user _apt, which cannot write into e.g. /root/.cache.
  if is_root; then O+=(-o "APT::Sandbox::User=root"); fi

  log "fetching the Debian $suite package index into a private apt state"
  if ! apt-get "${O[@]}" -q update >&2; then
    log "apt-get update for $suite failed (network? mirror $MIRROR)"; rm -rf "$work"; return 1
  fi
  local debver upver
  debver=$(apt-cache "${O[@]}" policy criu 2>/dev/null | awk '/^  Candidate:/ { print $2 }')
  if [[ -z $debver || $debver == "(none)" ]]; then
    log "Debian $suite has no criu package"; rm -rf "$work"; return 1
  fi
  upver=$(upstream_of "$debver")
  if [[ -n $exact && $upver != "$exact" ]]; then
    log "Debian $suite ships CRIU $upver ($debver), not $exact"; rm -rf "$work"; return 1
  fi
  if ! version_ge "$upver" "$min"; then
    log "Debian $suite ships CRIU $upver ($debver), older than $min"; rm -rf "$work"; return 1
  fi
  local prefix="$ATLAS_HOME/criu-$upver"
  if [[ $(info_get "$prefix" debian) == "$debver" ]] && prefix_ok "$prefix"; then
    log "CRIU $debver from $suite is already installed in '$prefix'"
    rm -rf "$work"; printf '%s\n' "$prefix"; return 0
  fi
  log "Debian $suite ships CRIU $upver ($debver)"

  # The packages: what apt's resolver installs on an empty system for criu=VERSION.
  local -a pkgs=() how
  if [[ ${CRIU_ATLAS_FORCE_PKG_LIST:-} != 1 ]]; then
    mapfile -t pkgs < <(apt-get "${O[@]}" -s -q --no-install-recommends install "criu=$debver" 2>/dev/null |
      awk '/^Inst / { v = $3; gsub(/[()]/, "", v); print $2 "=" v }')
  fi
  if ((${#pkgs[@]})) && printf '%s\n' "${pkgs[@]}" | grep -q '^criu='; then
    how="apt's resolver"
  else
    declare -p "PKGS_$suite" >/dev/null 2>&1 || { log "apt's resolver failed and there is no built-in list for $suite"; rm -rf "$work"; return 1; }
    local -n hand="PKGS_$suite"
    how="the built-in list (apt's resolver gave nothing)"
    pkgs=()
    local p
    for p in "${hand[@]}"; do [[ $p == criu ]] && pkgs+=("criu=$debver") || pkgs+=("$p"); done
  fi
  log "downloading ${#pkgs[@]} packages ($how): ${pkgs[*]}"
  if ! (cd "$debs" && apt-get "${O[@]}" -q download "${pkgs[@]}" >&2); then
    log "apt-get download failed"; rm -rf "$work"; return 1
  fi
  shopt -s nullglob
  local -a files=("$debs"/*.deb)
  shopt -u nullglob
  if ((${#files[@]} != ${#pkgs[@]})); then log "expected ${#pkgs[@]} .deb files, got ${#files[@]}"; rm -rf "$work"; return 1; fi
  local d
  for d in "${files[@]}"; do dpkg-deb -x "$d" "$root"; done

  # The loader and library folder of the unpacked libc6 (usr/lib/<multiarch>/).
  local -a libc=("$root"/usr/lib/*/libc.so.6)
  if ((${#libc[@]} != 1)) || [[ ! -e ${libc[0]} ]]; then log "libc.so.6 not found (or ambiguous) in the unpacked packages"; rm -rf "$work"; return 1; fi
  local libdir_rel=${libc[0]#"$root"/}
  libdir_rel=${libdir_rel%/libc.so.6}
  local -a loaders=("$root/$libdir_rel"/ld-linux*.so.*)
  if ((${#loaders[@]} != 1)) || [[ ! -e ${loaders[0]} ]]; then log "dynamic loader not found in $root/$libdir_rel"; rm -rf "$work"; return 1; fi
  local loader_rel=${loaders[0]#"$root"/}
  [[ -x $root/usr/sbin/criu ]] || { log "usr/sbin/criu is missing from the criu package"; rm -rf "$work"; return 1; }

  # Every NEEDED library must resolve inside the prefix (not "not found", not the host's copy).
  local ldlist bad
  if ! ldlist=$("$root/$loader_rel" --library-path "$root/$libdir_rel" --list "$root/usr/sbin/criu" 2>&1); then
    printf '%s\n' "$ldlist" | sed 's/^/    /' >&2
    log "the $suite loader cannot load criu (a library package is missing)"; rm -rf "$work"; return 1
  fi
  bad=$(awk -v r="$root/" '/=>/ { if ($3 == "not" || index($3, r) != 1) print $1 " => " $3 }' <<<"$ldlist")
  if [[ -n $bad ]]; then
    printf '%s\n' "$bad" | sed 's/^/    /' >&2
    log "libraries of criu not provided by the prefix (above)"; rm -rf "$work"; return 1
  fi

  write_wrapper() { # $1 = 1 to set CRIU_FAULT=130
    {
      printf '#!/bin/sh\n# CRIU %s from Debian %s, run through the prefix'"'"'s own loader and libraries.\n' "$debver" "$suite"
      printf '# Written by CRIU Atlas'"'"' scripts/provision-criu.sh; criu-atlas.info says what is here.\n'
      printf 'self=$(readlink -f -- "$0") || exit 127\np=${self%%/bin/*}\n'
      if [[ $1 == 1 ]]; then
        printf '# Hardware breakpoints never fire on this machine (measured at install: a dump hung in\n'
        printf '# "Waiting for PID to trap"); 130 is CRIU'"'"'s fault-injection switch FI_NO_BREAKPOINTS.\n'
        printf ': "${CRIU_FAULT:=130}"\nexport CRIU_FAULT\n'
      fi
      printf 'exec "$p/%s" --library-path "$p/%s" "$p/usr/sbin/criu" "$@"\n' "$loader_rel" "$libdir_rel"
    } >"$root/bin/criu.tmp"
    chmod 0755 "$root/bin/criu.tmp"
    mv -f "$root/bin/criu.tmp" "$root/bin/criu"
  }
  write_wrapper 0
  local ver
  ver=$(criu_version "$root/bin/criu") || { log "the new wrapper '$root/bin/criu --version' fails"; rm -rf "$work"; return 1; }
  [[ $ver == "$upver" ]] || log "WARNING: the $debver package's criu reports version $ver"

  local nohw=untested
  if is_root; then
    criu_check "$root/bin/criu" || { log "CRIU $upver from $suite fails 'criu check' on this machine (output above)"; rm -rf "$work"; return 1; }
    local rc=0
    dump_test "$root/bin/criu" || rc=$?
    if ((rc == 2)); then
      log "a test dump with CRIU $upver hung (hardware breakpoints do not fire here); retrying with CRIU_FAULT=130"
      rc=0
      dump_test "$root/bin/criu" CRIU_FAULT=130 || rc=$?
      ((rc == 0)) && { nohw=1; write_wrapper 1; }
    else
      nohw=0
    fi
    ((rc == 0)) || { log "CRIU $upver from $suite passes 'criu check' but cannot dump a sleeping process here"; rm -rf "$work"; return 1; }
    log "CRIU $upver: criu check: Looks good; a test dump worked$([[ $nohw == 1 ]] && echo ' (with CRIU_FAULT=130)')"
  else
    log "not root: 'criu check' and the test dump were skipped"
  fi

  {
    printf 'format=%s\nupstream=%s\ndebian=%s\nsuite=%s\nmirror=%s\n' "$INFO_FORMAT" "$upver" "$debver" "$suite" "$MIRROR"
    printf 'resolved_by=%s\nno_hw_breakpoints=%s\ninstalled=%s\npackages=%s\n' "${how%% (*}" "$nohw" "$(date -u +%FT%TZ)" "${pkgs[*]}"
  } >"$root/criu-atlas.info"

  # Atomic install: the prefix appears complete or not at all (a running criu keeps its files).
  if [[ -e $prefix ]]; then mv -T "$prefix" "$work/old-prefix"; fi
  mv -T "$root" "$prefix"
  rm -rf "$work"
  log "installed CRIU $upver ($debver from Debian $suite) into '$prefix'"
  printf '%s\n' "$prefix"
}

# ---------------------------------------------------------------------------------------------

# Serialize concurrent runs (an install takes a while; the second run then finds it done).
mkdir -p "$ATLAS_HOME"
if command -v flock >/dev/null; then
  exec 9>"$ATLAS_HOME/.provision.lock"
  flock -w 900 9 || die "timed out waiting for another provision-criu.sh run"
  rm -rf "$ATLAS_HOME"/.install-*.?????? 2>/dev/null || true # leftovers of interrupted runs
fi

suite_for() { version_ge "$1" "$MIN_DEFAULT" && echo "$SID" || echo trixie; }

if [[ $WANT != latest ]]; then
  # One exact version, private prefix only.
  p=$(newest_installed "$WANT" "$WANT" || true)
  if [[ -n $p ]]; then
    rc=0; prefix_ok "$p" || rc=$?
    ((rc == 0)) && finish_prefix "$p"
    ((rc == 3)) && die "CRIU $WANT in '$p' is installed but 'criu check' fails on this machine (output above)"
  fi
  p=$(install_from "$(suite_for "$WANT")" "$WANT" "$WANT") || die "could not install CRIU $WANT (reasons above)"
  finish_prefix "$p"
fi

# Default: CRIU >= 4.2.
if [[ -n ${CRIU_ATLAS_CRIU:-} ]]; then
  if accept "$CRIU_ATLAS_CRIU" "CRIU_ATLAS_CRIU" 4; then
    version_ge "$ACCEPTED_VERSION" "$MIN_DEFAULT" ||
      log "WARNING: CRIU $ACCEPTED_VERSION < $MIN_DEFAULT cannot dump inet or packet sockets on Linux >= 6.16"
    finish "$(abspath "$CRIU_ATLAS_CRIU")" "$ACCEPTED_VERSION" "CRIU_ATLAS_CRIU"
  fi
fi
if ((!REFRESH)); then
  p=$(newest_installed "$MIN_DEFAULT" || true)
  if [[ -n $p ]]; then
    rc=0; prefix_ok "$p" || rc=$?
    ((rc == 0)) && finish_prefix "$p"
  fi
fi
if p=$(install_from "$SID" "$MIN_DEFAULT" ""); then finish_prefix "$p"; fi
log "no CRIU >= $MIN_DEFAULT from Debian $SID that works here; trying the alternatives"
if path_criu=$(command -v criu 2>/dev/null) && [[ -n $path_criu ]]; then
  if accept "$path_criu" "criu on PATH" "$MIN_DEFAULT"; then finish "$(abspath "$path_criu")" "$ACCEPTED_VERSION" PATH; fi
fi
log "falling back to CRIU $FALLBACK_VERSION from Debian 13 (trixie): it cannot dump inet or packet sockets on Linux >= 6.16"
p=$(newest_installed "$FALLBACK_VERSION" "$FALLBACK_VERSION" || true)
if [[ -n $p ]] && prefix_ok "$p"; then finish_prefix "$p"; fi
if p=$(install_from trixie "$FALLBACK_VERSION" "$FALLBACK_VERSION"); then finish_prefix "$p"; fi
if path_criu=$(command -v criu 2>/dev/null) && [[ -n $path_criu ]]; then
  if accept "$path_criu" "criu on PATH" 4; then finish "$(abspath "$path_criu")" "$ACCEPTED_VERSION" PATH; fi
fi
die "no working CRIU >= 4 (reasons above)"
