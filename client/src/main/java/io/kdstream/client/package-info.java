/**
 * What an existing JVM service adds to take part in kd-stream: {@link io.kdstream.client.ShadowClient} shadows its
 * inputs and later their true labels onto kd-stream's topics without blocking or failing its requests, and
 * {@link io.kdstream.client.GatewayClient} calls the serving gateway's HTTP API. It depends on the wire schemas, the
 * Kafka client, Micrometer and Jackson only: no DJL, no broker.
 */
package io.kdstream.client;
