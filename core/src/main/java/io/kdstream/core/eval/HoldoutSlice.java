package io.kdstream.core.eval;

/**
 * The deterministic share of the stream the trainer never trains on and scores every checkpoint with: a request is
 * held out when {@code floorMod(spread(requestId.hashCode()), 1000) < permille}, {@link #spread} being MurmurHash3's
 * 32-bit finaliser. Any service can tell which requests the trainer held out.
 *
 * <p>The finaliser matters: {@code String.hashCode} of sequential ids ({@code <run>-0}, {@code <run>-1}, ... as
 * {@code kd replay} names them) changes by small steps, so its remainder mod 1000 walks through a few bands; a run of
 * 2,000 such ids held out anywhere from none to a quarter of them, and with none the gateway refuses every
 * checkpoint (no-holdout). Mixed, every run holds out close to its share.
 */
public record HoldoutSlice(int permille) {

    public HoldoutSlice {
        if (permille < 0 || permille >= 1000) {
            throw new IllegalArgumentException("holdout permille must be in 0..999 but is " + permille);
        }
    }

    public boolean isHeldOut(String requestId) {
        return Math.floorMod(spread(requestId.hashCode()), 1000) < permille;
    }

    /** MurmurHash3's fmix32: every input bit flips about half of the output bits. */
    static int spread(int hash) {
        int h = hash;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
