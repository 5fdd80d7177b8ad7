/**
 * Per-class figures of the joined predictions, the seeds' bias-transfer check: a student can match the teacher on
 * average while one class falls apart, so agreement and both models' class frequencies are published per class.
 */
package io.kdstream.monitor.classes;
