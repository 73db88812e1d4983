package dev.streamgate.streaming.openai;

import static dev.streamgate.streaming.openai.RequestFields.absent;
import static dev.streamgate.streaming.openai.RequestFields.invalidType;
import static dev.streamgate.streaming.openai.RequestFields.invalidValue;
import static dev.streamgate.streaming.openai.RequestFields.missing;
import static dev.streamgate.streaming.openai.RequestFields.requiredString;

import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * Shape checks for the fields the gateway does not interpret but forwards ({@code tools}, {@code tool_choice},
 * {@code response_format}): a malformed one is the caller's 400 here rather than an upstream's 400 later. Tool
 * types are those of OpenAI's chat completions API reference: {@code function} and {@code custom} (free-form
 * input tools, newer API versions); anything else is refused as OpenAI refuses it.
 */
final class PassThroughFields {
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
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
            switch (type) {
                case "function" -> namedObject(tool, "function", param, true);
                case "custom" -> namedObject(tool, "custom", param, false);
                default -> throw invalidValue(param + ".type", "expected one of 'function' or 'custom', but got '"
                        + type + "' instead.");
            }
        }
    }

    /**
     * A tool's {@code function} or {@code custom} object: its name must match {@code ^[a-zA-Z0-9_-]{1,64}$}, as
     * OpenAI's API reference requires of tool names, and a function's {@code parameters}, when present, must be
     * a JSON Schema object.
     */
    private static void namedObject(JsonNode tool, String field, String param, boolean hasParameters) {
        JsonNode object = tool.get(field);
        String path = param + "." + field;
        if (absent(object)) {
            throw missing(path);
        }
        if (!object.isObject()) {
            throw invalidType(path, "an object", object);
        }
        String name = requiredString(object.get("name"), path + ".name");
        if (!TOOL_NAME.matcher(name).matches()) {
            throw invalidValue(path + ".name", "'" + name + "' does not match '^[a-zA-Z0-9_-]{1,64}$'.");
        }
        if (hasParameters) {
            JsonNode parameters = object.get("parameters");
            if (!absent(parameters) && !parameters.isObject()) {
                throw invalidType(path + ".parameters", "an object (a JSON Schema)", parameters);
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
