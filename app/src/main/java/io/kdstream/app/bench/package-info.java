/**
 * Benchmarks behind {@code kd bench}: each measures a stage on its own and end to end through an embedded broker,
 * and returns its figures as an ordered map for the CLI to print or write as JSON.
 */
package io.kdstream.app.bench;
