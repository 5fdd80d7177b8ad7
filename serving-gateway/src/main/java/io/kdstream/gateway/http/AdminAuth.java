package io.kdstream.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.javalin.http.Context;

/**
 * Guards the admin routes with the bearer token from configuration: no token gives 401, a wrong one 403. With no
 * token configured the admin routes are off and answer 404, so a gateway never runs them unprotected.
 */
final class AdminAuth {

    private static final String BEARER = "Bearer ";

    private final byte[] token;

    /** @param token the configured token; empty turns the admin routes off */
    AdminAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    boolean enabled() {
        return token.length > 0;
    }

    /** @throws ApiException 404 when the admin routes are off, 401 without a bearer token, 403 with a wrong one */
    void check(Context ctx) {
        if (!enabled()) {
            throw new ApiException(404, "admin-off", "admin routes are off on this gateway: set admin.token to turn them on");
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", "admin routes need the header 'Authorization: Bearer <admin.token>' but "
                    + (header == null ? "none was sent" : "a different scheme was sent"));
        }
        byte[] offered = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(offered, token)) {
            throw new ApiException(403, "forbidden", "the bearer token does not match admin.token");
        }
    }
}
