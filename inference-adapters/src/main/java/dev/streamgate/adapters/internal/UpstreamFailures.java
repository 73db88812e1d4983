package dev.streamgate.adapters.internal;

import java.io.IOException;
import java.util.Locale;

import dev.streamgate.adapters.spi.UpstreamError;
import dev.streamgate.adapters.spi.UpstreamException;
import dev.streamgate.adapters.spi.UpstreamException.Kind;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.InvalidRequestException;
import dev.streamgate.streaming.openai.MalformedResponseException;
import dev.streamgate.streaming.sse.SseEventTooLargeException;
import tools.jackson.core.JacksonException;

/**
 * Translates what the network stack and the decoders throw into the SPI's {@link UpstreamException} kinds, and
 * failures after the first event into the {@link StreamEvent.StreamError} that ends a started stream.
 */
public final class UpstreamFailures {
    private UpstreamFailures() {
    }

    public static UpstreamException classify(Throwable error, String deploymentId) {
        if (error instanceof UpstreamException upstream) {
            return upstream;
        }
        if (error instanceof InvalidRequestException invalid) {
            // an in-process backend (the worker) refused the request as it stands: what an HTTP upstream says
            // with a 400, so it is handled the same way (passed to the caller, not retried, no breaker fault)
            return new UpstreamException(Kind.HTTP_STATUS, deploymentId, 400, null,
                    "upstream " + deploymentId + " rejected the request: " + invalid.getMessage(),
                    new UpstreamError("invalid_request_error", invalid.code(), invalid.param(), invalid.getMessage()),
                    invalid);
        }
        if (error instanceof MalformedResponseException || error instanceof SseEventTooLargeException
                || error instanceof JacksonException) {
            return new UpstreamException(Kind.PROTOCOL, deploymentId, 0, null,
                    "upstream " + deploymentId + " broke the protocol: " + error.getMessage(), error);
        }
        if (isPoolExhaustion(error)) {
            return new UpstreamException(Kind.POOL_EXHAUSTED, deploymentId, 0, null,
                    "no connection to upstream " + deploymentId + " became free in time: " + error.getMessage(),
                    error);
        }
        if (error instanceof IOException || error.getCause() instanceof IOException) {
            // connect refused or timed out, DNS failure, TLS failure, connection reset or closed early
            return new UpstreamException(Kind.CONNECT, deploymentId, 0, null,
                    "connection to upstream " + deploymentId + " failed: " + describe(error), error);
        }
        return new UpstreamException(Kind.PROTOCOL, deploymentId, 0, null,
                "upstream " + deploymentId + " failed: " + describe(error), error);
    }

    /**
     * An error the upstream put into its stream after answering 200, as decoded by the streaming module, as the
     * failure it stands for: an error status, which is the error's code where that is one in 400..599, else 502.
     */
    public static UpstreamException reported(StreamEvent.StreamError error, String deploymentId) {
        return new UpstreamException(Kind.HTTP_STATUS, deploymentId, error.status(), null,
                "upstream " + deploymentId + " reported an error: " + UpstreamErrorBody.shorten(error.message()),
                new UpstreamError(error.type(), error.code(), null, UpstreamErrorBody.shorten(error.message())),
                null);
    }

    /** How a failure after the first event is reported to the client: the stream has started, so as an event. */
    public static StreamEvent.StreamError toStreamError(UpstreamException error) {
        return toStreamError(error, null);
    }

    /** As {@link #toStreamError(UpstreamException)}, with the upstream's own error code where it gave one. */
    public static StreamEvent.StreamError toStreamError(UpstreamException error, String upstreamCode) {
        String code = upstreamCode != null ? upstreamCode : error.kind().name().toLowerCase(Locale.ROOT);
        return new StreamEvent.StreamError(502, "upstream_error", code, error.getMessage());
    }

    /** The pool's exceptions are shaded into Reactor Netty, so they are recognised by name, not by type. */
    private static boolean isPoolExhaustion(Throwable error) {
        String name = error.getClass().getSimpleName();
        return name.equals("PoolAcquireTimeoutException") || name.equals("PoolAcquirePendingLimitException");
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }
}
