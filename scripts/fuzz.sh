#!/usr/bin/env bash
# Runs budgetlens' fuzz targets, each for FUZZTIME (default 60s), one after
# the other (go test -fuzz takes one target at a time). Every target checks
# properties, not only the absence of panics (see the doc comment of each).
# The seed corpora (real files, and the attack files of issue 14 made by
# internal/hostile) run in every plain `go test`; this is the longer run.
#   FUZZTIME=10m scripts/fuzz.sh            # all targets
#   scripts/fuzz.sh ./internal/tabular      # one package's targets
# A failure leaves its input under the package's testdata/fuzz/ to be
# committed as a regression seed once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-60s}
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  pkgs=(./budget ./internal/tabular ./ingest ./need ./events ./geo ./attribute ./measures ./capital/projects)
fi
source scripts/fuzzrun.sh
status=0
for pkg in "${pkgs[@]}"; do
  for target in $(go test "$pkg" -list '^Fuzz' | grep '^Fuzz' || true); do
    echo "fuzz.sh: $pkg $target ($fuzztime)"
    if ! fuzz_once "$pkg" "$target" "$fuzztime"; then
      status=1
    fi
  done
done
exit $status
