package io.kdstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds every current schema against the last released one: new readers must read old records and old
 * readers new ones (full compatibility), so services can be upgraded one at a time. When a schema changes
 * compatibly and is released, copy it into {@code released/vN+1} (main resources: the codecs read records of the
 * released schemas too) and point {@code ReleasedSchemas.RELEASED} there.
 */
class SchemaEvolutionTest {

    private static final String RELEASED = io.kdstream.schemas.serde.ReleasedSchemas.RELEASED;
    private static final Map<String, Schema> CURRENT = Map.of(
            "TrafficEvent", TrafficEvent.getClassSchema(),
            "SoftLabel", SoftLabel.getClassSchema(),
            "Checkpoint", Checkpoint.getClassSchema(),
            "CheckpointKey", CheckpointKey.getClassSchema(),
            "CheckpointChunk", CheckpointChunk.getClassSchema(),
            "Prediction", Prediction.getClassSchema(),
            "GroundTruth", GroundTruth.getClassSchema(),
            "DeadLetter", DeadLetter.getClassSchema());

    static Stream<String> recordNames() {
        return CURRENT.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("recordNames")
    void shouldStayFullyCompatibleWithTheReleasedSchema(String name) throws IOException {
        Schema released = releasedSchema(name);
        Schema current = CURRENT.get(name);

        assertThat(compatibility(current, released)).as("current %s reading records written by the released one", name)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(compatibility(released, current)).as("released %s reading records written by the current one", name)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest
    @MethodSource("recordNames")
    void shouldKeepEveryNewFieldDefaulted(String name) throws IOException {
        List<String> undefaulted = new ArrayList<>();
        undefaultedFields(CURRENT.get(name), releasedSchema(name), name, undefaulted);
        assertThat(undefaulted).as("fields added to %s or a record inside it since its release without a default", name)
                .isEmpty();
    }

    /**
     * Fields of {@code current} (and of the records nested in its fields, such as Checkpoint's HoldoutScores) that the
     * released schema lacks and that have no default. A nested record new since the release needs no defaults inside:
     * the field holding it needs one.
     */
    private static void undefaultedFields(Schema current, Schema released, String path, List<String> undefaulted) {
        for (Schema.Field field : current.getFields()) {
            Schema.Field old = released.getField(field.name());
            if (old == null) {
                if (!field.hasDefaultValue()) {
                    undefaulted.add(path + "." + field.name());
                }
                continue;
            }
            Schema nested = record(field.schema());
            Schema oldNested = record(old.schema());
            if (nested != null && oldNested != null) {
                undefaultedFields(nested, oldNested, path + "." + field.name(), undefaulted);
            }
        }
    }

    /** The record a field holds, directly, in a union or as array items; null when it holds none. */
    private static Schema record(Schema schema) {
        return switch (schema.getType()) {
            case RECORD -> schema;
            case ARRAY -> record(schema.getElementType());
            case UNION -> schema.getTypes().stream().map(SchemaEvolutionTest::record).filter(Objects::nonNull)
                    .findFirst().orElse(null);
            default -> null;
        };
    }

    private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
    }

    private static Schema releasedSchema(String name) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        try (InputStream tensor = SchemaEvolutionTest.class.getResourceAsStream(RELEASED + "Tensor.avsc")) {
            parser.parse(tensor);
        }
        if (name.equals("Tensor")) {
            return parser.getTypes().get("io.kdstream.schemas.Tensor");
        }
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(RELEASED + name + ".avsc")) {
            assertThat(in).as("released schema %s%s.avsc", RELEASED, name).isNotNull();
            return parser.parse(in);
        }
    }
}
