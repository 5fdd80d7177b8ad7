package io.kdstream.trainer.labels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import io.kdstream.core.eval.HoldoutSlice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the trainer's holdout key comes from: the {@code holdout.key} setting, or else a key file, generated with 256
 * random bits on the first start and read back on every later one.
 *
 * <p>What must stay stable is the rule, not any state: nothing of the slice is stored, so a trainer that restarts or
 * a standby that takes over holds out by the key it has. With the same key, every checkpoint of a model (across
 * restarts and take-overs) and every rival model fed the same stream is scored on the same kind of requests, and an
 * operator holding the key can tell which requests were never trained on. Trainers on several machines therefore
 * share the key through the setting (from a secret store) or a file on shared storage. A changed key loses nothing
 * already committed (consumed records are never read again), but later checkpoints are scored on another slice.
 */
public final class HoldoutKey {

    private static final Logger LOG = LoggerFactory.getLogger(HoldoutKey.class);
    private static final int GENERATED_BYTES = 32;

    private HoldoutKey() {
    }

    /**
     * @param configured the {@code holdout.key} setting; empty means the file
     * @param file       where the key is kept when none is configured: read if there, else generated (owner-only)
     * @return the key's bytes (the UTF-8 of the configured or kept text)
     */
    public static byte[] resolve(String configured, Path file) {
        if (!configured.isEmpty()) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        try {
            if (Files.notExists(file)) {
                create(file);
            }
            byte[] key = Files.readString(file).strip().getBytes(StandardCharsets.UTF_8);
            if (key.length < HoldoutSlice.MIN_KEY_BYTES) {
                throw new IllegalArgumentException("the holdout key in " + file + " has " + key.length + " bytes, fewer than "
                        + HoldoutSlice.MIN_KEY_BYTES + ": delete the file to have a key generated, or set holdout.key");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create the holdout key file " + file
                    + ": set holdout.key.file to a writable place, or set holdout.key", e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] random = new byte[GENERATED_BYTES];
        new SecureRandom().nextBytes(random);
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n";
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path written = Files.createTempFile(parent, ".holdout", ".key",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(written, text);
            // A trainer starting beside this one may have kept its key first: then both use that one.
            Files.move(written, file);
            LOG.info("Generated the holdout key and kept it in {}: trainers that must hold out the same requests need "
                    + "this file or its content as holdout.key", file);
        } catch (FileAlreadyExistsException e) {
            LOG.info("Another trainer kept a holdout key in {} first; using it", file);
        } finally {
            Files.deleteIfExists(written);
        }
    }
}
