package dev.streamgate.worker;

/**
 * A validated request, tokenized and ready to queue.
 *
 * @param maxTokens the output limit: the caller's {@code max_tokens}, or the rest of the context
 */
public record PreparedRequest(int[] promptTokens, GenerationSettings settings, int maxTokens) {
    public PreparedRequest {
        promptTokens = promptTokens.clone();
    }
}
