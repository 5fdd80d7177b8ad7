/**
 * Gradient steps on a classifier with the distillation loss: the one training loop shared by the online
 * trainer, teacher training and the benchmarks, so that they measure the same thing.
 */
package io.kdstream.core.training;
