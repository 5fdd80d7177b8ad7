/**
 * The one executable, {@code kd}: picocli commands that wire the services together (demo, broker, each
 * service alone, replay, benchmarks). Commands only parse options and wire parts; the work lives in the modules.
 */
package io.kdstream.app;
