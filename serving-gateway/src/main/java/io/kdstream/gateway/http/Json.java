package io.kdstream.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;

/**
 * JSON in and out of the HTTP API. NaN and Infinity are read (so they can be refused by name), never written. Hostile
 * bodies are bounded before they are held or parsed: the body is read up to its limit whatever its transfer encoding,
 * and the parser refuses deep nesting and very long numbers and strings by Jackson's {@link StreamReadConstraints}.
 */
final class Json {

    static final String CONTENT_TYPE = "application/json";
    /** Deepest nesting read: an input nested as its shape inside a batch inside the body needs a handful of levels. */
    static final int MAX_NESTING_DEPTH = 32;
    static final int MAX_NUMBER_CHARS = 100;
    static final int MAX_STRING_CHARS = 64 * 1024;

    private Json() {
    }

    static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_CHARS)
                        .maxStringLength(MAX_STRING_CHARS)
                        .build())
                .build();
        return JsonMapper.builder(factory).build();
    }

    /**
     * The request body, read from the stream up to {@code maxBytes}: a declared length over the limit is refused
     * before reading, and a chunked body as soon as it passes the limit, so no body larger than the limit is held.
     * The connection is closed after such a refusal, so the rest of the body is never read either.
     *
     * @throws ApiException 413 naming {@code http.max.body.bytes}
     */
    static byte[] readBody(Context ctx, int maxBytes) {
        if (ctx.req().getContentLengthLong() > maxBytes) {
            throw bodyTooLarge(ctx, maxBytes);
        }
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] body = in.readNBytes(maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
            if (body.length > maxBytes) {
                throw bodyTooLarge(ctx, maxBytes);
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("body-unreadable", "the body ended early or could not be read: " + e.getMessage());
        }
    }

    static ApiException bodyTooLarge(Context ctx, int maxBytes) {
        ctx.header("Connection", "close");
        return new ApiException(413, "body-too-large", "the body is larger than http.max.body.bytes = " + maxBytes
                + " bytes; send fewer inputs per request");
    }

    static void write(Context ctx, int status, ObjectMapper json, Object body) {
        try {
            ctx.status(status).contentType(CONTENT_TYPE).result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a response as JSON", e);
        }
    }

    /** @throws ApiException 415 unless the request says its body is JSON */
    static void requireJsonContentType(Context ctx) {
        String type = ctx.contentType();
        String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(CONTENT_TYPE)) {
            throw new ApiException(415, "unsupported-media-type", "expected Content-Type " + CONTENT_TYPE + " but found "
                    + (type == null || type.isBlank() ? "none" : type));
        }
    }

    /** @throws ApiException 400 when the body is empty, not JSON, or not an object */
    static JsonNode readObject(byte[] body, ObjectMapper json, String example) {
        if (body.length == 0) {
            throw ApiException.badRequest("empty-body", "the body is empty; expected a JSON object like " + example);
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (StreamConstraintsException e) {
            throw constraintBroken(e);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("not-json", "the body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiException.badRequest("not-json", "the body could not be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("not-an-object", "expected a JSON object like " + example + " but found "
                    + (root == null ? "nothing" : root.isArray() ? "an array of " + root.size()
                    : root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return root;
    }

    private static ApiException constraintBroken(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.contains("nesting depth")) {
            return ApiException.badRequest("too-deep", "the JSON nests deeper than the nesting depth limit of "
                    + MAX_NESTING_DEPTH + " levels; an input needs one level per dimension of its shape");
        }
        return ApiException.badRequest("too-long", "a number or string in the JSON is longer than the limits ("
                + MAX_NUMBER_CHARS + " characters for a number, " + MAX_STRING_CHARS + " for a string)");
    }
}
