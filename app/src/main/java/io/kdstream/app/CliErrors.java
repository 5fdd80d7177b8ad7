package io.kdstream.app;

import java.io.UncheckedIOException;

import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Operator mistakes (bad settings, missing or unreadable data files, bad rows) are printed as one clear message without a stack trace;
 * anything else is a bug and keeps its stack trace.
 */
final class CliErrors implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) throws Exception {
        if (e instanceof ConfigException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UncheckedIOException) {
            commandLine.getErr().println(commandLine.getColorScheme().errorText("kd: " + e.getMessage()));
            return 2;
        }
        throw e;
    }
}
