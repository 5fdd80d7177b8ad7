/**
 * Distances between class distributions, for drift and teacher–student monitoring: population stability index,
 * Jensen–Shannon divergence, Kullback–Leibler divergence and entropy, all in nats. Plain functions on arrays,
 * so the monitor's topology and any offline analysis compute the same numbers.
 */
package io.kdstream.core.drift;
