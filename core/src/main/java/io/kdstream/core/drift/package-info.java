/**
 * Distances between class distributions, for drift and teacher–student monitoring: population stability index,
 * Jensen–Shannon divergence, Kullback–Leibler divergence and entropy, all in nats; and the input side of drift, the
 * bounded set of features of an input that are watched and the quantile bins their histograms use. Plain functions
 * on arrays, so the monitor's topology and any offline analysis compute the same numbers.
 */
package io.kdstream.core.drift;
