package dev.streamgate.worker;

import static dev.streamgate.streaming.openai.RequestFields.absent;
import static dev.streamgate.streaming.openai.RequestFields.invalidType;
import static dev.streamgate.streaming.openai.RequestFields.invalidValue;
import static dev.streamgate.streaming.openai.RequestFields.optionalBoolean;
import static dev.streamgate.streaming.openai.RequestFields.requiredString;

import dev.streamgate.streaming.openai.InvalidRequestException;
import dev.streamgate.streaming.openai.RequestFields;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code POST /v1/completions} request: a prompt as text or as token ids (exactly one is set), and the body for
 * the sampling fields ({@link GenerationSettings#read}).
 */
public record CompletionRequest(String model, String prompt, int[] promptTokens, boolean stream,
                                boolean includeUsage, ObjectNode raw) {
    public CompletionRequest {
        if ((prompt == null) == (promptTokens == null)) {
            throw new IllegalArgumentException("exactly one of prompt and promptTokens");
        }
        promptTokens = promptTokens == null ? null : promptTokens.clone();
    }

    /**
     * Reads a completions body: one prompt, as a string or as token ids (batches of prompts are refused).
     *
     * @throws dev.streamgate.streaming.openai.InvalidRequestException naming the malformed field
     */
    public static CompletionRequest read(ObjectNode body) {
        String model = requiredString(body.get("model"), "model");
        if (model.isBlank()) {
            throw invalidValue("model", "expected a non-empty string.");
        }
        JsonNode prompt = body.path("prompt");
        if (prompt.isArray() && prompt.size() == 1 && (prompt.get(0).isString() || prompt.get(0).isArray())) {
            prompt = prompt.get(0);
        }
        boolean stream = Boolean.TRUE.equals(optionalBoolean(body.get("stream"), "stream"));
        boolean includeUsage = includeUsage(body.get("stream_options"));
        if (prompt.isString()) {
            return new CompletionRequest(model, prompt.stringValue(), null, stream, includeUsage, body);
        }
        if (prompt.isArray() && !prompt.isEmpty()) {
            int[] ids = new int[prompt.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode id = prompt.get(i);
                if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                    throw onePrompt();
                }
                ids[i] = id.intValue();
            }
            return new CompletionRequest(model, null, ids, stream, includeUsage, body);
        }
        throw onePrompt();
    }

    /** {@code stream_options.include_usage}, false when absent; the shape rules are those of the chat parser. */
    private static boolean includeUsage(JsonNode options) {
        if (absent(options)) {
            return false;
        }
        if (!options.isObject()) {
            throw invalidType("stream_options", "an object", options);
        }
        return Boolean.TRUE.equals(optionalBoolean(options.get("include_usage"), "stream_options.include_usage"));
    }

    private static InvalidRequestException onePrompt() {
        return new InvalidRequestException("prompt", RequestFields.INVALID_VALUE,
                "Invalid 'prompt': expected a string or an array of token ids (one prompt per request).");
    }
}
