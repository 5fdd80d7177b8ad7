#!/bin/bash
# Creates kd-stream's six topics as DESIGN.md and core's Topics.definitions give them, with Kafka's own
# kafka-topics tool; topics that exist are left as they are. Runs inside a Kafka image (the compose `topics`
# service). KD_BOOTSTRAP, KD_PARTITIONS (request-id keyed topics; they must agree for the monitor's join) and
# KD_REPLICATION (at most the broker count).
set -euo pipefail
bootstrap="${KD_BOOTSTRAP:-kafka:9092}"
partitions="${KD_PARTITIONS:-4}"
replication="${KD_REPLICATION:-1}"
topics=/opt/kafka/bin/kafka-topics.sh

# NAME PARTITIONS [--config K=V]...
create() {
    local name="$1" count="$2"
    shift 2
    "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
        --partitions "$count" --replication-factor "$replication" "$@"
}

create kd-traffic "$partitions"
create kd-soft-labels "$partitions"
create kd-predictions "$partitions"
create kd-ground-truth "$partitions"
create kd-dead-letters 1
# Compacted: the trainer tombstones old versions, so a new gateway reads a short tail at start.
create kd-checkpoints 1 --config cleanup.policy=compact --config segment.ms=60000 \
    --config min.cleanable.dirty.ratio=0.1 --config delete.retention.ms=60000
"$topics" --bootstrap-server "$bootstrap" --describe --topic 'kd-.*' | grep -E '^Topic:' | cut -f1-4
