/** The meters every service shares (dead letters, consumer lag) and the Prometheus registry they are served from. */
package io.kdstream.core.metrics;
