package io.kdstream.gateway.models;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import io.kdstream.schemas.Checkpoint;

/**
 * The recent versions with their fates, and the weights of the newest good ones (rollback and pin targets).
 * Both are bounded. Not thread-safe: {@link ModelManager} guards it.
 */
final class ModelHistory {

    static final int RECORDS_KEPT = 100;

    /** Weights of a version that passed its gates. */
    record Retained(Checkpoint manifest, byte[] weights) {
    }

    private final LinkedHashMap<Long, VersionRecord> records = new LinkedHashMap<>();
    private final TreeMap<Long, Retained> retained = new TreeMap<>();
    private final int retainedLimit;

    ModelHistory(int retainedLimit) {
        this.retainedLimit = retainedLimit;
    }

    void record(VersionRecord record) {
        records.remove(record.version());
        records.put(record.version(), record);
        Iterator<Long> oldest = records.keySet().iterator();
        while (records.size() > RECORDS_KEPT) {
            oldest.next();
            oldest.remove();
        }
    }

    /** Sets the fate of a version, recording it anew if it was forgotten; returns the new record. */
    VersionRecord setFate(Checkpoint manifest, VersionRecord.Fate fate) {
        VersionRecord known = records.get(manifest.getVersion());
        VersionRecord next = known == null ? new VersionRecord(manifest, fate, null, null, java.time.Instant.now()) : known.with(fate);
        record(next);
        return next;
    }

    /** Forgets a version's record, so its next decision is recorded afresh (a pending version being gated). */
    void forget(long version) {
        records.remove(version);
    }

    boolean known(long version) {
        return records.containsKey(version);
    }

    void retain(Checkpoint manifest, byte[] weights) {
        retained.put(manifest.getVersion(), new Retained(manifest, weights));
        while (retained.size() > retainedLimit) {
            retained.pollFirstEntry();
        }
    }

    void forgetWeights(long version) {
        retained.remove(version);
    }

    Retained retained(long version) {
        return retained.get(version);
    }

    /** The newest retained version strictly below {@code version}, or null. */
    Retained retainedBelow(long version) {
        Map.Entry<Long, Retained> entry = retained.lowerEntry(version);
        return entry == null ? null : entry.getValue();
    }

    Retained newestRetained() {
        NavigableMap<Long, Retained> all = retained;
        return all.isEmpty() ? null : all.lastEntry().getValue();
    }

    List<Long> retainedVersions() {
        return new ArrayList<>(retained.keySet());
    }

    /** Newest first. */
    List<VersionRecord> records() {
        List<VersionRecord> list = new ArrayList<>(records.values());
        list.sort((a, b) -> Long.compare(b.version(), a.version()));
        return list;
    }
}
