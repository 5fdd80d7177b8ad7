package io.kdstream.app;

import io.kdstream.app.cli.BenchCommand;
import io.kdstream.app.cli.BrokerCommand;
import io.kdstream.app.cli.DemoCommand;
import io.kdstream.app.cli.TeacherCommand;
import io.kdstream.app.cli.TrainerCommand;
import io.kdstream.app.cli.GatewayCommand;
import io.kdstream.app.cli.MonitorCommand;
import io.kdstream.app.cli.ReplayCommand;
import io.kdstream.app.cli.TopicsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kd}: online knowledge distillation over Kafka. */
@Command(name = "kd", mixinStandardHelpOptions = true, version = "kd-stream 0.1.0",
        description = "Online knowledge distillation over Kafka: a teacher labels traffic, a student learns continuously, a gateway serves it.",
        subcommands = {DemoCommand.class, BrokerCommand.class, TeacherCommand.class, TrainerCommand.class, GatewayCommand.class, MonitorCommand.class,
                TopicsCommand.class, ReplayCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Kd {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.exit(commandLine().execute(args));
    }

    /** The command tree, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Kd());
        commandLine.setExecutionExceptionHandler(new CliErrors());
        return commandLine;
    }
}
