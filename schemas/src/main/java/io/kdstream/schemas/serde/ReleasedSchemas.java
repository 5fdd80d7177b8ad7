package io.kdstream.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.apache.avro.Schema;

/**
 * The schemas of the last release ({@value #RELEASED}), which services of that release still write with. A codec
 * registers them as writer schemas: the single-object encoding names its writer schema by fingerprint, so a record
 * from a service not yet upgraded, or left on a topic, is readable only by a codec that knows that schema.
 * SchemaEvolutionTest holds the current schemas compatible with these.
 */
public final class ReleasedSchemas {

    /** The folder, on the class path, of the released schemas; Tensor.avsc is parsed first, the others name it. */
    public static final String RELEASED = "/released/v1/";

    private ReleasedSchemas() {
    }

    /** The released schema of the record {@code name} (such as {@code TrafficEvent}), or null when it is newer than the release. */
    public static Schema of(String name) {
        Schema.Parser parser = new Schema.Parser();
        Schema tensor = parse(parser, "Tensor");
        return name.equals("Tensor") ? tensor : parse(parser, name);
    }

    private static Schema parse(Schema.Parser parser, String name) {
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(RELEASED + name + ".avsc")) {
            return in == null ? null : parser.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the released schema " + RELEASED + name + ".avsc", e);
        }
    }
}
