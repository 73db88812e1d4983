package dev.streamgate.adapters.spi;

import dev.streamgate.streaming.TraceParent;
import dev.streamgate.streaming.openai.ChatCompletionRequest;

/**
 * What the gateway asks of a backend: the caller's validated chat request, the gateway's request id (sent
 * upstream as {@code X-Request-Id} for correlation) and the request's trace (sent upstream as W3C
 * {@code traceparent}, and put on every log line about the request). {@code tenantId} is forwarded as the OpenAI
 * {@code user} field when the caller did not set one, so upstream abuse reports can be traced back.
 *
 * @param trace null when the request is not traced
 */
public record InferenceRequest(String requestId, String tenantId, ChatCompletionRequest chat, TraceParent trace) {

    /** A request outside any trace. */
    public InferenceRequest(String requestId, String tenantId, ChatCompletionRequest chat) {
        this(requestId, tenantId, chat, null);
    }
}
