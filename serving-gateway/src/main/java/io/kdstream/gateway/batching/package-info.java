/**
 * Micro-batching: concurrent predict requests wait briefly in a bounded queue and share one model call, so
 * throughput grows with load while a lone request waits at most the configured few milliseconds.
 */
package io.kdstream.gateway.batching;
