#!/usr/bin/env bash
# bench/web/run.sh — the budgetlens server under load (issue 10), against
# http.FileServer serving the same answers, in one run; page weights and the
# map's render time in headless Chromium. Prints a Markdown section for
# bench/RESULTS.md. Usage: bench/web/run.sh [-db STORE] [-duration 30s] [-clients 100]
set -euo pipefail
cd "$(dirname "$0")/../.."
go run ./bench/web "$@"
