package io.kdstream.gateway.models;

import java.time.Instant;

import io.kdstream.schemas.Checkpoint;

/**
 * What became of one checkpoint version: served, held back by a pin, pending its paired gate, refused (and why),
 * superseded, or rolled back.
 *
 * @param reason  a bounded code for refusals ({@link RefusalReasons} or the assembler's), null otherwise
 * @param detail  what was expected and what was found, for people
 * @param decided when the fate was last set
 * @param waiting how many unseen examples a pending version has and needs; null unless {@link Fate#PENDING}
 */
public record VersionRecord(Checkpoint manifest, Fate fate, String reason, String detail, Instant decided,
                            Waiting waiting) {

    /** A pending version's progress: unseen examples held now, and how many the paired gate needs. */
    public record Waiting(int examples, int needed) {
    }

    public VersionRecord(Checkpoint manifest, Fate fate, String reason, String detail, Instant decided) {
        this(manifest, fate, reason, detail, decided, null);
    }

    /** The fates a version can have; a version's fate changes as later versions arrive and admins act. */
    public enum Fate {
        /** Being served now. */
        SERVING,
        /** Served earlier and replaced by a newer or pinned version. */
        SERVED,
        /** Passed its gates while another version was pinned; served when unpinned. */
        HELD,
        /**
         * Passed the manifest gates, but the paired gate has too few examples it did not train on yet; it is gated as
         * soon as they arrive, unless a newer candidate supersedes it first. Only the newest candidate pends.
         */
        PENDING,
        /** Was pending when a newer candidate arrived, and was dropped without being gated. */
        SUPERSEDED,
        /** Failed verification or a gate; never served. */
        REFUSED,
        /** Served, then taken out by an admin rollback; never served again. */
        ROLLED_BACK
    }

    public long version() {
        return manifest.getVersion();
    }

    VersionRecord with(Fate next) {
        return new VersionRecord(manifest, next, reason, detail, Instant.now(), null);
    }
}
