#!/bin/sh
# Times budgetlens' capital-plan optimiser against CBC (Debian: coinor-cbc)
# on the same synthetic 500-project model in the same run: seeds 1-10 by
# default (SEEDS=1 for the single headline model), then the Go benchmark of
# the solve alone. Extra arguments go to the Go program (e.g. -explain).
set -eu
cd "$(dirname "$0")/../.."
go run ./bench/capital -seeds "${SEEDS:-1-10}" "$@"
if [ "${BENCH_GO:-1}" = 1 ]; then
	go test -run '^$' -bench Solve500 -benchtime "${BENCHTIME:-10x}" ./capital
fi
