#!/usr/bin/env bash
# Benchmarks the service measures against a DuckDB SQL version of the same
# measures, in the same run on the same machine (bench/RESULTS.md):
#   1. prepare (not timed): a store with council districts, neighbourhood
#      councils and LAFD districts, and ROWS SYNTHETIC requests over four
#      years (2014-2017) placed around LA's census tracts by population, in
#      creation order as the portal's exports are (FLAGS=-unordered: in no
#      time order, as the files before 2026-12-05);
#   2. import: budgetlens stores, places in the 3 layers and computes the
#      20 LA measures by area x type x month for each layer;
#   3. measures: the same measures in a new process, which reads the months
#      back from the file (as `budgetlens measures table` after `budgetlens
#      events import`; the import step's process answers from the months its
#      import kept, duckdb.Store.CacheEvents);
#   4. daily: a day's 10,000 rows (new requests numbered after the stored
#      ones, and closings of requests of the month before) imported and
#      every measure of the months touched computed again, checked equal to
#      a full computation read from the file by a second store;
#   5. sql: DuckDB reads the same CSV (read_csv) and computes the same
#      measures with SQL (placements given: DuckDB has no point in polygon
#      without its spatial extension, which budgetlens never downloads);
#   6. ratio: budgetlens over SQL for the measures alone and end to end,
#      and whether both computed the same number of cells.
# Peak memory is /usr/bin/time's maximum resident set; the load average is
# printed with each step (the machine may be shared).
#   ROWS=10000000 bench/measures/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${ROWS:-10000000}
flags=${FLAGS:-}
dir=${DIR:-/tmp/budgetlens-bench-measures}
go build -o /tmp/budgetlens-bench-measures-bin ./bench/measures
bin=/tmp/budgetlens-bench-measures-bin
step() {
  echo "== $1 (load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
  /usr/bin/time -f "peak_rss_mb=%M wall_s=%e user_s=%U sys_s=%S" -o /tmp/budgetlens-bench-measures.time "$bin" -step "$1" -dir "$dir" -rows "$rows" $flags
  awk -F'[ =]' '{printf "peak %d MB, wall %s s, CPU %s s user + %s s sys\n", $2/1024, $4, $6, $8}' /tmp/budgetlens-bench-measures.time
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}
step prepare
step import
step measures
step daily
step sql
echo "== ratio (budgetlens time / DuckDB SQL time; under 1: budgetlens faster)"
"$bin" -step ratio -dir "$dir"
