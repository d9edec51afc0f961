#!/usr/bin/env bash
# Runs the budgetlens demo (the LA FY2021-22 budget on the embedded default
# store) on a fresh machine with Go, gcc and apt. Chromium is installed when
# possible so that the PDF report can be written; without it the HTML and XLSX
# reports are still produced.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "demo.sh: installing Debian's chromium for the PDF report"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
    echo "demo.sh: could not install chromium; the PDF will be skipped"
fi
go build -o ./budgetlens ./cmd/budgetlens
exec ./budgetlens demo "$@"
