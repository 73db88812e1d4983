package dev.streamgate.adapters.internal;

import dev.streamgate.adapters.spi.UpstreamError;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the human-readable message out of an upstream's error body. OpenAI-compatible servers disagree on the
 * shape: OpenAI and Ollama send {@code {"error":{"message":...}}}, TGI {@code {"error":"..."}}, vLLM
 * {@code {"object":"error","message":...}}, FastAPI-based servers {@code {"detail":...}}; anything else is
 * passed on as text, shortened.
 */
public final class UpstreamErrorBody {
    private static final int MAX_MESSAGE_CHARS = 500;

    private UpstreamErrorBody() {
    }

    /** The message of a non-2xx response body, or a short description when the body says nothing usable. */
    public static String message(JsonMapper json, String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.isObject()) {
                String message = messageOf(node);
                if (message != null) {
                    return shorten(message);
                }
            }
        } catch (JacksonException notJson) {
            // plain-text error pages are common (proxies, load balancers): fall through and quote them
        }
        return shorten(body.strip());
    }

    /**
     * The OpenAI-style error object of a non-2xx body ({@code {"error":{"message","type","param","code"}}}), or
     * null when the body is not one: then only the status and {@link #message} can be passed on.
     */
    public static UpstreamError error(JsonMapper json, String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = json.readTree(body);
            JsonNode error = node == null ? null : node.get("error");
            if (error == null || !error.isObject() || !error.path("message").isString()) {
                return null;
            }
            return new UpstreamError(text(error.get("type")), text(error.get("code")), text(error.get("param")),
                    shorten(error.path("message").stringValue()));
        } catch (JacksonException notJson) {
            return null;  // not an error object: the caller falls back to the shortened text (see message)
        }
    }

    /** A string field, a numeric code as its text (some servers send {@code "code": 400}), else null. */
    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isString() ? node.stringValue() : node.isNumber() ? node.asString() : null;
    }

    private static String messageOf(JsonNode node) {
        JsonNode error = node.get("error");
        if (error != null && error.isObject() && error.path("message").isString()) {
            return error.path("message").stringValue();
        }
        if (error != null && error.isString()) {
            return error.stringValue();
        }
        for (String field : new String[] {"message", "detail"}) {
            if (node.path(field).isString()) {
                return node.path(field).stringValue();
            }
        }
        return null;
    }

    /** Upstream messages are quoted in logs and to clients; a runaway one is cut. */
    static String shorten(String text) {
        return text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "…" : text;
    }
}
