#!/usr/bin/env bash
# test-front-door.sh - the source launcher (./criu-atlas) does what the README promises.
# Run as root by scripts/test.sh; outputs under target/front-door/.
#
# 1. Stubbed apt-get, mvn, sudo, dpkg-query, ldconfig, java and a stub Maven wrapper in a copy of
#    the launcher's checkout layout: as root without --setup the launcher calls neither apt-get nor
#    any Maven (no build missing / stale / GTK missing); with --setup it installs exactly the app's
#    packages and builds; under sudo it builds as the user who owns the checkout, not as root; a
#    missing JDK gets a clear message; JavaFX goes on the module path.
# 2. A clean clone of HEAD with only a JDK (system Maven hidden in a private mount namespace, the
#    wrapper's Maven downloaded afresh): `./criu-atlas --setup --demo` builds through ./mvnw with
#    progress and opens the window (screenshot target/front-door/clean-clone-window.png).
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
out="$repo/target/front-door"
# shellcheck source=installers/tests/x11-lib.sh
. "$repo/installers/tests/x11-lib.sh"
pass=0
ok() { pass=$((pass + 1)); printf 'test-front-door: ok   %s\n' "$*" >&2; }
fail() { printf 'test-front-door: FAIL %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (the launcher's root behaviour is what is tested)"
rm -rf "$out"
mkdir -p "$out"
app_pid=
cleanup() {
  [ -n "$app_pid" ] && stop_pid "$app_pid"
  stop_xvfb
}
trap cleanup EXIT

# ---- 1. stubs ------------------------------------------------------------------------------------
calls="$out/calls"
stubs="$out/stubs"
mkdir -p "$stubs"
for tool in apt mvn sudo; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\nexit 0\n' "$tool" "$calls" >"$stubs/$tool"
done
# apt-get: records the call; "installs" the packages named after `install`
cat >"$stubs/apt-get" <<EOF
#!/bin/bash
echo "apt-get \$*" >>"$calls"
seen=0
for a in "\$@"; do
  if [ \$seen = 1 ] && [[ \$a != -* ]]; then echo "\$a" >>"$out/stub-installed"; fi
  [ "\$a" = install ] && seen=1
done
exit 0
EOF
# dpkg-query: every package "installed" unless STUB_MISSING names it and apt-get did not install it
cat >"$stubs/dpkg-query" <<EOF
#!/bin/bash
echo "dpkg-query \$*" >>"$calls"
for a in "\$@"; do
  case \$a in -*|*'\${'*) continue ;; esac
  if [[ " \${STUB_MISSING:-} " == *" \$a "* ]] && ! grep -qx "\$a" "$out/stub-installed" 2>/dev/null; then continue; fi
  printf '%s\tinstalled\n' "\$a"
done
EOF
# ldconfig -p: GTK present unless STUB_NO_GTK=1
cat >"$stubs/ldconfig" <<EOF
#!/bin/sh
[ "\${STUB_NO_GTK:-}" = 1 ] || echo "	libgtk-3.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libgtk-3.so.0"
EOF
# java: answers -version like a JDK 17; otherwise records its arguments (the app "ran")
mkdir -p "$out/jdk/bin"
cat >"$out/jdk/bin/java" <<EOF
#!/bin/sh
case "\$1" in -version) echo 'openjdk version "17.0.15" 2025-04-15' >&2; exit 0 ;; esac
echo "java \$*" >>"$calls"
EOF
printf '#!/bin/sh\nexit 0\n' >"$out/jdk/bin/javac"
chmod +x "$stubs"/* "$out/jdk/bin"/*

# a checkout as the launcher sees it: the launcher itself, a recording ./mvnw, the scripts
fake="$out/checkout"
make_checkout() {
  rm -rf "$fake"
  mkdir -p "$fake/scripts" "$fake/app/cli/src/main/java" "$fake/native-bridge/src/main" "$fake/resources"
  cp "$repo/criu-atlas" "$fake/"
  cp "$repo/scripts/setup-deps.sh" "$fake/scripts/"
  printf '#!/bin/sh\necho "provision-criu.sh $*" >>"%s"\necho /usr/sbin/criu\n' "$calls" >"$fake/scripts/provision-criu.sh"
  printf '<project/>\n' >"$fake/pom.xml"
  touch "$fake/app/cli/src/main/java/Main.java" "$fake/native-bridge/pom.xml"
  # the wrapper "builds": records who ran it, then makes the jar
  cat >"$fake/mvnw" <<EOF
#!/bin/sh
echo "mvnw as \$(id -un): \$*" >>"$calls"
echo "[INFO] Building CRIU Atlas app 0.1.0-SNAPSHOT                            [3/3]"
mkdir -p "$fake/app/cli/target/lib"
touch "$fake/app/cli/target/lib/javafx-graphics-21.0.11-linux.jar" "$fake/app/cli/target/lib/javafx-graphics-21.0.11.jar" "$fake/app/cli/target/lib/jna.jar"
touch "$fake/app/cli/target/criu-atlas.jar"
EOF
  chmod +x "$fake/mvnw" "$fake/criu-atlas"
}
made_build() { # a build newer than the sources
  mkdir -p "$fake/app/cli/target/lib"
  touch "$fake/app/cli/target/lib/jna.jar"
  touch -d '+1 minute' "$fake/app/cli/target/criu-atlas.jar"
}
launch() { # runs the fake checkout's launcher with the stubs first on PATH; sets rc, writes $out/launch.err
  : >"$calls"
  chmod 666 "$calls"   # the build under sudo records as the checkout's owner
  rm -f "$out/stub-installed"
  rc=0
  env -u SUDO_USER -u DISPLAY -u CRIU_ATLAS_CRIU PATH="$stubs:$PATH" JAVA_HOME="$out/jdk" HOME="$out/home" "$@" \
    >"$out/launch.out" 2>"$out/launch.err" || rc=$?
}
called() { grep -q "^$1" "$calls"; }
mkdir -p "$out/home"

make_checkout
launch "$fake/criu-atlas"
[ "$rc" -ne 0 ] || fail "root, no build, no --setup: the launcher did not stop"
called apt-get && fail "root without --setup called apt-get: $(cat "$calls")"
called mvn && fail "root without --setup called mvn: $(cat "$calls")"
grep -q -- "--setup" "$out/launch.err" || fail "the launcher does not say how to go on: $(cat "$out/launch.err")"
ok "root, no build, no --setup: no apt-get, no Maven; it says to run --setup ($(head -n1 "$out/launch.err" | cut -c1-80)...)"

made_build
touch -d '+2 minutes' "$fake/app/cli/src/main/java/Main.java"
launch "$fake/criu-atlas" --demo
called apt-get && fail "root, stale build: apt-get called"
called mvn && fail "root, stale build: Maven called: $(cat "$calls")"
called java || fail "root, stale build: the last build did not run"
grep -q "running the last build" "$out/launch.err" || fail "stale build as root: no word about it: $(cat "$out/launch.err")"
ok "root, sources newer than the build, no --setup: runs the last build, says how to rebuild, calls no Maven"

make_checkout
made_build
launch env STUB_NO_GTK=1 STUB_MISSING=libgtk-3-0 "$fake/criu-atlas"
[ "$rc" -ne 0 ] || fail "GTK missing: the launcher went on"
called apt-get && fail "root, GTK missing, no --setup: apt-get called"
grep -q "libgtk-3-0" "$out/launch.err" || fail "GTK missing: not said: $(cat "$out/launch.err")"
ok "root, GTK missing, no --setup: no apt-get; it names libgtk-3-0 and --setup"

make_checkout
launch env STUB_MISSING="libgtk-3-0 gcc" "$fake/criu-atlas" --setup --demo
[ "$rc" = 0 ] || fail "--setup failed: $(cat "$out/launch.err")"
grep -q "^apt-get .* install -y --no-install-recommends libgtk-3-0 gcc$" "$calls" \
  || fail "--setup did not install exactly the app's missing packages: $(grep apt-get "$calls")"
called "mvnw as root" || fail "--setup did not build"
called "provision-criu.sh" || fail "--setup did not provision CRIU"
grep -q "Building CRIU Atlas app" "$out/launch.err" || fail "no build progress shown: $(cat "$out/launch.err")"
java_line=$(grep '^java ' "$calls")
[[ $java_line == *"--module-path $fake/app/cli/target/lib/javafx-graphics-21.0.11-linux.jar "* ]] || fail "JavaFX is not on the module path: $java_line"
[[ $java_line == *"-cp $fake/app/cli/target/criu-atlas.jar:$fake/app/cli/target/lib/jna.jar "* ]] || fail "class path: $java_line"
ok "--setup: apt-get installs only the app's missing packages (libgtk-3-0 gcc), builds with progress, provisions CRIU; JavaFX on the module path"

make_checkout
chown -R nobody "$fake"
launch env SUDO_USER=nobody "$fake/criu-atlas" --demo
[ "$rc" = 0 ] || fail "under sudo: $(cat "$out/launch.err")"
called "mvnw as nobody" || fail "under sudo the build did not run as the checkout's owner: $(cat "$calls")"
called "mvnw as root" && fail "under sudo the build ran as root"
chown -R root "$fake"
ok "under sudo (SUDO_USER owns the checkout): builds as that user, not as root"

launch env JAVA_HOME=/nonexistent "$fake/criu-atlas" --version
[ "$rc" -ne 0 ] && grep -q "JDK 17" "$out/launch.err" || fail "no JDK: unclear: $(cat "$out/launch.err")"
ok "no JDK: '$(head -n1 "$out/launch.err" | cut -c1-70)...'"

# the staleness check runs on every start: it must be cheap on the real checkout
if [ -f "$repo/app/cli/target/criu-atlas.jar" ]; then
  stale_ms=$( { bash -c '
    here=$1; jar=$here/app/cli/target/criu-atlas.jar; lib=$here/app/cli/target/lib
    eval "$(sed -n "/^sources=(/,/)$/p" "$here/criu-atlas")"
    eval "$(sed -n "/^stale()/,/^}/p" "$here/criu-atlas")"
    s=$(date +%s%N); for i in 1 2 3 4 5 6 7 8 9 10; do stale || true; done; echo $(( ($(date +%s%N) - s) / 10000000 ))' _ "$repo"; } )
  [ "$stale_ms" -lt 200 ] || fail "the staleness check takes $stale_ms ms"
  ok "staleness check on this checkout: $stale_ms ms per start (mean of 10)"
fi

# ---- 2. a clean clone with only a JDK -----------------------------------------------------------------
if [ "${CRIU_ATLAS_SKIP_CLEAN_CLONE:-}" = 1 ]; then
  echo "$pass passed, 0 failed"
  exit 0
fi
clone="$out/clone"
git clone -q --no-hardlinks "$repo" "$clone"
git -C "$clone" checkout -q "$(git -C "$repo" rev-parse HEAD)"
start_xvfb
s=$(now_ms)
# system Maven hidden: /usr/bin/mvn and Maven's home replaced in a private mount namespace
unshare -m bash -c '
  set -e
  for m in $(command -v mvn) /usr/share/maven; do
    [ -e "$m" ] || continue
    if [ -d "$m" ]; then mount -t tmpfs none "$m"; else mount --bind /dev/null "$m"; fi
  done
  if mvn -v >/dev/null 2>&1; then echo "system Maven still usable" >&2; exit 9; fi
  exec env MAVEN_USER_HOME="$1" "$2/criu-atlas" --setup --demo' _ "$out/wrapper-home" "$clone" \
  >"$out/clone.out" 2>"$out/clone.err" &
app_pid=$!
w=$(wait_window org.criuatlas.ui.AtlasApp "$app_pid" 900) || { tail -n 30 "$out/clone.err" >&2; fail "clean clone: no window"; }
clone_s=$(( ($(now_ms) - s) / 1000 ))
wait_window_painted "$out/clean-clone-window.png" || fail "clean clone: the window did not paint"
stop_pid "$app_pid"; app_pid=
ls -d "$out"/wrapper-home/wrapper/dists/apache-maven-* >/dev/null 2>&1 || fail "the wrapper did not download Maven into MAVEN_USER_HOME"
grep -q "Building CRIU Atlas app" "$out/clone.err" || fail "clean clone: no build progress: $(head "$out/clone.err")"
ok "clean clone, system Maven hidden: './criu-atlas --setup --demo' built through ./mvnw and opened the window in $clone_s s ($out/clean-clone-window.png)"
echo "$pass passed, 0 failed"
