package io.kdstream.gateway.models;

/** A prediction was asked for before any checkpoint passed its gates. */
public final class NoModelException extends RuntimeException {

    public NoModelException() {
        super("no model is loaded yet: the gateway serves once a checkpoint on the checkpoint topic passes its gates", null, false, false);
    }
}
