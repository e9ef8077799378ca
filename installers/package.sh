#!/usr/bin/env bash
# Builds a self-contained app image (and a .deb when dpkg-deb is present) with jpackage.
# Usage: installers/package.sh [app-image|deb]   (output in installers/target/)
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/.." && pwd)
type=${1:-app-image}
(cd "$repo" && mvn -q -B -DskipTests -pl app/cli -am package)
out="$here/target"
rm -rf "$out" && mkdir -p "$out/input"
cp "$repo/app/cli/target/criu-atlas.jar" "$out/input/"
cp "$repo"/app/cli/target/lib/*.jar "$out/input/"
jpackage --type "$type" --dest "$out" --name criu-atlas --app-version 0.1.0 \
  --input "$out/input" --main-jar criu-atlas.jar --main-class org.criuatlas.Main \
  --description "See, plan and run CRIU checkpoint/restore of Linux process trees" \
  --vendor "CRIU Atlas" --install-dir /opt \
  --java-options "-Dprism.order=es2,sw" \
  $( [ "$type" = deb ] && echo "--linux-shortcut --linux-menu-group System --linux-app-category admin --linux-package-deps criu" )
echo "packaged: $(ls "$out")"
