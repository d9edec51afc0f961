# Sourced by scripts/fuzz.sh and scripts/fuzz-geo.sh. fuzz_once PKG TARGET
# TIME [ARGS...] runs one fuzz target. go test -fuzz sometimes ends a run
# that found nothing with "context deadline exceeded" when its time is up
# while a worker is still on a slow input (seen on FuzzGeoPackage in CI,
# 2026-12-05: no failing input was written). Such a run, and only such a
# run, is tried once more; a run that found an input (go test writes it
# under testdata/fuzz/ and says "Failing input written") fails at once.
fuzz_once() {
  local pkg=$1 target=$2 time=$3 out rc
  shift 3
  for attempt in 1 2; do
    out=$(mktemp)
    set +e
    go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$time" "$@" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -eq 0 ]; then rm -f "$out"; return 0; fi
    if [ "$attempt" -eq 1 ] && grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written' "$out"; then
      echo "fuzz: $target ended with the fuzzer's own deadline error and no failing input; once more"
      rm -f "$out"
      continue
    fi
    rm -f "$out"
    return "$rc"
  done
}
