package dev.streamgate.streaming.openai;

import dev.streamgate.streaming.internal.StreamingJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a request body that must be one JSON object, for the endpoints that have no typed parser here (the
 * worker's {@code /v1/completions}); the errors are those of {@link ChatRequestParser#parse(byte[])}, so every
 * endpoint reports a malformed body the same way.
 */
public final class RequestBodies {
    private RequestBodies() {
    }

    /** @throws InvalidRequestException {@code invalid_json} for bytes that are not JSON, {@code invalid_type} for
     *                                 JSON that is not an object */
    public static ObjectNode readObject(byte[] body) {
        JsonNode tree;
        try {
            tree = StreamingJson.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidRequestException(null, "invalid_json",
                    "We could not parse the JSON body of your request: " + e.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidRequestException(null, "invalid_json",
                    "We could not parse the JSON body of your request: the body is empty.");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new InvalidRequestException(null, RequestFields.INVALID_TYPE,
                    "The request body must be a JSON object, but got " + RequestFields.describe(tree) + ".");
        }
        return object;
    }
}
