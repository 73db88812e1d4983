package dev.streamgate.gateway.chat;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.streamgate.adapters.RoutedStream;
import dev.streamgate.gateway.ratelimit.AdmissionGrant;
import dev.streamgate.streaming.TraceParent;
import dev.streamgate.streaming.openai.ChatCompletionRequest;

/** An admitted chat request on its way to a backend: what the responders need to answer and meter it. */
record ChatCall(String id, long created, ChatCompletionRequest chat, AdmissionGrant grant, RequestMeter meter,
                RoutedStream routed, TraceParent trace) {

    /** The rate-limit headers of an answer, in a map of its own (the edge adds the request id and the trace). */
    Map<String, String> responseHeaders() {
        return new LinkedHashMap<>(grant.headers());
    }
}
