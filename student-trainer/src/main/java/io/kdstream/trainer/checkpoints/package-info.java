/**
 * What the trainer writes to the checkpoint topic: chunked weights and manifests with their lineage, published in
 * one Kafka transaction with the consumed offsets; and the history read back at start to resume from.
 */
package io.kdstream.trainer.checkpoints;
