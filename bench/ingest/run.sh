#!/usr/bin/env bash
# Benchmarks budget imports against DuckDB's read_csv in the same run:
# the LA FY2021-22 export set, and a synthetic 1,000,000-row line-item file
# generated here (bench/out/, not committed). Run once; it is heavy.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p bench/out
f=bench/out/synthetic_expenditures_1m.csv
[ -s "$f" ] || go run ./bench/ingest/gen -rows 1000000 -out "$f"
BUDGETLENS_BENCH_1M="$PWD/$f" go test -run XXX -bench . -benchtime 1x -timeout 30m ./bench/ingest | tee bench/out/ingest.txt
