package dev.streamgate.adapters.internal;

import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON body sent to an OpenAI-compatible upstream: the caller's body as received, so that fields the gateway
 * does not interpret reach the upstream unchanged, with {@code model} set to the deployment's upstream model. A
 * streaming request is streamed with usage asked for; a single-response request is sent as one (the upstream
 * builds the answer once, instead of the gateway decoding a chunk per token and assembling them). The copy is
 * shallow: nested nodes are shared with the request, never modified.
 */
public final class UpstreamRequestBody {
    private UpstreamRequestBody() {
    }

    /**
     * @param streamUsage ask for a final usage chunk ({@code stream_options.include_usage}); off for servers that
     *                    reject {@code stream_options}
     */
    public static ObjectNode build(JsonMapper json, InferenceRequest request, String upstreamModel,
                                   boolean streamUsage) {
        ChatCompletionRequest chat = request.chat();
        ObjectNode body = json.createObjectNode();
        if (chat.raw() != null) {
            body.setAll(chat.raw());
        } else {
            fillFromTypedFields(chat, body);
        }
        body.put("model", upstreamModel);
        body.put("stream", chat.stream());
        if (chat.stream() && streamUsage) {
            ObjectNode options = json.createObjectNode();
            JsonNode callerOptions = body.get("stream_options");
            if (callerOptions != null && callerOptions.isObject()) {
                options.setAll((ObjectNode) callerOptions);
            }
            options.put("include_usage", true);
            body.set("stream_options", options);
        } else {
            // OpenAI refuses stream_options on a request that does not stream
            body.remove("stream_options");
        }
        if (chat.maxTokens() != null && !body.has("max_tokens") && !body.has("max_completion_tokens")) {
            body.put("max_tokens", chat.maxTokens());
        }
        if (!body.hasNonNull("user") && request.tenantId() != null) {
            body.put("user", request.tenantId());
        }
        return body;
    }

    /** For requests built in code rather than parsed from a client's body. */
    private static void fillFromTypedFields(ChatCompletionRequest chat, ObjectNode body) {
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : chat.messages()) {
            if (message.raw() != null) {
                messages.add(message.raw());
                continue;
            }
            ObjectNode node = messages.addObject();
            node.put("role", message.role().wireName());
            node.put("content", message.text());
            if (message.name() != null) {
                node.put("name", message.name());
            }
            if (message.toolCallId() != null) {
                node.put("tool_call_id", message.toolCallId());
            }
        }
        if (chat.temperature() != null) {
            body.put("temperature", chat.temperature());
        }
        if (chat.topP() != null) {
            body.put("top_p", chat.topP());
        }
        if (!chat.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            chat.stop().forEach(stop::add);
        }
        if (chat.seed() != null) {
            body.put("seed", chat.seed());
        }
        if (chat.user() != null) {
            body.put("user", chat.user());
        }
        if (chat.includeUsage()) {
            body.putObject("stream_options").put("include_usage", true);
        }
    }
}
