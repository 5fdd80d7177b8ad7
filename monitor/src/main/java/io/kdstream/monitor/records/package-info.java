/**
 * Reading the monitor's input topics: raw bytes are decoded and validated inside the topology, so a record that
 * cannot be used becomes a dead letter (with its topic, partition and offset) instead of stopping the monitor.
 * Soft labels are reduced to a compact {@link io.kdstream.monitor.records.TeacherView} before they are joined.
 */
package io.kdstream.monitor.records;
