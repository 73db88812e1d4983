package dev.streamgate.streaming.openai;

import static dev.streamgate.streaming.openai.RequestFields.absent;
import static dev.streamgate.streaming.openai.RequestFields.invalidType;
import static dev.streamgate.streaming.openai.RequestFields.invalidValue;
import static dev.streamgate.streaming.openai.RequestFields.missing;
import static dev.streamgate.streaming.openai.RequestFields.optionalBoolean;
import static dev.streamgate.streaming.openai.RequestFields.optionalInt;
import static dev.streamgate.streaming.openai.RequestFields.optionalLong;
import static dev.streamgate.streaming.openai.RequestFields.optionalNumber;
import static dev.streamgate.streaming.openai.RequestFields.optionalString;
import static dev.streamgate.streaming.openai.RequestFields.requiredString;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.streamgate.streaming.internal.StreamingJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses and validates a {@code POST /v1/chat/completions} body. Every rule failure is an
 * {@link InvalidRequestException} naming the parameter the way OpenAI does ({@code messages[1].role},
 * {@code stream_options.include_usage}); unknown fields are allowed and stay in {@link ChatCompletionRequest#raw()}.
 * Body size is the gateway's concern; nesting depth and token sizes are bounded by Jackson's default
 * {@code StreamReadConstraints}. Stateless and thread-safe.
 */
public final class ChatRequestParser {
    private static final int MAX_STOP_SEQUENCES = 4;

    static {
        // Loading this class (at start-up, where the gateway builds its parser) initialises StreamingJson, whose
        // initialiser warms the mapper before any request needs it.
        Objects.requireNonNull(StreamingJson.MAPPER);
    }

    public ChatCompletionRequest parse(byte[] body) {
        return parse(RequestBodies.readObject(body));
    }

    /** Validates an already parsed body; the node becomes the request's {@code raw} and must not change after. */
    public ChatCompletionRequest parse(JsonNode body) {
        if (!(body instanceof ObjectNode raw)) {
            throw new InvalidRequestException(null, RequestFields.INVALID_TYPE,
                    "The request body must be a JSON object, but got " + RequestFields.describe(body) + ".");
        }
        String model = requiredString(raw.get("model"), "model");
        if (model.isBlank()) {
            throw invalidValue("model", "expected a non-empty string.");
        }
        List<ChatMessage> messages = messages(raw.get("messages"));

        Integer maxTokens = optionalInt(raw.get("max_tokens"), "max_tokens", 1);
        Integer maxCompletionTokens = optionalInt(raw.get("max_completion_tokens"), "max_completion_tokens", 1);
        Double temperature = optionalNumber(raw.get("temperature"), "temperature", 0, false, 2);
        Double topP = optionalNumber(raw.get("top_p"), "top_p", 0, true, 1);
        optionalNumber(raw.get("presence_penalty"), "presence_penalty", -2, false, 2);
        optionalNumber(raw.get("frequency_penalty"), "frequency_penalty", -2, false, 2);
        List<String> stop = stop(raw.get("stop"));
        Long seed = optionalLong(raw.get("seed"), "seed");
        String user = optionalString(raw.get("user"), "user");
        boolean stream = Boolean.TRUE.equals(optionalBoolean(raw.get("stream"), "stream"));
        boolean includeUsage = includeUsage(raw.get("stream_options"), stream);
        n(raw.get("n"));
        PassThroughFields.validate(raw);

        return new ChatCompletionRequest(model, messages,
                maxCompletionTokens != null ? maxCompletionTokens : maxTokens,
                temperature, topP, stop, seed, user, stream, includeUsage, raw);
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (absent(node)) {
            throw missing("messages");
        }
        if (!node.isArray()) {
            throw invalidType("messages", "an array", node);
        }
        if (node.isEmpty()) {
            throw invalidValue("messages", "expected an array with at least 1 message, but got an empty array "
                    + "instead.");
        }
        var messages = new ArrayList<ChatMessage>(node.size());
        for (int i = 0; i < node.size(); i++) {
            messages.add(ChatMessageParser.parse(node.get(i), i));
        }
        return messages;
    }

    private static List<String> stop(JsonNode node) {
        if (absent(node)) {
            return List.of();
        }
        if (node.isString()) {
            return List.of(nonEmptyStop(node, "stop"));
        }
        if (!node.isArray()) {
            throw invalidType("stop", "a string or an array of strings", node);
        }
        if (node.size() > MAX_STOP_SEQUENCES) {
            throw invalidValue("stop", "expected an array with at most " + MAX_STOP_SEQUENCES
                    + " strings, but got " + node.size() + " instead.");
        }
        var stops = new ArrayList<String>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            String param = "stop[" + i + "]";
            if (!element.isString()) {
                throw invalidType(param, "a string", element);
            }
            stops.add(nonEmptyStop(element, param));
        }
        return stops;
    }

    private static String nonEmptyStop(JsonNode node, String param) {
        String value = node.stringValue();
        if (value.isEmpty()) {
            throw invalidValue(param, "expected a non-empty string.");
        }
        return value;
    }

    private static boolean includeUsage(JsonNode options, boolean stream) {
        if (absent(options)) {
            return false;
        }
        if (!stream) {
            throw new InvalidRequestException("stream_options", RequestFields.INVALID_VALUE,
                    "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        }
        if (!options.isObject()) {
            throw invalidType("stream_options", "an object", options);
        }
        return Boolean.TRUE.equals(optionalBoolean(options.get("include_usage"), "stream_options.include_usage"));
    }

    /** Only one choice per request is generated; n > 1 is valid OpenAI but not served here. */
    private static void n(JsonNode node) {
        Integer n = optionalInt(node, "n", 1);
        if (n != null && n != 1) {
            throw new InvalidRequestException("n", RequestFields.UNSUPPORTED_VALUE,
                    "Unsupported value: 'n' must be 1; generating several choices per request is not supported.");
        }
    }
}
