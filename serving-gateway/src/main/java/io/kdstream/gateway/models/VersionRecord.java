package io.kdstream.gateway.models;

import java.time.Instant;

import io.kdstream.schemas.Checkpoint;

/**
 * What became of one checkpoint version: served, held back by a pin, refused (and why), or rolled back.
 *
 * @param reason a bounded code for refusals ({@link RefusalReasons} or the assembler's), null otherwise
 * @param detail what was expected and what was found, for people
 * @param decided when the fate was last set
 */
public record VersionRecord(Checkpoint manifest, Fate fate, String reason, String detail, Instant decided) {

    /** The fates a version can have; a version's fate changes as later versions arrive and admins act. */
    public enum Fate {
        /** Being served now. */
        SERVING,
        /** Served earlier and replaced by a newer or pinned version. */
        SERVED,
        /** Passed its gates while another version was pinned; served when unpinned. */
        HELD,
        /** Failed verification or a gate; never served. */
        REFUSED,
        /** Served, then taken out by an admin rollback; never served again. */
        ROLLED_BACK
    }

    public long version() {
        return manifest.getVersion();
    }

    VersionRecord with(Fate next) {
        return new VersionRecord(manifest, next, reason, detail, Instant.now());
    }
}
