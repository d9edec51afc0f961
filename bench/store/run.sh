#!/usr/bin/env bash
# The PostgreSQL store's benchmarks, in one run on one machine:
#  1. import of the synthetic 1,000,000-row line-item file through
#     budgetlens against psql \copy of the same file into an equivalent
#     table (best of three each; the issue asks for a ratio >= 0.5);
#  2. 50 concurrent clients importing, doing an analysis's reads and
#     reading for 60 s (TestManyClients -soak 60s);
#  3. the crash trials (crash.sh: kill -9 during a 1,000,000-row import,
#     20 times on each store);
#  4. analyze of the demo on PostgreSQL against the DuckDB demo store
#     (five rounds alternating; the issue asks for a ratio <= 2).
# Each step prints the load average: the machine may be shared.
# It uses $BUDGETLENS_TEST_PG when set, else starts a private server (with a
# replica) on $BUDGETLENS_PG_PORT (default 55450). Output: bench/out/store.txt
# and bench/out/crash.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p bench/out
f=bench/out/synthetic_expenditures_1m.csv
[ -s "$f" ] || go run ./bench/ingest/gen -rows 1000000 -out "$f"
if [ -z "${BUDGETLENS_TEST_PG:-}" ]; then
  source scripts/pgserver.sh
  trap pgserver_stop EXIT
  pgserver_start "${BUDGETLENS_PG_PORT:-55450}"
fi
{
  echo "== load average: $(cat /proc/loadavg 2>/dev/null)"
  echo "== analyze of the demo: PostgreSQL against DuckDB"
  go test -run XXX -bench AnalyzeDemo -benchtime 1x -timeout 30m -v ./bench/store
  echo "== import of $f: budgetlens against psql \\copy (load average: $(cat /proc/loadavg 2>/dev/null))"
  BUDGETLENS_BENCH_1M="$PWD/$f" go test -run XXX -bench Import1M -benchtime 1x -timeout 30m -v ./bench/store
  echo "== 50 clients for ${SOAK:-60s}"
  go test -count=1 -run 'TestManyClients' -v -timeout 30m ./store/postgres -args -soak "${SOAK:-60s}"
} 2>&1 | tee bench/out/store.txt
bash bench/store/crash.sh
