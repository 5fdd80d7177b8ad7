/**
 * Benchmarks behind {@code kd bench}: the trainer's throughput against a bare training loop, and the quality of
 * online distillation against hard labels and offline distillation. Each returns its figures as an ordered map
 * for the command to print and write as JSON.
 */
package io.kdstream.app.bench;
