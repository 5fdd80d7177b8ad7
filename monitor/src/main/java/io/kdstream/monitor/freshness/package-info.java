/**
 * Freshness of the loop: from the newest traffic event a checkpoint trained on (its manifest's
 * {@code lineage.eventTimeMax} on kd-checkpoints) to the first prediction served with that checkpoint
 * (kd-predictions), recorded in the {@code kd.monitor.freshness} timer.
 */
package io.kdstream.monitor.freshness;
