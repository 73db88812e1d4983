package dev.streamgate.adapters.spi;

import dev.streamgate.streaming.openai.ChatCompletionRequest;

/**
 * What the gateway asks of a backend: the caller's validated chat request and the gateway's request id (sent
 * upstream as {@code X-Request-Id} for correlation). {@code tenantId} is forwarded as the OpenAI {@code user}
 * field when the caller did not set one, so upstream abuse reports can be traced back.
 */
public record InferenceRequest(String requestId, String tenantId, ChatCompletionRequest chat) {
}
