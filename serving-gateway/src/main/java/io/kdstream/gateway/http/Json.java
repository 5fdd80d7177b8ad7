package io.kdstream.gateway.http;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;

/** JSON in and out of the HTTP API. NaN and Infinity are read (so they can be refused by name), never written. */
final class Json {

    static final String CONTENT_TYPE = "application/json";

    private Json() {
    }

    static ObjectMapper mapper() {
        return JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
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
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("not-json", "the body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
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
}
