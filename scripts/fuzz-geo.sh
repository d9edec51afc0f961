#!/usr/bin/env bash
# scripts/fuzz-geo.sh — runs the fuzz targets of the spatial readers, one
# after the other, each for $FUZZTIME (default 60s; CI runs it with 10s).
# The targets check properties (an error names a place, a valid file
# round-trips, allocation stays bounded), not only the absence of panics.
# A failing input is saved under the package's testdata/fuzz/ by go test;
# commit it as a regression seed once fixed.
#
# Usage: scripts/fuzz-geo.sh [TARGET...]   e.g. scripts/fuzz-geo.sh FuzzGeoJSON
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-60s}
source scripts/fuzzrun.sh
# package target — extend the list as readers gain targets
targets=(
  "./geo FuzzGeoJSON"
  "./geo FuzzWKT"
  "./geo FuzzSHP"
  "./geo FuzzDBF"
  "./geo FuzzGeoPackage"
  "./geo FuzzGAL"
  "./geo FuzzPRJ"
  "./metrics FuzzParseGAL"
)
want=("$@")
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  if [ ${#want[@]} -gt 0 ] && [[ ! " ${want[*]} " =~ " $name " ]]; then continue; fi
  echo "fuzz-geo.sh: $pkg $name for $FUZZTIME"
  fuzz_once "$pkg" "$name" "$FUZZTIME" -parallel 2
done
