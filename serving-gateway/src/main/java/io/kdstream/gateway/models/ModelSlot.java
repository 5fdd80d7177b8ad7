package io.kdstream.gateway.models;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The model being served. A swap is one atomic reference exchange; the model swapped out is released, and closes
 * itself once the calls that leased it before the swap have finished, so no request sees a closed model.
 */
public final class ModelSlot implements AutoCloseable {

    /** One model call's hold on a served model; closing it releases the hold. */
    public static final class Lease implements AutoCloseable {

        private final ServedModel model;
        private boolean released;

        private Lease(ServedModel model) {
            this.model = model;
        }

        public ServedModel model() {
            return model;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                model.release();
            }
        }
    }

    private final AtomicReference<ServedModel> current = new AtomicReference<>();

    /** A lease on the served model, or null when none is loaded. */
    public Lease acquire() {
        while (true) {
            ServedModel model = current.get();
            if (model == null) {
                return null;
            }
            if (model.tryAcquire()) {
                return new Lease(model);
            }
            // Swapped out and fully released between the read and the acquire: read the new one.
        }
    }

    /** The served model, for reading its manifest; use {@link #acquire} to run it. */
    public ServedModel current() {
        return current.get();
    }

    /** Serves {@code next} from now on and releases the model it replaces. */
    void swap(ServedModel next) {
        ServedModel previous = current.getAndSet(next);
        if (previous != null) {
            previous.release();
        }
    }

    @Override
    public void close() {
        swap(null);
    }
}
