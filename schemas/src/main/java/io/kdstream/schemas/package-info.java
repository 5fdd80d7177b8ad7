/**
 * The wire contract of kd-stream: Avro records generated from {@code src/main/avro}, one per topic value.
 * Nothing here knows about models or services; it only defines what travels between them.
 */
package io.kdstream.schemas;
