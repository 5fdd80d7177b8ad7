package io.kdstream.core.service;

/**
 * What a service says about itself. Live: its work loop runs, or is still starting; false once it stopped on an error
 * or was fenced, which is when a supervisor must restart it. Ready: it has started and holds what it reads from.
 *
 * @param live   false once the service cannot go on by itself
 * @param ready  true once the service does its work
 * @param fenced true when another instance took over (its transactional id or group membership)
 * @param detail what the service is doing, or what stopped it
 */
public record Health(boolean live, boolean ready, boolean fenced, String detail) {

    public static Health starting(String detail) {
        return new Health(true, false, false, detail);
    }

    public static Health ready(String detail) {
        return new Health(true, true, false, detail);
    }

    /** Stopped on an error it cannot recover from. */
    public static Health failed(Throwable cause) {
        return new Health(false, false, false, "failed: " + cause);
    }

    /** Stopped because another instance took over. */
    public static Health fenced(Throwable cause) {
        return new Health(false, false, true, "fenced: " + cause);
    }

    /** Stopped on request: not live, so that nothing waits for it, but nothing went wrong either. */
    public static Health stopped() {
        return new Health(false, false, false, "stopped");
    }
}
