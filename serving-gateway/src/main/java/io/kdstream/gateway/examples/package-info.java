/**
 * The gateway's own sample of recent teacher-labelled examples, read from the tail of kd-soft-labels with their
 * offsets, so the paired promotion gate can score a candidate and the served model on examples neither trained on.
 */
package io.kdstream.gateway.examples;
