/**
 * The benchmarks behind {@code kd bench}: each measures a kd-stream path against its own limit in the same run
 * (raw inference or training against the pipeline through a real embedded broker, HTTP latency with and without hot
 * swaps, freshness, distillation quality), and returns its figures as an ordered map the command prints and writes
 * as JSON.
 */
package io.kdstream.app.bench;
