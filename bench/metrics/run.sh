#!/bin/sh
# Runs the Go benchmarks of package metrics (n = 2,500 and 1,000,000) and the
# same-run comparison with the R peers (boot, spdep, laeken) at n = 2,500.
set -eu
cd "$(dirname "$0")/../.."
go run ./bench/metrics "$@"
if [ "${BENCH_GO:-1}" = 1 ]; then
	go test -run '^$' -bench . -benchtime "${BENCHTIME:-3x}" ./metrics
fi
