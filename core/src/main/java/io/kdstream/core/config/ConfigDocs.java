package io.kdstream.core.config;

import java.util.Comparator;
import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/** Renders a {@link ConfigDef} as a Markdown table, so the settings' documentation is generated from the code. */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    public static String markdownTable(ConfigDef definition) {
        StringBuilder out = new StringBuilder("| key | type | default | valid values | description |\n|---|---|---|---|---|\n");
        List<ConfigKey> keys = definition.configKeys().values().stream()
                .sorted(Comparator.comparing((ConfigKey key) -> key.name)).toList();
        for (ConfigKey key : keys) {
            out.append("| `").append(key.name).append("` | ")
                    .append(key.type.name().toLowerCase()).append(" | ")
                    .append(key.hasDefault() ? "`" + ConfigDef.convertToString(key.defaultValue, key.type) + "`" : "(required)")
                    .append(" | ").append(key.validator == null ? "" : escape(key.validator.toString()))
                    .append(" | ").append(escape(key.documentation)).append(" |\n");
        }
        return out.toString();
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
