package io.kdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The shipped logback.xml: text for people by default, one JSON object a line with {@code KD_LOG_FORMAT=json}. */
class LogFormatTest {

    @Test
    void writesOneJsonObjectALineWhenAskedTo() throws Exception {
        String line = logOneLine("json").lines().findFirst().orElseThrow();

        JsonNode record = new ObjectMapper().readTree(line);
        assertThat(record.get("level").asText()).isEqualTo("WARN");
        assertThat(record.get("loggerName").asText()).isEqualTo("io.kdstream.trainer");
        assertThat(record.get("formattedMessage").asText()).isEqualTo("checkpoint 7 refused");
        assertThat(record.has("timestamp")).isTrue();
    }

    @Test
    void writesTextByDefault() throws Exception {
        assertThat(logOneLine(null)).contains("WARN ").contains("checkpoint 7 refused").doesNotContain("{");
    }

    private static String logOneLine(String format) throws JoranException {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        if (format != null) {
            context.putProperty("KD_LOG_FORMAT", format);
        }
        URL config = LogFormatTest.class.getResource("/logback.xml");
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(config);
            context.getLogger("io.kdstream.trainer").warn("checkpoint {} refused", 7);
        } finally {
            context.stop();
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
