package io.kdstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.kdstream.core.config.ConfigDocs;
import org.junit.jupiter.api.Test;

/** The settings table in docs/gateway.md is generated from {@link GatewayConfig#DEFINITION} and must match it. */
class GatewayDocsTest {

    static final Path DOC = Path.of("..", "docs", "gateway.md");
    static final String BEGIN = "<!-- settings:begin (generated from GatewayConfig.DEFINITION) -->\n";
    static final String END = "<!-- settings:end -->";
    static final String REGENERATE = "kd.docs.regenerate";

    @Test
    void shouldDocumentEverySettingExactlyAsTheCodeDefinesIt() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as(DOC + " must hold the markers " + BEGIN.trim() + " and " + END).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String expected = ConfigDocs.markdownTable(GatewayConfig.DEFINITION);
        String found = doc.substring(begin + BEGIN.length(), end);

        if (Boolean.getBoolean(REGENERATE)) {
            Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + expected + doc.substring(end), StandardCharsets.UTF_8);
            return;
        }

        assertThat(found)
                .as("the settings table in docs/gateway.md is out of date; regenerate it with\n"
                        + "  mvn -B -q -o -pl serving-gateway -am test -Dtest=GatewayDocsTest -Dsurefire.failIfNoSpecifiedTests=false -D"
                        + REGENERATE + "=true\n")
                .isEqualTo(expected);
    }
}
