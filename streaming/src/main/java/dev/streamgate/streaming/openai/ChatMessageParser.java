package dev.streamgate.streaming.openai;

import static dev.streamgate.streaming.openai.RequestFields.absent;
import static dev.streamgate.streaming.openai.RequestFields.invalidType;
import static dev.streamgate.streaming.openai.RequestFields.invalidValue;
import static dev.streamgate.streaming.openai.RequestFields.missing;
import static dev.streamgate.streaming.openai.RequestFields.optionalString;
import static dev.streamgate.streaming.openai.RequestFields.requiredString;

import dev.streamgate.streaming.openai.ChatMessage.Role;
import tools.jackson.databind.JsonNode;

/** Validates one entry of {@code messages} and flattens its content to text. */
final class ChatMessageParser {
    /** Text parts are joined with a newline, as vLLM does, so two parts never run into one word. */
    private static final String PART_SEPARATOR = "\n";

    private ChatMessageParser() {
    }

    static ChatMessage parse(JsonNode node, int index) {
        String param = "messages[" + index + "]";
        if (!node.isObject()) {
            throw invalidType(param, "an object", node);
        }
        Role role = role(requiredString(node.get("role"), param + ".role"), param + ".role");
        String name = optionalString(node.get("name"), param + ".name");
        boolean callsTools = role == Role.ASSISTANT && callsTools(node, param);
        String text = content(node, param, callsTools);
        String toolCallId = null;
        if (role == Role.TOOL) {
            toolCallId = requiredString(node.get("tool_call_id"), param + ".tool_call_id");
        }
        return new ChatMessage(role, text, name, toolCallId, node);
    }

    private static Role role(String value, String param) {
        return switch (value) {
            case "system" -> Role.SYSTEM;
            case "developer" -> Role.DEVELOPER;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool" -> Role.TOOL;
            default -> throw invalidValue(param, "expected one of 'system', 'developer', 'user', 'assistant' or "
                    + "'tool', but got '" + value + "' instead.");
        };
    }

    /**
     * Validates an assistant message's {@code tool_calls} (and the deprecated {@code function_call}, which older
     * clients still send in history) and says whether it has any, because only then may its content be null.
     */
    private static boolean callsTools(JsonNode message, String param) {
        boolean calls = false;
        JsonNode toolCalls = message.get("tool_calls");
        if (!absent(toolCalls)) {
            if (!toolCalls.isArray()) {
                throw invalidType(param + ".tool_calls", "an array", toolCalls);
            }
            for (int i = 0; i < toolCalls.size(); i++) {
                toolCall(toolCalls.get(i), param + ".tool_calls[" + i + "]");
            }
            calls = !toolCalls.isEmpty();
        }
        JsonNode functionCall = message.get("function_call");
        if (!absent(functionCall)) {
            if (!functionCall.isObject()) {
                throw invalidType(param + ".function_call", "an object", functionCall);
            }
            requiredString(functionCall.get("name"), param + ".function_call.name");
            calls = true;
        }
        return calls;
    }

    private static void toolCall(JsonNode call, String param) {
        if (!call.isObject()) {
            throw invalidType(param, "an object", call);
        }
        requiredString(call.get("id"), param + ".id");
        String type = requiredString(call.get("type"), param + ".type");
        if (!type.equals("function")) {
            throw invalidValue(param + ".type", "expected 'function', but got '" + type + "' instead.");
        }
        JsonNode function = call.get("function");
        if (absent(function)) {
            throw missing(param + ".function");
        }
        if (!function.isObject()) {
            throw invalidType(param + ".function", "an object", function);
        }
        requiredString(function.get("name"), param + ".function.name");
        requiredString(function.get("arguments"), param + ".function.arguments");
    }

    private static String content(JsonNode message, String param, boolean callsTools) {
        JsonNode content = message.get("content");
        String contentParam = param + ".content";
        if (absent(content)) {
            if (callsTools) {
                return "";
            }
            if (content == null || content.isMissingNode()) {
                throw missing(contentParam);
            }
            throw invalidType(contentParam, "a string or an array of content parts", content);
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (!content.isArray()) {
            throw invalidType(contentParam, "a string or an array of content parts", content);
        }
        if (content.isEmpty()) {
            throw invalidValue(contentParam, "expected an array with at least 1 content part, but got an empty "
                    + "array instead.");
        }
        StringBuilder text = null;
        String single = null;
        for (int i = 0; i < content.size(); i++) {
            String partText = part(content.get(i), contentParam + "[" + i + "]");
            if (partText == null) {
                continue;
            }
            if (single == null) {
                single = partText;
            } else {
                if (text == null) {
                    text = new StringBuilder(single);
                }
                text.append(PART_SEPARATOR).append(partText);
            }
        }
        return text != null ? text.toString() : single == null ? "" : single;
    }

    /** Validates a content part; returns its text, or null for parts that carry none (images, audio, files). */
    private static String part(JsonNode part, String param) {
        if (!part.isObject()) {
            throw invalidType(param, "an object", part);
        }
        String type = requiredString(part.get("type"), param + ".type");
        switch (type) {
            case "text" -> {
                return requiredString(part.get("text"), param + ".text");
            }
            case "image_url", "input_audio", "file" -> {
                JsonNode payload = part.get(type);
                if (absent(payload)) {
                    throw missing(param + "." + type);
                }
                if (!payload.isObject()) {
                    throw invalidType(param + "." + type, "an object", payload);
                }
                return null;
            }
            case "refusal" -> {
                requiredString(part.get("refusal"), param + ".refusal");
                return null;
            }
            default -> throw invalidValue(param + ".type", "expected one of 'text', 'image_url', 'input_audio', "
                    + "'file' or 'refusal', but got '" + type + "' instead.");
        }
    }
}
