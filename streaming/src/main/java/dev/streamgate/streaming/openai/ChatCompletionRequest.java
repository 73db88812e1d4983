package dev.streamgate.streaming.openai;

import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * A validated {@code POST /v1/chat/completions} body. Typed fields are what the gateway itself acts on;
 * {@code raw} is the body as received, so fields the gateway does not interpret ({@code tools},
 * {@code tool_choice}, {@code response_format}, {@code logprobs}, ...) reach upstreams unchanged.
 *
 * @param maxTokens {@code max_completion_tokens}, else {@code max_tokens}; null when the caller set neither
 */
public record ChatCompletionRequest(String model, List<ChatMessage> messages, Integer maxTokens,
                                    Double temperature, Double topP, List<String> stop, Long seed, String user,
                                    boolean stream, boolean includeUsage, ObjectNode raw) {
    public ChatCompletionRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
    }
}
