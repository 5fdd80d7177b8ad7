/**
 * Model architectures named by a spec string (so a checkpoint says what its weights belong to), the device
 * choice, and batched inference that turns inputs into temperature-softened probabilities.
 */
package io.kdstream.core.model;
