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

    private static final int MAX_DETAIL_CHARS = 500;

    public Health {
        detail = detail == null ? "" : detail.length() <= MAX_DETAIL_CHARS ? detail : detail.substring(0, MAX_DETAIL_CHARS) + "…";
    }

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

    /** The HTTP status for {@code /health/live} or {@code /health/ready}: 200 when it holds, 503 otherwise. */
    public int httpStatus(boolean readiness) {
        return (readiness ? ready : live) ? 200 : 503;
    }

    /** The body of a health answer: {@code {"live":true,"ready":false,"fenced":false,"detail":"..."}}. */
    public String toJson() {
        StringBuilder escaped = new StringBuilder();
        for (char c : detail.toCharArray()) {
            switch (c) {
                case '"' -> escaped.append("\\\"");
                case '\\' -> escaped.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return "{\"live\":" + live + ",\"ready\":" + ready + ",\"fenced\":" + fenced + ",\"detail\":\"" + escaped + "\"}";
    }
}
