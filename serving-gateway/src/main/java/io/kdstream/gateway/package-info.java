/**
 * The serving gateway: the service class, its typed configuration and its metric catalogue. It follows
 * kd-checkpoints, serves the newest checkpoint that passes its gates over HTTP, and copies answered traffic to
 * kd-traffic and kd-predictions so the teacher and the monitor see what users see.
 */
package io.kdstream.gateway;
