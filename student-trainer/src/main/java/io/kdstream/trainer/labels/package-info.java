/**
 * What the trainer reads: soft labels (or raw traffic in self and mutual modes) decoded into validated examples,
 * late true labels from the ground-truth topic, and the hash rule that holds a slice of requests out of training.
 */
package io.kdstream.trainer.labels;
