#!/usr/bin/env bash
# Renders criu-atlas.svg to the PNG sizes the window, the desktop entry and the .deb use.
# Needs rsvg-convert (Debian: librsvg2-bin). The PNGs are committed; run this after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")"
for s in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$s" -h "$s" criu-atlas.svg -o "criu-atlas-$s.png"
done
