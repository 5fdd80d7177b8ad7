#!/usr/bin/env bash
# Writes ops/grafana/panel-queries.txt: every query of every Grafana panel, one a line, as
#   dashboard<TAB>panel title<TAB>expr
# in plain PromQL (Grafana's $__rate_interval resolved to 1m), in dashboard and panel order. The
# integration test runs each line against a Prometheus scraping `kd demo` and expects data back.
#
# Usage: ops/list-panel-queries.sh [--check]   (--check: write nothing, fail if the file is out of date)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
list="$root/ops/grafana/panel-queries.txt"
queries="$(python3 "$root/ops/checks.py" panel-queries)"

if [[ "${1:-}" == "--check" ]]; then
    if ! diff -u "$list" <(printf '%s\n' "$queries") >&2; then
        echo "ops/grafana/panel-queries.txt is out of date: run ops/list-panel-queries.sh and commit it" >&2
        exit 1
    fi
else
    printf '%s\n' "$queries" > "$list"
fi
