#!/usr/bin/env bash
# Smoke test of the compose deployment on local images: builds them (ops/images/build.sh, cached), starts
# docker-compose.yml + docker-compose.local.yml + ops/compose/smoke.yml under a project name of its own, waits until
# every service is healthy, sends predictions through the gateway, checks that Prometheus has every scrape target up
# and that the gateway serves a checkpoint, then stops and removes the stack and its volumes. Exit 0 only when all
# of that held; on failure the services' logs go to stderr.
#
#   ops/compose-smoke.sh            KD_SMOKE_TIMEOUT=900 (seconds for the stack to become healthy)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
t0=$SECONDS
timeout="${KD_SMOKE_TIMEOUT:-900}"

say() { printf 'compose-smoke [%4ds]: %s\n' "$((SECONDS - t0))" "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

ops/images/build.sh
say "images ready"

# Ports and names of its own, so that it never meets another stack, nor the defaults 8080/9090/9094, on this host.
export KD_BIND=127.0.0.1 KD_GATEWAY_PORT="$(free_port)" KD_PROMETHEUS_PORT="$(free_port)" KD_KAFKA_PORT="$(free_port)"
project="kdsmoke$$"
compose() {
    docker-compose -p "$project" -f docker-compose.yml -f docker-compose.local.yml -f ops/compose/smoke.yml "$@"
}
ok=0
finish() {
    if ((ok == 0)); then
        compose ps >&2 || true
        compose logs --no-color --tail=60 >&2 || true
    fi
    compose down -v --remove-orphans --timeout 30 >/dev/null 2>&1 || true
    say "stack removed"
}
trap finish EXIT
trap 'exit 130' INT TERM

compose up -d 2>&1 | sed 's/^/  /' >&2
say "started (gateway :$KD_GATEWAY_PORT, prometheus :$KD_PROMETHEUS_PORT, kafka :$KD_KAFKA_PORT)"

# Every service with a healthcheck healthy, the one-shots exited 0.
healthy=(kafka teacher trainer gateway monitor prometheus)
oneshots=(topics teacher-train)
# Container ids looked up once: each docker-compose call is a Python start-up, seconds of CPU on a loaded machine.
declare -A ids
for s in "${oneshots[@]}" "${healthy[@]}"; do ids[$s]="$(compose ps -q "$s" 2>/dev/null || true)"; done
state() { docker inspect -f "$1" "${ids[$2]:-absent}" 2>/dev/null || echo "absent"; }
deadline=$((SECONDS + timeout))
while :; do
    waiting=()
    for s in "${oneshots[@]}"; do
        st="$(state '{{.State.Status}} {{.State.ExitCode}}' "$s")"
        case "$st" in
            "exited 0") ;;
            exited*) fail "$s exited with code ${st#exited }" ;;
            *) waiting+=("$s:$st") ;;
        esac
    done
    for s in "${healthy[@]}"; do
        st="$(state '{{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}' "$s")"
        [ "$st" = healthy ] || waiting+=("$s:$st")
    done
    ((${#waiting[@]} == 0)) && break
    ((SECONDS < deadline)) || fail "not healthy after ${timeout}s: ${waiting[*]}"
    sleep 5
done
say "every service healthy: ${healthy[*]}; one-shots done: ${oneshots[*]}"

# Predictions through the gateway: every one answered 200 with a model version.
gateway="http://127.0.0.1:$KD_GATEWAY_PORT"
body="$(python3 -c 'import json; print(json.dumps({"input": [((i * 7) % 255) / 255 for i in range(784)]}))')"
for i in $(seq 1 50); do
    answer="$(curl -sS --max-time 10 -H 'Content-Type: application/json' -d "$body" "$gateway/v1/predict")" ||
        fail "prediction $i: no answer"
    jq -e '.modelVersion >= 0 and (.probabilities | length) == 10' <<<"$answer" >/dev/null ||
        fail "prediction $i: unexpected answer $answer"
done
say "50 predictions answered by the gateway"

served="$(curl -sS --max-time 10 "$gateway/v1/model")" || fail "GET /v1/model: no answer"
version="$(jq -r '.version // empty' <<<"$served")"
[ -n "$version" ] || fail "no checkpoint served: $served"
say "checkpoint v$version served ($(jq -c '.holdout' <<<"$served"))"

# Every scrape target up: wait a little, the first scrape of a just-healthy service may not have happened yet.
prometheus="http://127.0.0.1:$KD_PROMETHEUS_PORT"
jobs="teacher trainer gateway monitor"
for attempt in $(seq 1 12); do
    targets="$(curl -sS --max-time 10 "$prometheus/api/v1/targets?state=active")" || fail "Prometheus: no answer"
    down="$(jq -r --arg jobs "$jobs" '[($jobs | split(" "))[] as $j
        | select(([.data.activeTargets[] | select(.labels.job == $j and .health == "up")] | length) == 0) | $j] | join(" ")' <<<"$targets")"
    [ -z "$down" ] && break
    ((attempt < 12)) || fail "Prometheus targets not up: $down ($(jq -c '[.data.activeTargets[] | {job: .labels.job, health, lastError}]' <<<"$targets"))"
    sleep 5
done
say "Prometheus: every target up ($jobs)"

ok=1
say "PASS"
