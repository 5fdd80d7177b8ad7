#!/usr/bin/env bash
# Checks every operations file: Prometheus configs and alert rules (with their unit tests), Grafana
# dashboards, the panel query list, the Dockerfile and docker-compose.yml. Runs from any directory; CI
# calls it. One line per check, then `ops-checks: N passed, M failed`; exits 1 when any check failed.
#
# Needs promtool (Debian: prometheus), docker-compose (Debian: docker-compose; `docker compose` also
# works) and python3 with PyYAML (Debian: python3-yaml, which docker-compose pulls in).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# check NAME COMMAND...: runs the command quietly; on failure prints its output under the name.
check() {
    local name="$1" rc=0
    shift
    "$@" >"$work/out" 2>&1 || rc=$?
    if ((rc == 0)); then
        passed=$((passed + 1))
        printf 'ok    %s\n' "$name"
    else
        failed=$((failed + 1))
        printf 'FAIL  %s\n' "$name"
        if ((rc == 127)); then
            echo "command not found: $1 (see the header of ops/check.sh for the package)" >>"$work/out"
        fi
        sed 's/^/      /' "$work/out"
    fi
}

compose() {
    if command -v docker-compose >/dev/null; then
        docker-compose "$@"
    else
        docker compose "$@"
    fi
}

# Every panel query, as recording rules, so that promtool parses each one as PromQL.
panel_queries_parse() {
    python3 ops/checks.py panel-rules >"$work/panel-rules.yml" && promtool check rules "$work/panel-rules.yml"
}

check "prometheus.yml is a valid config" promtool check config ops/prometheus/prometheus.yml
check "prometheus-local.yml is a valid config" promtool check config ops/prometheus/prometheus-local.yml
check "alerts.yml rules are valid" promtool check rules ops/prometheus/alerts.yml
check "alerts.yml unit tests pass" promtool test rules ops/prometheus/alerts_test.yml
check "every alert has a firing and a quiet test" python3 ops/checks.py alert-tests
check "every alert has a severity, annotations and a runbook section" python3 ops/checks.py runbooks
for dashboard in ops/grafana/dashboards/*.json; do
    check "$(basename "$dashboard") is valid JSON" python3 -m json.tool "$dashboard"
done
check "dashboards are current with ops/grafana/dashboards.py" python3 ops/grafana/dashboards.py --check
check "every panel has a title and Prometheus targets with an expr" python3 ops/checks.py dashboards
check "every panel query parses as PromQL" panel_queries_parse
check "every kd_ metric in panels and alerts is in docs/METRICS.md" python3 ops/checks.py metric-names
check "ops/grafana/panel-queries.txt is current" ops/list-panel-queries.sh --check
check "the Dockerfile builds on the image ops/images/build.sh makes" python3 ops/checks.py modules
check "docker-compose.yml is valid" compose -f docker-compose.yml config -q
check "docker-compose.yml with the local images and the smoke test is valid" compose -f docker-compose.yml -f docker-compose.local.yml -f ops/compose/smoke.yml config -q

echo "ops-checks: $passed passed, $failed failed"
((failed == 0))
