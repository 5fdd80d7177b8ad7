package io.kdstream.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.kdstream.core.config.ConfigDocs;
import org.junit.jupiter.api.Test;

/** docs/teacher.md documents every setting with the table generated from {@link TeacherConfig#DEFINITION}. */
class TeacherDocsTest {

    static final Path DOC = Path.of("..", "docs", "teacher.md");
    static final String BEGIN = "<!-- settings:begin (generated from TeacherConfig.DEFINITION by TeacherDocsTest) -->\n";
    static final String END = "<!-- settings:end -->";
    static final String REGENERATE = "mvn -B -q -o -pl teacher-service -am test -Dtest=TeacherDocsTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dkd.docs.write=true";

    @Test
    void shouldDocumentEverySettingWithTheGeneratedTable() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("docs/teacher.md must hold the markers " + BEGIN.strip() + " and " + END).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String generated = ConfigDocs.markdownTable(TeacherConfig.DEFINITION);
        String current = doc.substring(begin + BEGIN.length(), end);

        if (Boolean.getBoolean("kd.docs.write") && !current.equals(generated)) {
            Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + generated + doc.substring(end), StandardCharsets.UTF_8);
            current = generated;
        }

        assertThat(current)
                .as("docs/teacher.md's settings table differs from TeacherConfig.DEFINITION; regenerate it with:\n  " + REGENERATE + "\n")
                .isEqualTo(generated);
    }
}
