package dev.streamgate.gateway.error;

import java.util.Map;

import dev.streamgate.adapters.spi.RequestLogContext;
import dev.streamgate.streaming.TraceParent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure as the HTTP answer a client gets: status, extra headers ({@code Retry-After}, {@code Allow} ...) and
 * OpenAI's error JSON. Both HTTP edges build their error answers here (Spring's {@link GatewayErrorHandler} and
 * the direct routes served on Reactor Netty), so the same failure reads the same whichever edge served it.
 * Server-side failures (5xx) are logged once, with the request's trace, here.
 */
public record ErrorResponse(int status, Map<String, String> headers, byte[] body) {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponse.class);

    /**
     * @param what the request, as it goes into the log line of a 5xx ("POST /v1/chat/completions")
     */
    public static ErrorResponse of(Throwable failure, ErrorBodies bodies, TraceParent trace, String what) {
        GatewayException error = ErrorClassifier.classify(failure);
        if (error.status() >= 500) {
            try (var ignored = RequestLogContext.open(trace)) {
                log.error("{} failed: {}", what, error.code(), error.getCause() != null ? error.getCause() : error);
            }
        }
        return new ErrorResponse(error.status(), error.headers(), bodies.toJson(error));
    }
}
