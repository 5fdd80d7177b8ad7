/**
 * Typed service configuration on Kafka's {@code ConfigDef}: every key has a type, default, validator and doc,
 * all problems are reported at once, and the documentation is generated from the definitions.
 */
package io.kdstream.core.config;
