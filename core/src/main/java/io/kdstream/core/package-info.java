/**
 * The kd-stream library: everything the services share and nothing that runs by itself (no threads, no main).
 * Sub-packages are named after what they handle: config, kafka, tensor, distill, model, checkpoint, data,
 * training, metrics.
 */
package io.kdstream.core;
