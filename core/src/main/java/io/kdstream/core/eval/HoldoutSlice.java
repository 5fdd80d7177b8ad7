package io.kdstream.core.eval;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The deterministic share of the stream never trained on, chosen by a keyed hash: an example is held out when the
 * first eight bytes of HMAC-SHA256(key, slice id), as an unsigned number, are below {@code permille} modulo 1000.
 *
 * <p>The key is the trainer's secret ({@code holdout.key}), so a client cannot choose ids that fall in the slice and
 * fill the holdout that scores every checkpoint; with {@code String.hashCode}, which this replaces, anyone could.
 * A keyed hash is also uniform on the sequential and structured ids clients and the replay tool make:
 * {@code String.hashCode} is a polynomial in the characters, so {@code row-0 .. row-599} hashed into a few narrow
 * bands of {@code 0..999} and only 7 of them fell below 100 (and below 300).
 *
 * <p>One instance is for one thread (it keeps its {@link Mac}); {@link #NONE} keeps none busy.
 */
public final class HoldoutSlice {

    /** The shortest key accepted: 128 bits. */
    public static final int MIN_KEY_BYTES = 16;
    /** Holds out nothing, and so needs no key. */
    public static final HoldoutSlice NONE = new HoldoutSlice(0, new byte[MIN_KEY_BYTES]);
    private static final String ALGORITHM = "HmacSHA256";

    private final int permille;
    private final Mac mac;

    public HoldoutSlice(int permille, byte[] key) {
        if (permille < 0 || permille >= 1000) {
            throw new IllegalArgumentException("holdout permille must be in 0..999 but is " + permille);
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the holdout key must have at least " + MIN_KEY_BYTES + " bytes but has "
                    + key.length);
        }
        this.permille = permille;
        try {
            this.mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every Java runtime but failed here", e);
        }
    }

    public int permille() {
        return permille;
    }

    /** @param sliceId the gateway's shadow id where the record has one, else its request id */
    public boolean isHeldOut(String sliceId) {
        if (permille == 0) {
            return false;
        }
        long bits = ByteBuffer.wrap(mac.doFinal(sliceId.getBytes(StandardCharsets.UTF_8))).getLong();
        return Long.remainderUnsigned(bits, 1000) < permille;
    }
}
