#!/usr/bin/env bash
# Compiles atlas-topo (the topology builder) into the directory given as $1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?output directory}
mkdir -p "$out"
src=$(ls "$here"/*.c 2>/dev/null || true)
if [ -z "$src" ]; then echo "no topology sources yet" >&2; exit 0; fi
# Only a JDK is needed to build CRIU Atlas: without gcc the build goes on without atlas-topo, and
# what needs it (the Demos menu, the topology tests) says so when used (AtlasTopoBinary).
if ! command -v gcc >/dev/null; then
  echo "[WARNING] gcc not found: atlas-topo (the Demos menu's process builder) is not built; apt-get install gcc" >&2
  exit 0
fi
# shellcheck disable=SC2086
gcc -O2 -Wall -Wextra -Werror -std=gnu11 -o "$out/atlas-topo.tmp" $src
mv "$out/atlas-topo.tmp" "$out/atlas-topo"
