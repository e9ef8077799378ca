#!/usr/bin/env bash
# package.sh - builds the CRIU Atlas .deb: installers/target/criu-atlas_<version>_<arch>.deb
#
# Usage: installers/package.sh [--no-sample] [--no-build]
#   --no-sample  leave out the sample dump (making it needs root and CRIU)
#   --no-build   package the checkout's current build (CI: right after `mvn verify`)
#
# Steps: build through the Maven wrapper; jlink a runtime with JavaFX's modules in it (JavaFX on
# the module path, its supported configuration, with its native libraries in the runtime's lib/);
# jpackage an app image with two launchers (criu-atlas, and criu-atlas-bridge for polkit); generate
# the man page and the bash/zsh/fish completions from the picocli model; make the sample dump; lay
# out the Debian tree and build it with dpkg-deb.
#
# jpackage makes the app image but not the .deb: jpackage's own .deb installs the desktop entry
# with a postinst script (files dpkg does not know about) and cannot ship files under /usr/share
# (metainfo, polkit action, man page, completions, MIME type). Here every installed file is in the
# package's data, so dpkg removes all of it, and Debian's triggers refresh the desktop, MIME, icon
# and man caches.
#
# Needs: a JDK 17+ with jlink and jpackage, dpkg-deb, dpkg-shlibdeps (dpkg-dev), unzip; for the
# sample dump root and CRIU >= 4. Times of each step go to stderr.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/.." && pwd)
out="$here/target"
sample=1 build=1
for a in "$@"; do
  case $a in
    --no-sample) sample=0 ;;
    --no-build) build=0 ;;
    *) echo "usage: installers/package.sh [--no-sample] [--no-build]" >&2; exit 2 ;;
  esac
done
log() { printf 'package: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
t0=$SECONDS
step() { log "[$((SECONDS - t0)) s] $*"; }

prop() { sed -n "s/^$1=//p" "$here/project.properties"; }
app_id=$(prop app_id)
homepage=$(prop homepage)
screenshots=$(prop screenshots)
maintainer=$(prop maintainer)

jdk_bin=$(dirname "$(readlink -f "$(command -v javac || die "no javac: a JDK 17+ is needed")")")
for t in jlink jpackage; do [ -x "$jdk_bin/$t" ] || die "$jdk_bin/$t missing: the JDK has no $t"; done
for t in dpkg-deb dpkg-shlibdeps unzip; do command -v "$t" >/dev/null || die "$t not found (scripts/setup-deps.sh installs it)"; done

# ---- 1. build (the launcher's build: app and what it needs) --------------------------------------
build_dir="$repo/app/cli/target"
if [ "$build" = 1 ]; then
  step "building with the Maven wrapper"
  (cd "$repo" && ./mvnw -B -q -DskipTests -pl app/cli -am package) || die "the build failed"
fi
[ -f "$build_dir/criu-atlas.jar" ] || die "no build in $build_dir (run without --no-build)"
lib="$build_dir/lib"
version=$(unzip -p "$lib"/criu-atlas-resources-*.jar org/criuatlas/atlas-version.properties | sed -n 's/^version=//p')
[ -n "$version" ] || die "no version in the resources jar"
# Debian orders ~ before anything: 0.1.0~SNAPSHOT < 0.1.0, as Maven orders 0.1.0-SNAPSHOT < 0.1.0
deb_version=${version//-/\~}
arch=$(dpkg --print-architecture)
step "version $version (Debian: $deb_version, $arch)"

# every bundled jar must be in the notices
notices="$repo/THIRD-PARTY-NOTICES.md"
for j in "$lib"/*.jar; do
  n=$(basename "$j" .jar)
  case $n in criu-atlas-*) continue ;; esac
  base=${n%-[0-9]*}
  base=${base%-linux}
  grep -q -- "$base" "$notices" || die "$n.jar is bundled but THIRD-PARTY-NOTICES.md does not list '$base'"
done

rm -rf "$out/input" "$out/image" "$out/deb" "$out/docs"
mkdir -p "$out"

# ---- 2. runtime: the JDK's modules the app uses, and JavaFX's --------------------------------------
fx_jars=$(find "$lib" -name 'javafx-*-linux.jar' | sort | tr '\n' ':')
[ -n "$fx_jars" ] || die "no javafx-*-linux.jar in $lib"
# jdeps over the app's jars, plus jdk.unsupported (JNA, protobuf), java.sql (Jackson's optional types)
modules=java.base,java.desktop,java.logging,java.management,java.prefs,java.sql,jdk.management,jdk.unsupported,javafx.controls
runtime_key="$("$jdk_bin/java" -version 2>&1 | head -n1) | $modules | cds | $(cd "$lib" && ls javafx-*-linux.jar | tr '\n' ' ')"
if [ -f "$out/runtime/.key" ] && [ "$(cat "$out/runtime/.key")" = "$runtime_key" ]; then
  step "runtime: reusing $out/runtime (same JDK, modules and JavaFX)"
else
  step "runtime: jlink $modules"
  rm -rf "$out/runtime"
  # --exclude-files: no sound in the app, so no libasound dependency
  # --generate-cds-archive: the default class-data archive every JDK ships (faster start; the base an
  # AppCDS archive of the app builds on)
  "$jdk_bin/jlink" --module-path "$fx_jars" --add-modules "$modules" --strip-debug --no-header-files \
    --no-man-pages --compress=2 --exclude-files='**/libjsound.so' --generate-cds-archive --output "$out/runtime"
  # JavaFX loads its native libraries from the runtime's lib/ when it is linked in; without them
  # there it would unpack copies into every user's ~/.openjfx/cache
  for j in "$lib"/javafx-*-linux.jar; do unzip -q -o -j "$j" '*.so' -d "$out/runtime/lib/" 2>/dev/null || true; done
  [ -f "$out/runtime/lib/libglassgtk3.so" ] || die "JavaFX's native libraries are missing from the runtime"
  echo "$runtime_key" >"$out/runtime/.key"
fi

# ---- 3. app image --------------------------------------------------------------------------------
step "app image: jpackage"
mkdir -p "$out/input/scripts" "$out/input/native"
cp "$build_dir/criu-atlas.jar" "$out/input/"
for j in "$lib"/*.jar; do case ${j##*/} in javafx-*) ;; *) cp "$j" "$out/input/" ;; esac; done
cp "$repo/scripts/provision-criu.sh" "$out/input/scripts/"
# JNA's native part, so it is not unpacked into a temporary folder at every start
unzip -q -o -j "$lib"/jna-*.jar 'com/sun/jna/linux-x86-64/libjnidispatch.so' -d "$out/input/native/"
# shellcheck disable=SC2016  # $APPDIR is jpackage's, expanded by the launcher at run time
java_opts=(
  '-Dcriuatlas.scripts=$APPDIR/scripts'
  '-Dcriuatlas.samples=$APPDIR/../../share/sample-images'
  '-Djna.boot.library.path=$APPDIR/native' '-Djna.nounpack=true'
)
# start-up options of the build (e.g. an AppCDS archive), the same file the source launcher reads
if [ -f "$build_dir/jvm.options" ]; then
  while IFS= read -r line; do case $line in '' | '#'*) ;; *) java_opts+=("$line") ;; esac; done <"$build_dir/jvm.options"
fi
jopts=()
for o in "${java_opts[@]}"; do jopts+=(--java-options "$o"); done
# the bridge launcher: a fixed path for the polkit action that can only run `criu-atlas bridge`
printf 'java-options=-Dcriuatlas.entry=bridge\n' >"$out/bridge-launcher.properties"
"$jdk_bin/jpackage" --type app-image --dest "$out/image" --name criu-atlas --app-version "${version%%-*}" \
  --runtime-image "$out/runtime" --input "$out/input" --main-jar criu-atlas.jar \
  --main-class org.criuatlas.Main --icon "$repo/resources/icons/criu-atlas-256.png" \
  --description "See, plan, dump and restore Linux process trees with CRIU" --vendor "CRIU Atlas" \
  --add-launcher criu-atlas-bridge="$out/bridge-launcher.properties" "${jopts[@]}"
image="$out/image/criu-atlas"
[ -x "$image/bin/criu-atlas" ] && [ -x "$image/bin/criu-atlas-bridge" ] || die "jpackage made no launchers"

# ---- 4. man page and completions, from the picocli model -----------------------------------------
step "man page and completions"
date=$(git -C "$repo" log -1 --format=%cs 2>/dev/null || date -u +%F)
"$image/bin/criu-atlas" --version >/dev/null || die "the app image does not start"
"$out/runtime/bin/java" -cp "$image/lib/app/*" org.criuatlas.cli.ShellDocs "$out/docs" "$date"

# ---- 5. the sample dump ----------------------------------------------------------------------------
if [ "$sample" = 1 ]; then
  step "sample dump (root, CRIU)"
  [ "$(id -u)" = 0 ] || die "the sample dump needs root (or use --no-sample)"
  CRIU_ATLAS_APP="$image/bin/criu-atlas" bash "$here/make-sample-images.sh" "$out/sample-images"
fi

# ---- 6. the Debian tree --------------------------------------------------------------------------
step "Debian tree"
root="$out/deb/root"
mkdir -p "$root/opt" "$root/usr/bin" "$root/DEBIAN"
cp -a "$image" "$root/opt/criu-atlas"
if [ "$sample" = 1 ]; then
  mkdir -p "$root/opt/criu-atlas/share"
  cp -a "$out/sample-images" "$root/opt/criu-atlas/share/sample-images"
fi
ln -s /opt/criu-atlas/bin/criu-atlas "$root/usr/bin/criu-atlas"
share="$root/usr/share"
install -D -m 644 "$here/$app_id.desktop" "$share/applications/$app_id.desktop"
install -D -m 644 "$here/$app_id.mime.xml" "$share/mime/packages/$app_id.xml"
sed -e "s/@VERSION@/$deb_version/" -e "s/@DATE@/$date/" -e "s#@HOMEPAGE@#$homepage#g" -e "s#@SCREENSHOTS@#$screenshots#g" \
  "$here/$app_id.metainfo.xml" >"$out/metainfo.xml"
install -D -m 644 "$out/metainfo.xml" "$share/metainfo/$app_id.metainfo.xml"
sed -e "s#@HOMEPAGE@#$homepage#g" "$here/org.criuatlas.bridge.policy" >"$out/bridge.policy"
install -D -m 644 "$out/bridge.policy" "$share/polkit-1/actions/org.criuatlas.bridge.policy"
for s in 16 24 32 48 64 128 256 512; do
  install -D -m 644 "$repo/resources/icons/criu-atlas-$s.png" "$share/icons/hicolor/${s}x${s}/apps/$app_id.png"
done
install -D -m 644 "$repo/resources/icons/criu-atlas.svg" "$share/icons/hicolor/scalable/apps/$app_id.svg"
mkdir -p "$share/man/man1"
gzip -9n -c "$out/docs/criu-atlas.1" >"$share/man/man1/criu-atlas.1.gz"
install -D -m 644 "$out/docs/criu-atlas.bash" "$share/bash-completion/completions/criu-atlas"
install -D -m 644 "$out/docs/_criu-atlas" "$share/zsh/vendor-completions/_criu-atlas"
install -D -m 644 "$out/docs/criu-atlas.fish" "$share/fish/vendor_completions.d/criu-atlas.fish"
doc="$share/doc/criu-atlas"
install -D -m 644 "$repo/THIRD-PARTY-NOTICES.md" "$doc/THIRD-PARTY-NOTICES.md"
cat >"$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: CRIU Atlas
Source: $homepage

Files: *
Copyright: CRIU Atlas developers
License: Apache-2.0
 On Debian systems the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.

Files: opt/criu-atlas/lib/runtime/*
Copyright: Oracle and/or its affiliates, and others (OpenJDK 17, OpenJFX 21)
License: GPL-2 with Classpath exception
 See opt/criu-atlas/lib/runtime/legal/ and /usr/share/common-licenses/GPL-2.

Comment: The bundled libraries (JNA, Protocol Buffers, Jackson, picocli, ControlsFX), their
 licences and notices are listed in /usr/share/doc/criu-atlas/THIRD-PARTY-NOTICES.md.
EOF
chmod 644 "$doc/copyright"

# ---- 7. control file: dependencies from the ELF files (dpkg-shlibdeps) ----------------------------
step "dependencies (dpkg-shlibdeps)"
depends_key="$runtime_key | $(cd "$lib" && ls jna-*.jar)"
if [ -f "$out/runtime/.depends" ] && [ "$(head -n1 "$out/runtime/.depends")" = "$depends_key" ]; then
  shlibs=$(sed -n 2p "$out/runtime/.depends")
else
mapfile -t elves < <(find "$root/opt" -type f \( -name '*.so' -o -perm -u+x \) -exec sh -c 'head -c4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
mkdir -p "$out/deb/shlibs/debian"
printf 'Source: criu-atlas\n\nPackage: criu-atlas\nArchitecture: any\n' >"$out/deb/shlibs/debian/control"
shlibs=$(cd "$out/deb/shlibs" && dpkg-shlibdeps -O --ignore-missing-info -l"$root/opt/criu-atlas/lib/runtime/lib" \
  -l"$root/opt/criu-atlas/lib/runtime/lib/server" -l"$root/opt/criu-atlas/lib" "${elves[@]}" 2>"$out/deb/shlibdeps.err" \
  | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || die "dpkg-shlibdeps found nothing: $(cat "$out/deb/shlibdeps.err")"
printf '%s\n%s\n' "$depends_key" "$shlibs" >"$out/runtime/.depends"
fi
# provision-criu.sh runs apt-get download and dpkg -x with Debian's keyring; the launchers run bash
depends="$shlibs, bash, apt, dpkg, debian-archive-keyring"
installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: criu-atlas
Version: $deb_version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kb
Depends: $depends
Recommends: iptables, zstd
Section: admin
Priority: optional
Homepage: $homepage
Description: see, plan, dump and restore Linux process trees with CRIU
 CRIU Atlas draws a live graph of the processes on a Linux machine with the
 pipes, sockets and other objects between them, shows before anything is frozen what
 CRIU will do with every connection that leaves a chosen subtree, and runs
 the dump and the restore from the window. It opens CRIU image directories
 offline without root. Bundles its own Java runtime; CRIU 4 or later is
 downloaded from Debian's archive on first use (or use your own).
EOF

# ---- 8. the package --------------------------------------------------------------------------------
deb="$out/criu-atlas_${deb_version}_${arch}.deb"
step "dpkg-deb"
rm -f "$out"/criu-atlas_*.deb
# gzip: every dpkg reads it, and it is 10x faster than xz here for 5% more size (most of the
# runtime is already compressed by jlink)
dpkg-deb --root-owner-group -Zgzip -z9 --build "$root" "$deb" >/dev/null
step "done: $deb ($(du -h "$deb" | cut -f1), installed $((installed_kb / 1024)) MiB)"
echo "$deb"
