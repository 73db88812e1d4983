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

    /**
     * What a non-2xx response body says: its message (or a short description when it says nothing usable) and, when
     * it is an OpenAI-style error object, that object. The body is parsed once for both.
     *
     * @param error null when the body is not {@code {"error":{"message",...}}}: then only the status and the message
     *              can be passed on
     */
    public record Parsed(String message, UpstreamError error) {
    }

    public static Parsed parse(JsonMapper json, String body) {
        if (body == null || body.isBlank()) {
            return new Parsed("(empty body)", null);
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException notJson) {
            // plain-text error pages are common (proxies, load balancers): quote them
            return new Parsed(shorten(body.strip()), null);
        }
        String message = node != null && node.isObject() ? messageOf(node) : null;
        return new Parsed(message != null ? shorten(message) : shorten(body.strip()), errorObject(node));
    }

    /** The message of a non-2xx response body, or a short description when the body says nothing usable. */
    public static String message(JsonMapper json, String body) {
        return parse(json, body).message();
    }

    private static UpstreamError errorObject(JsonNode node) {
        JsonNode error = node == null ? null : node.get("error");
        if (error == null || !error.isObject() || !error.path("message").isString()) {
            return null;
        }
        return new UpstreamError(text(error.get("type")), text(error.get("code")), text(error.get("param")),
                shorten(error.path("message").stringValue()));
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
