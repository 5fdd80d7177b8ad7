package io.kdstream.monitor.classes;

import io.kdstream.monitor.state.CompactSerde;

/** The teacher's and the student's top class for one joined request. */
public record ClassPair(int teacherClass, int studentClass) {

    public static final CompactSerde<ClassPair> SERDE = new CompactSerde<>("ClassPair",
            (pair, out) -> {
                out.writeInt(pair.teacherClass);
                out.writeInt(pair.studentClass);
            },
            in -> new ClassPair(in.readInt(), in.readInt()));
}
