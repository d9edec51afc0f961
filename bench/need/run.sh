#!/usr/bin/env bash
# Compares need.BenchmarkSensitivity (Go) with the same Monte Carlo in R.
# Run once, on an otherwise idle machine: bash bench/need/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
go_ns=$(go test ./need -run XXX -bench BenchmarkSensitivity -benchtime 3x | awk '/^BenchmarkSensitivity/ {print $3}')
go_s=$(awk -v ns="$go_ns" 'BEGIN {printf "%.3f", ns / 1e9}')
echo "Go: 1000 runs x 2500 areas x 20 indicators: ${go_s} s"
if command -v Rscript >/dev/null; then
  r_out=$(Rscript bench/need/sensitivity.R)
  echo "$r_out"
  r_s=$(echo "$r_out" | awk '{print $(NF-1)}')
  awk -v g="$go_s" -v r="$r_s" 'BEGIN {printf "R / Go = %.1f\n", r / g}'
else
  echo "Rscript not installed: no peer comparison"
fi
