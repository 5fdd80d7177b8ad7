package io.kdstream.core.task;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps UINT8 wire bytes onto a task's value range and back: byte {@code b} is {@code low + b / 255 · (high − low)}.
 * Decoding is a table lookup, several times faster than arithmetic per element on the trainer's hot path; one table
 * per range is kept, and a deployment has one or two ranges.
 */
final class ByteScale {

    private static final Map<Long, ByteScale> BY_RANGE = new ConcurrentHashMap<>();

    private final float low;
    private final float high;
    private final float[] valueOfByte = new float[256];

    private ByteScale(float low, float high) {
        this.low = low;
        this.high = high;
        for (int b = 0; b < 256; b++) {
            valueOfByte[b] = low == 0f && high == 1f ? b / 255f : low + b / 255f * (high - low);
        }
    }

    static ByteScale of(float low, float high) {
        long key = ((long) Float.floatToIntBits(low) << 32) | (Float.floatToIntBits(high) & 0xFFFFFFFFL);
        return BY_RANGE.computeIfAbsent(key, k -> new ByteScale(low, high));
    }

    void decode(ByteBuffer data, float[] values) {
        if (data.hasArray()) {
            byte[] bytes = data.array();
            int start = data.arrayOffset() + data.position();
            for (int i = 0; i < values.length; i++) {
                values[i] = valueOfByte[bytes[start + i] & 0xFF];
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = valueOfByte[data.get(data.position() + i) & 0xFF];
            }
        }
    }

    /** The nearest byte for each value, clamped into the range. */
    byte[] encode(float[] values) {
        byte[] bytes = new byte[values.length];
        float span = high - low;
        for (int i = 0; i < values.length; i++) {
            float unit = (values[i] - low) / span;
            bytes[i] = (byte) Math.round(Math.max(0f, Math.min(1f, unit)) * 255f);
        }
        return bytes;
    }
}
