package dev.streamgate.streaming.openai;

import static dev.streamgate.streaming.openai.RequestFields.absent;
import static dev.streamgate.streaming.openai.RequestFields.invalidType;
import static dev.streamgate.streaming.openai.RequestFields.invalidValue;
import static dev.streamgate.streaming.openai.RequestFields.missing;
import static dev.streamgate.streaming.openai.RequestFields.requiredString;

import tools.jackson.databind.JsonNode;

/**
 * Shape checks for the fields the gateway does not interpret but forwards ({@code tools}, {@code tool_choice},
 * {@code response_format}): a malformed one is the caller's 400 here rather than an upstream's 400 later.
 */
final class PassThroughFields {
    private PassThroughFields() {
    }

    static void validate(JsonNode body) {
        tools(body.get("tools"));
        toolChoice(body.get("tool_choice"));
        responseFormat(body.get("response_format"));
    }

    private static void tools(JsonNode tools) {
        if (absent(tools)) {
            return;
        }
        if (!tools.isArray()) {
            throw invalidType("tools", "an array", tools);
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String param = "tools[" + i + "]";
            if (!tool.isObject()) {
                throw invalidType(param, "an object", tool);
            }
            String type = requiredString(tool.get("type"), param + ".type");
            if (type.equals("function")) {
                JsonNode function = tool.get("function");
                if (absent(function)) {
                    throw missing(param + ".function");
                }
                if (!function.isObject()) {
                    throw invalidType(param + ".function", "an object", function);
                }
                requiredString(function.get("name"), param + ".function.name");
            }
        }
    }

    private static void toolChoice(JsonNode choice) {
        if (absent(choice)) {
            return;
        }
        if (choice.isString()) {
            String value = choice.stringValue();
            if (!value.equals("none") && !value.equals("auto") && !value.equals("required")) {
                throw invalidValue("tool_choice", "expected one of 'none', 'auto' or 'required', but got '"
                        + value + "' instead.");
            }
            return;
        }
        if (!choice.isObject()) {
            throw invalidType("tool_choice", "a string or an object", choice);
        }
        requiredString(choice.get("type"), "tool_choice.type");
    }

    private static void responseFormat(JsonNode format) {
        if (absent(format)) {
            return;
        }
        if (!format.isObject()) {
            throw invalidType("response_format", "an object", format);
        }
        String type = requiredString(format.get("type"), "response_format.type");
        switch (type) {
            case "text", "json_object" -> {
            }
            case "json_schema" -> {
                JsonNode schema = format.get("json_schema");
                if (absent(schema)) {
                    throw missing("response_format.json_schema");
                }
                if (!schema.isObject()) {
                    throw invalidType("response_format.json_schema", "an object", schema);
                }
            }
            default -> throw invalidValue("response_format.type", "expected one of 'text', 'json_object' or "
                    + "'json_schema', but got '" + type + "' instead.");
        }
    }
}
