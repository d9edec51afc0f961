#!/usr/bin/env bash
# bench/analysis/run.sh — stage timings of the whole demo (PDF excluded), then
# the attribution and metrics stage against an equivalent geopandas script
# (Debian python3-geopandas) on the same inputs, with the ratio.
#
# Usage: bench/analysis/run.sh   (ROWS=1000000 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-1000000}
work=$(mktemp -d /tmp/analysisbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
go build -o "$work/budgetlens" ./cmd/budgetlens
echo "== budgetlens demo (PDF excluded), $ROWS synthetic requests, $(nproc) cores"
start=$(date +%s.%N)
/usr/bin/time -f "demo: %e s wall, %U s user, %S s sys, %M KB max RSS" \
  "$work/budgetlens" demo --dir "$work/demo" --no-pdf --no-serve --timings --requests "$ROWS"
end=$(date +%s.%N)
echo "demo wall time: $(echo "$end - $start" | bc) s"
echo "== attribution and metrics stage: budgetlens vs geopandas"
go run ./bench/analysis -rows "$ROWS" -python "${PYTHON:-/usr/bin/python3}" -dir "$work"
