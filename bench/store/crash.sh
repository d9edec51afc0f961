#!/usr/bin/env bash
# Crash trials (issue 9): kill -9 a budgetlens import of the synthetic
# 1,000,000-row line-item file while it writes, TRIALS times (default 20)
# on each store, and check after each kill that the store opens, that the
# killed import left nothing (no run, no row of any budget table) and that
# the current totals equal those before. The store holds the real LA
# FY2021-22 Sec2 expenditures before the trials.
#
# PostgreSQL: $BUDGETLENS_TEST_PG when set, else a private server started
# here on $BUDGETLENS_PG_PORT (default 55450). Results go to
# bench/out/crash.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${TRIALS:-20}
mkdir -p bench/out
file=bench/out/synthetic_expenditures_1m.csv
[ -s "$file" ] || go run ./bench/ingest/gen -rows 1000000 -out "$file"
go build -o bench/out/storetool ./bench/store/storetool
tool=bench/out/storetool
sec2=testdata/la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv
work=$(mktemp -d /tmp/budgetlens-crash.XXXXXX)
export TMPDIR=$work
cleanup() { rm -rf "$work"; [ -n "${started_pg:-}" ] && pgserver_stop; true; }
trap cleanup EXIT
if [ -z "${BUDGETLENS_TEST_PG:-}" ]; then
  source scripts/pgserver.sh
  pgserver_start "${BUDGETLENS_PG_PORT:-55450}"
  started_pg=1
fi
out=bench/out/crash.txt

# trial DB MAXDELAY_MS: one kill; prints ok, or what went wrong
trial() {
  local db=$1 maxdelay=$2 log=$work/import.log
  "$tool" import -db "$db" "$file" > "$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 3000); do grep -q '^writing' "$log" && break; sleep 0.02; done
  local delay=$((RANDOM % maxdelay))
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if grep -q '^committed' "$log"; then echo "late (the import committed within ${delay} ms; lower the delay)"; return; fi
  local after
  if ! after=$("$tool" state -db "$db" 2>&1); then echo "the store did not open: $after"; return; fi
  if [ "$after" != "$before" ]; then echo "changed after a kill at ${delay} ms: $after"; return; fi
  echo "ok (killed ${delay} ms into the write)"
}

# writeMs DB: how long an import's write takes on a scratch store of the
# same kind (from "writing" to "committed"), so that the kills fall inside
# it: the write got faster than a fixed delay (every DuckDB trial came too
# late once the reader reserved its rows once)
writeMs() {
  local db=$1 log=$work/calibrate.log
  "$tool" import -db "$db" "$file" > "$log" 2>&1 &
  local pid=$! t0 t1
  for _ in $(seq 1 3000); do grep -q '^writing' "$log" && break; sleep 0.01; done
  t0=$(date +%s%3N)
  for _ in $(seq 1 60000); do grep -q '^committed' "$log" && break; sleep 0.005; done
  t1=$(date +%s%3N)
  wait "$pid" || true
  echo $((t1 - t0))
}

run_store() {
  local name=$1 db=$2 maxdelay=$3
  "$tool" import -db "$db" "$sec2" > /dev/null
  before=$("$tool" state -db "$db")
  echo "$name: before: $before" | tee -a "$out"
  local ok=0
  for i in $(seq 1 "$trials"); do
    r=$(trial "$db" "$maxdelay")
    echo "$name trial $i: $r" | tee -a "$out"
    case $r in ok*) ok=$((ok + 1)) ;; esac
  done
  echo "$name: $ok of $trials trials: the store opened, the killed import left nothing, totals as before" | tee -a "$out"
}

dms=${DUCKDB_MAX_DELAY_MS:-$(( $(writeMs "$work/calibrate.duckdb") * 9 / 10 ))}
rm -f "$work"/calibrate.duckdb*
echo "duckdb: kills within the first ${dms} ms of the write (90% of a write timed on a scratch store)" | tee "$out"
run_store duckdb "$work/crash.duckdb" "$dms"
pgdb="budgetlens_crash_$$"
psql "$BUDGETLENS_TEST_PG" -X -q -c "CREATE DATABASE $pgdb" -c "\\c $pgdb" -c "CREATE EXTENSION IF NOT EXISTS postgis"
pgurl=$(python3 -c "import sys,urllib.parse as u;p=u.urlparse(sys.argv[1]);print(p._replace(path='/$pgdb').geturl())" "$BUDGETLENS_TEST_PG")
run_store postgres "$pgurl" "${PG_MAX_DELAY_MS:-2000}"
psql "$BUDGETLENS_TEST_PG" -X -q -c "DROP DATABASE $pgdb" || true
# a killed DuckDB import leaves its temporary CSV beside the store until the
# store is next opened (each trial's check opens it)
echo "temporary files of killed DuckDB imports left after the trials: $(find "$work" -name '*.importing.csv' -o -name 'budgetlens-items-*' | wc -l)" | tee -a "$out"
