package dev.streamgate.worker.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatMessage;
import dev.streamgate.streaming.openai.InvalidRequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a chat completions body into the shared {@link ChatCompletionRequest}: the fields it types, with a 400
 * naming the field for anything malformed. Sampling fields beyond the typed ones are validated later, by
 * {@link dev.streamgate.worker.GenerationSettings}, from {@code raw}.
 */
final class ChatRequestReader {
    private ChatRequestReader() {
    }

    static ChatCompletionRequest read(ObjectNode body) {
        String model = JsonFields.requiredString(body, "model");
        JsonNode messagesNode = body.path("messages");
        if (!messagesNode.isArray() || messagesNode.isEmpty()) {
            throw new InvalidRequestException("messages", "invalid_value", "messages must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(message(messagesNode.get(i), "messages[" + i + "]"));
        }
        Integer maxTokens = JsonFields.optionalInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = JsonFields.optionalInt(body, "max_tokens");
        }
        return new ChatCompletionRequest(model, messages, maxTokens,
                JsonFields.optionalDouble(body, "temperature"), JsonFields.optionalDouble(body, "top_p"),
                JsonFields.stop(body), JsonFields.optionalLong(body, "seed"), JsonFields.optionalString(body, "user"),
                JsonFields.bool(body, "stream", false), JsonFields.includeUsage(body), body);
    }

    private static ChatMessage message(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidRequestException(path, "invalid_value", path + " must be an object");
        }
        JsonNode roleNode = node.path("role");
        ChatMessage.Role role;
        try {
            role = ChatMessage.Role.valueOf(roleNode.asString("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(path + ".role", "invalid_value",
                    path + ".role must be one of system, developer, user, assistant, tool");
        }
        return new ChatMessage(role, text(node.path("content"), path + ".content"),
                JsonFields.optionalString(node, "name"), JsonFields.optionalString(node, "tool_call_id"), node);
    }

    private static String text(JsonNode content, String path) {
        if (content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                if (!"text".equals(part.path("type").asString("")) || !part.path("text").isString()) {
                    throw new InvalidRequestException(path + "[" + i + "]", "invalid_value",
                            "this worker accepts only text content parts");
                }
                text.append(part.path("text").stringValue());
            }
            return text.toString();
        }
        throw new InvalidRequestException(path, "invalid_value", path + " must be a string or an array of parts");
    }
}
