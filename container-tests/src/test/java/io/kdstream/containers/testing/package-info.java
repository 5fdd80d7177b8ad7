/**
 * The container tier's parts: a three-node KRaft cluster of the local Kafka image, kd services in containers of the
 * kd-stream image, traffic the test can account for, a two-gateway client, and the ledger whose sums are the
 * invariants. Every container is removed by the test that started it (Ryuk, Testcontainers' reaper, is off).
 */
package io.kdstream.containers.testing;
