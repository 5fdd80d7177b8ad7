package io.kdstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds every current schema against the last released one: new readers must read old records and old
 * readers new ones (full compatibility), so services can be upgraded one at a time. When a schema changes
 * compatibly and is released, copy it into {@code released/vN+1} and point {@link #RELEASED} there.
 */
class SchemaEvolutionTest {

    private static final String RELEASED = "/released/v1/";
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
        Schema released = releasedSchema(name);
        List<String> undefaulted = new ArrayList<>();
        for (Schema.Field field : CURRENT.get(name).getFields()) {
            if (released.getField(field.name()) == null && !field.hasDefaultValue()) {
                undefaulted.add(field.name());
            }
        }
        assertThat(undefaulted).as("fields added to %s since its release without a default", name).isEmpty();
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
