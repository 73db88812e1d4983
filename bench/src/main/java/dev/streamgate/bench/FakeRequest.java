package dev.streamgate.bench;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what the fake upstream needs from a chat completions request body and turns it into the {@link
 * FakeCompletion.Shape} of the reply. Refuses what OpenAI refuses in the fields it reads, naming the field.
 */
final class FakeRequest {

    /** A request the fake answers with OpenAI's 400 error JSON. */
    static final class Invalid extends RuntimeException {
        final String param;

        Invalid(String param, String message) {
            super(message, null, false, false);
            this.param = param;
        }
    }

    private FakeRequest() {
    }

    static FakeCompletion.Shape shape(JsonMapper json, byte[] body, int configuredTokens) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw new Invalid(null, "We could not parse the JSON body of your request.");
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(null, "The request body must be a JSON object.");
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isString() || model.asString().isBlank()) {
            throw new Invalid("model", "you must provide a model parameter");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new Invalid("messages", "messages must be a non-empty array");
        }
        boolean stream = bool(root.get("stream"), "stream");
        JsonNode options = root.get("stream_options");
        boolean includeUsage = options != null && options.isObject()
                && bool(options.get("include_usage"), "stream_options.include_usage");
        int limit = maxTokens(root, "max_completion_tokens");
        if (limit == Integer.MAX_VALUE) {
            limit = maxTokens(root, "max_tokens");
        }
        int completionTokens = Math.min(configuredTokens, limit);
        return new FakeCompletion.Shape(model.asString(), stream, includeUsage, promptTokens(messages),
                completionTokens, completionTokens < configuredTokens);
    }

    private static boolean bool(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new Invalid(param, param + " must be a boolean");
        }
        return node.booleanValue();
    }

    private static int maxTokens(JsonNode root, String param) {
        JsonNode node = root.get(param);
        if (node == null || node.isNull()) {
            return Integer.MAX_VALUE;
        }
        if (!node.isIntegralNumber() || node.asLong() < 1) {
            throw new Invalid(param, param + " must be an integer of at least 1");
        }
        return (int) Math.min(Integer.MAX_VALUE, node.asLong());
    }

    /** About four characters per token, as OpenAI's rule of thumb has it; only the order of magnitude matters. */
    private static int promptTokens(JsonNode messages) {
        long chars = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.get("content");
            if (content == null) {
                continue;
            }
            if (content.isString()) {
                chars += content.asString().length();
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    JsonNode text = part.get("text");
                    if (text != null && text.isString()) {
                        chars += text.asString().length();
                    }
                }
            }
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (chars + 3) / 4));
    }
}
