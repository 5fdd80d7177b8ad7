/** One picocli command per verb of {@code kd}; each parses options, builds a typed config and wires services. */
package io.kdstream.app.cli;
