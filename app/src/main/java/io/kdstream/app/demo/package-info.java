/**
 * {@code kd demo}: the whole loop in one JVM on an embedded broker, with live progress and a summary scored
 * through the gateway's HTTP API, the way a client would see the student.
 */
package io.kdstream.app.demo;
