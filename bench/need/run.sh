#!/usr/bin/env bash
# Compares need.BenchmarkSensitivity (Go) with the same Monte Carlo in R.
# Run once, on an otherwise idle machine: bash bench/need/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
line=$(go test ./need -run XXX -bench BenchmarkSensitivity -benchtime 3x | grep '^BenchmarkSensitivity')
go_s=$(echo "$line" | awk '{printf "%.3f", $3 / 1e9}')
go_cpu=$(echo "$line" | awk '{for (i = 1; i <= NF; i++) if ($i == "cpu-s/op") printf "%.3f", $(i-1)}')
echo "Go: 1000 runs x 2500 areas x 20 indicators: ${go_s} s cpu ${go_cpu} s"
if command -v Rscript >/dev/null; then
  r_out=$(Rscript bench/need/sensitivity.R)
  echo "$r_out"
  r_s=$(echo "$r_out" | awk '{print $(NF-4)}')
  r_cpu=$(echo "$r_out" | awk '{print $(NF-1)}')
  awk -v g="$go_s" -v r="$r_s" -v gc="$go_cpu" -v rc="$r_cpu" 'BEGIN {printf "R / Go: wall %.1f, cpu %.1f\n", r / g, rc / gc}'
else
  echo "Rscript not installed: no peer comparison"
fi
