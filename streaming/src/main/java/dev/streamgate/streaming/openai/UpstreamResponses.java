package dev.streamgate.streaming.openai;

import java.util.List;

import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.StreamEvent.StreamError;
import dev.streamgate.streaming.StreamEvent.ToolCallDelta;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.internal.StreamingJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Lenient, typed reads of the parts of an OpenAI-compatible response that streaming and whole responses share. */
final class UpstreamResponses {
    private static final int UPSTREAM_ERROR_STATUS = 502;

    private UpstreamResponses() {
    }

    /**
     * Tool-call deltas; in a stream an entry without id, name or arguments carries nothing and is skipped. An
     * entry without {@code index} (some servers omit it) takes its position in the array.
     */
    static void toolCalls(JsonNode calls, List<StreamEvent> events, boolean streaming) {
        if (!isPresent(calls)) {
            return;
        }
        if (!calls.isArray()) {
            throw new MalformedResponseException("tool_calls is not an array");
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            requireObject(call, "tool call");
            JsonNode indexNode = call.get("index");
            int index = i;
            if (isPresent(indexNode)) {
                if (!indexNode.isIntegralNumber() || !indexNode.canConvertToInt() || indexNode.intValue() < 0) {
                    throw new MalformedResponseException("tool call index is not a non-negative integer");
                }
                index = indexNode.intValue();
            }
            String id = optionalText(call, "id");
            String name = null;
            String arguments = null;
            JsonNode function = call.get("function");
            if (isPresent(function)) {
                requireObject(function, "function");
                name = optionalText(function, "name");
                arguments = optionalText(function, "arguments");
            }
            if (streaming && id == null && name == null && (arguments == null || arguments.isEmpty())) {
                continue;
            }
            events.add(new ToolCallDelta(index, id, name, streaming ? arguments : arguments == null ? "" : arguments));
        }
    }

    static JsonNode firstChoice(JsonNode response) {
        JsonNode choices = response.get("choices");
        if (!isPresent(choices)) {
            return null;
        }
        if (!choices.isArray()) {
            throw new MalformedResponseException("choices is not an array");
        }
        for (JsonNode choice : choices) {
            requireObject(choice, "choice");
            JsonNode index = choice.get("index");
            if (!isPresent(index) || (index.isIntegralNumber() && index.canConvertToInt() && index.intValue() == 0)) {
                return choice;
            }
        }
        return null;
    }

    static Usage usage(JsonNode node) {
        if (!isPresent(node)) {
            return null;
        }
        requireObject(node, "usage");
        int prompt = count(node, "prompt_tokens");
        int completion = count(node, "completion_tokens");
        return new Usage(prompt, completion, false);
    }

    static int count(JsonNode usage, String field) {
        JsonNode node = usage.get(field);
        if (!isPresent(node)) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw new MalformedResponseException("usage." + field + " is not a non-negative integer: " + node);
        }
        return node.intValue();
    }

    /**
     * An error payload: {@code {"error":{...}}} (OpenAI), {@code {"error":"..."}}, or vLLM's older unwrapped
     * {@code {"object":"error","message":...,"code":400}}. A numeric code in 400..599 becomes the status.
     */
    static StreamError error(JsonNode response) {
        JsonNode error = response.get("error");
        if (isPresent(error)) {
            if (error.isString()) {
                return new StreamError(UPSTREAM_ERROR_STATUS, "upstream_error", null, error.stringValue());
            }
            requireObject(error, "error");
            return errorObject(error);
        }
        JsonNode object = response.get("object");
        if (object != null && object.isString() && object.stringValue().equals("error")) {
            return errorObject(response);
        }
        return null;
    }

    static StreamError errorObject(JsonNode error) {
        JsonNode code = error.get("code");
        int status = UPSTREAM_ERROR_STATUS;
        String codeText = null;
        if (isPresent(code)) {
            if (code.isIntegralNumber() && code.canConvertToInt()
                    && code.intValue() >= 400 && code.intValue() <= 599) {
                status = code.intValue();
            }
            codeText = code.isString() ? code.stringValue() : code.toString();
        }
        JsonNode type = error.get("type");
        JsonNode message = error.get("message");
        return new StreamError(status,
                type != null && type.isString() ? type.stringValue() : "upstream_error",
                codeText,
                message != null && message.isString() ? message.stringValue() : "the upstream reported an error");
    }

    static String optionalText(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (!isPresent(node)) {
            return null;
        }
        if (!node.isString()) {
            throw new MalformedResponseException(field + " is not a string: " + node);
        }
        return node.stringValue();
    }

    static boolean isPresent(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    static void requireObject(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new MalformedResponseException(what + " is not a JSON object");
        }
    }

    static JsonNode parse(String json) {
        try {
            return StreamingJson.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new MalformedResponseException("upstream sent malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode parse(byte[] json) {
        try {
            return StreamingJson.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new MalformedResponseException("upstream sent malformed JSON: " + e.getOriginalMessage(), e);
        }
    }
}
