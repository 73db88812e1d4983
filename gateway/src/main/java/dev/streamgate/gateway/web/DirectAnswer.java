package dev.streamgate.gateway.web;

import java.util.Map;

import reactor.core.publisher.Flux;

/** What a {@link DirectRoute} answers with status 200: one body, or a stream of them. */
public sealed interface DirectAnswer {

    String contentType();

    /** Headers beyond the content type, the request id and the trace. */
    Map<String, String> headers();

    /** A body sent in one write, with its length. */
    record Whole(String contentType, Map<String, String> headers, byte[] body) implements DirectAnswer {
    }

    /**
     * A body sent as it is produced, each element written as it comes and flushed when no other is ready. The
     * status goes out with the first element: a stream that fails before its first element is answered as an error,
     * one that fails later ends the connection (the route reports such failures in-band itself).
     */
    record Streamed(String contentType, Map<String, String> headers, Flux<byte[]> body) implements DirectAnswer {
    }
}
