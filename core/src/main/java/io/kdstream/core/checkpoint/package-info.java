/**
 * Checkpoints on the compacted checkpoint topic: weights cut into chunks well under Kafka's message limit,
 * keyed by model, version and chunk, and reassembled and verified against the manifest's SHA-256.
 */
package io.kdstream.core.checkpoint;
