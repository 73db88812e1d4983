package dev.streamgate.worker.server;

import dev.streamgate.streaming.openai.InvalidRequestException;
import dev.streamgate.worker.CompletionRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads a text completions body: one prompt, as a string or as token ids (batches of prompts are refused). */
final class CompletionRequestReader {
    private CompletionRequestReader() {
    }

    static CompletionRequest read(ObjectNode body) {
        String model = JsonFields.requiredString(body, "model");
        JsonNode prompt = body.path("prompt");
        if (prompt.isArray() && prompt.size() == 1 && (prompt.get(0).isString() || prompt.get(0).isArray())) {
            prompt = prompt.get(0);
        }
        boolean stream = JsonFields.bool(body, "stream", false);
        boolean includeUsage = JsonFields.includeUsage(body);
        if (prompt.isString()) {
            return new CompletionRequest(model, prompt.stringValue(), null, stream, includeUsage, body);
        }
        if (prompt.isArray() && !prompt.isEmpty()) {
            int[] ids = new int[prompt.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode id = prompt.get(i);
                if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                    throw new InvalidRequestException("prompt", "invalid_value",
                            "prompt must be a string or an array of token ids (one prompt per request)");
                }
                ids[i] = id.intValue();
            }
            return new CompletionRequest(model, null, ids, stream, includeUsage, body);
        }
        throw new InvalidRequestException("prompt", "invalid_value",
                "prompt must be a string or an array of token ids (one prompt per request)");
    }
}
