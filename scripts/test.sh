#!/usr/bin/env bash
# Runs budgetlens' whole test suite on a fresh Debian machine that has Go, gcc
# and apt. It installs what the tests compare against (PostGIS, PROJ's cs2cs,
# Chromium, poppler, CBC, GDAL's ogrinfo, pandas with openpyxl), starts a throw-away PostgreSQL server on a private port,
# then runs gofmt, go mod tidy -diff, go vet, staticcheck, go test (skipped
# tests listed at the end) and the race detector over the concurrent code. Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || need_pkgs+=(postgresql-15)
[ -d /usr/share/postgresql/15/extension ] && ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1 || need_pkgs+=(postgresql-15-postgis-3)
command -v cs2cs >/dev/null || need_pkgs+=(proj-bin)
command -v chromium >/dev/null || need_pkgs+=(chromium)
command -v pdftoppm >/dev/null || need_pkgs+=(poppler-utils)
command -v cbc >/dev/null || need_pkgs+=(coinor-cbc)
command -v sqlite3 >/dev/null || need_pkgs+=(sqlite3)
command -v ogrinfo >/dev/null || need_pkgs+=(gdal-bin)
/usr/bin/python3 -c 'import pandas, openpyxl' 2>/dev/null || need_pkgs+=(python3-pandas python3-openpyxl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    echo "test.sh: missing ${need_pkgs[*]}; tests that need them will be skipped (run as root with apt to install them)"
  fi
fi

# A private PostgreSQL + PostGIS server for the store suite and the
# comparison tests, with a streaming replica on the next port.
if [ -x /usr/lib/postgresql/15/bin/postgres ]; then
  source scripts/pgserver.sh
  pgport=${BUDGETLENS_PG_PORT:-55432}
  trap pgserver_stop EXIT
  pgserver_start "$pgport"
  echo "test.sh: PostgreSQL on port $pgport, its streaming replica on port $((pgport + 1))"
fi

echo "test.sh: gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi
echo "test.sh: go mod tidy -diff"
if ! go mod tidy -diff >/dev/null; then echo "go.mod or go.sum is not tidy: run go mod tidy"; go mod tidy -diff || true; exit 1; fi
echo "test.sh: go vet"
go vet ./...
echo "test.sh: staticcheck"
sc_out=$(go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./... 2>&1) || true
if [ -n "$sc_out" ]; then echo "$sc_out"; exit 1; fi
echo "test.sh: go test"
# testreport prints each package's result, the output of failed tests and
# the skipped tests with their reasons; with CI=true a skipped reference test
# (metric vectors, CES, CEJST, SEDT) fails the run.
# Files of this run in a directory of its own (several runs may share the
# machine); the report is kept as test.log there and named at the end.
out=$(mktemp -d /tmp/budgetlens-test.XXXXXX)
go build -o "$out/testreport" ./scripts/testreport
set +e
go test -count=1 -timeout 30m -json ./... > "$out/test.json" 2>&1
test_rc=$?
set -e
"$out/testreport" < "$out/test.json" | tee "$out/test.log"
report_rc=${PIPESTATUS[0]}
echo "test.sh: the report and go test's JSON are in $out"
if [ "$test_rc" -ne 0 ] || [ "$report_rc" -ne 0 ]; then exit 1; fi
# The race detector (and its pointer checks, which caught a pointer past a
# block's end in measures' column carving) over the code that runs on
# several goroutines or uses unsafe: the import's pipeline, its parsers,
# placement, the months' columns and huge-page buffers, the store's feed.
# About two minutes on two cores.
echo "test.sh: go test -race (the import's concurrent and unsafe code)"
go test -race -count=1 ./internal/hugemem ./internal/tabular ./measures ./events
go test -race -count=1 ./geo -run 'TestLocateEach|TestLocateMatches|TestHalfOpen'
go test -race -count=1 ./office -run 'TestRepeatFlagsAfterUpdates|TestAhead|TestHoldGC'
go test -race -count=1 ./store/duckdb -run 'TestStageWhileInserting|TestFeed|TestEventCache'
# Every fuzz target's seeds (real files and the generated attack files) ran
# above; in CI each target also fuzzes briefly. A longer run: scripts/fuzz.sh.
if [ "${CI:-}" = true ] || [ -n "${BUDGETLENS_FUZZTIME:-}" ]; then
  echo "test.sh: fuzzing each target for ${BUDGETLENS_FUZZTIME:-3s}"
  FUZZTIME=${BUDGETLENS_FUZZTIME:-3s} bash scripts/fuzz.sh
  FUZZTIME=${BUDGETLENS_FUZZTIME:-3s} bash scripts/fuzz-geo.sh
fi
