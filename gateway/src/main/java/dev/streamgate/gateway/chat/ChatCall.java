package dev.streamgate.gateway.chat;

import java.util.Map;

import dev.streamgate.adapters.RoutedStream;
import dev.streamgate.gateway.ratelimit.AdmissionGrant;
import dev.streamgate.streaming.TraceParent;
import dev.streamgate.streaming.openai.ChatCompletionRequest;

/** An admitted chat request on its way to a backend: what the responders need to answer and meter it. */
record ChatCall(String id, long created, ChatCompletionRequest chat, AdmissionGrant grant, RequestMeter meter,
                RoutedStream routed, TraceParent trace) {

    /** Rate-limit headers and the request id, on every response. */
    Map<String, String> responseHeaders() {
        var headers = new java.util.LinkedHashMap<>(grant.headers());
        headers.put("x-request-id", id);
        return headers;
    }
}
