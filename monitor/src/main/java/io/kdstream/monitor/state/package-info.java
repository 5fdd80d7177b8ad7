/**
 * The monitor's own state: rolling sums over time steps kept in Kafka Streams window stores, and compact serdes
 * for the small records that travel through repartition topics and stores. Stores are changelogged, so figures
 * and the drift reference survive a restart.
 */
package io.kdstream.monitor.state;
