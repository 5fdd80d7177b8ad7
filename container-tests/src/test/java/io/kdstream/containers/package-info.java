/**
 * The slow tier: kd-stream with each service in its own container on a three-broker KRaft cluster (replication
 * factor 3, min.insync.replicas 2), faults injected mid-stream. Needs a Docker engine and the images of
 * ops/images/build.sh; without Docker the tests are skipped.
 */
package io.kdstream.containers;
