package dev.streamgate.gateway.error;

import java.util.concurrent.TimeoutException;

import dev.streamgate.adapters.spi.UpstreamError;
import dev.streamgate.adapters.spi.UpstreamException;
import dev.streamgate.streaming.openai.InvalidRequestException;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns any failure into a {@link GatewayException}. Used by the HTTP error handler and by the stream writers
 * (an error after the response has started becomes an error event), so both report the same status, type and
 * code for the same failure.
 */
public final class ErrorClassifier {
    /** The code of a 413, for a request body over the configured size. */
    public static final String BODY_TOO_LARGE = "request_body_too_large";

    private ErrorClassifier() {
    }

    public static GatewayException classify(Throwable error) {
        Throwable e = unwrap(error);
        return switch (e) {
            case GatewayException g -> g;
            case InvalidRequestException i -> GatewayException.invalidRequest(i.param(), i.code(), i.getMessage());
            case UpstreamException u -> upstream(u);
            case TimeoutException t -> GatewayException.upstream(504, "upstream_timeout",
                    "The model did not answer in time.", t);
            case DataBufferLimitException d -> bodyTooLarge();
            case ServerWebInputException s when s.getCause() instanceof DataBufferLimitException -> bodyTooLarge();
            case ServerWebInputException s when s.getCause() instanceof DecodingException ->
                    GatewayException.invalidRequest(null, "invalid_json",
                            "We could not parse the JSON body of your request.");
            case ResponseStatusException r -> fromStatus(r);
            default -> GatewayException.internal("The server had an error while processing your request.", e);
        };
    }

    private static GatewayException upstream(UpstreamException u) {
        return switch (u.kind()) {
            case TIMEOUT -> GatewayException.upstream(504, "upstream_timeout",
                    "The model did not answer in time.", u);
            case CIRCUIT_OPEN, POOL_EXHAUSTED -> GatewayException.upstream(503, "upstream_unavailable",
                    "The model is temporarily overloaded or unavailable. Please retry.", u);
            case HTTP_STATUS -> u.status() == 429
                    ? GatewayException.upstream(503, "upstream_rate_limited",
                            "The model's provider is rate limiting requests. Please retry.", u)
                    : u.rejectedRequest()
                            ? rejected(u)
                            : GatewayException.upstream(502, "upstream_error",
                                    "The model's provider returned an error. Please retry.", u);
            case CONNECT, PROTOCOL -> GatewayException.upstream(502, "upstream_error",
                    "The model's provider could not be reached or answered incorrectly.", u);
        };
    }

    /**
     * The upstream refused the request itself (a 400, 422, ...): the caller gets the same status and the upstream's
     * own error object, as OpenAI would have answered it, and not a 502 that SDKs retry in vain.
     */
    private static GatewayException rejected(UpstreamException u) {
        UpstreamError error = u.error();
        if (error == null) {
            return GatewayException.rejected(u.status(), null, "upstream_rejected", null,
                    "The model's provider rejected the request: " + u.getMessage(), u);
        }
        return GatewayException.rejected(u.status(), error.type(), error.code(), error.param(), error.message(), u);
    }

    private static GatewayException fromStatus(ResponseStatusException r) {
        int status = r.getStatusCode().value();
        String reason = r.getReason() != null ? r.getReason() : r.getStatusCode().toString();
        return switch (status) {
            case 404 -> GatewayException.notFound(null, "not_found", "Unknown path: " + reason);
            case 405 -> r instanceof MethodNotAllowedException m && !m.getSupportedMethods().isEmpty()
                    ? GatewayException.methodNotAllowed(String.join(", ", m.getSupportedMethods().stream()
                            .map(HttpMethod::name).sorted().toList()), reason)
                    : GatewayException.invalidRequest(null, "method_not_allowed", reason);
            case 413 -> bodyTooLarge();
            case 415 -> GatewayException.invalidRequest(null, "unsupported_media_type",
                    "Send the request body as application/json.");
            default -> status >= 500
                    ? GatewayException.internal("The server had an error while processing your request.", r)
                    : GatewayException.invalidRequest(null, "invalid_request", reason);
        };
    }

    /**
     * A body past {@code streamgate.http.max-request-body-size}: the codecs stop buffering it there. 413 with its
     * own code, as {@code request_too_large} already names a 400 for a request over its tokens-per-minute limit.
     */
    private static GatewayException bodyTooLarge() {
        return GatewayException.contentTooLarge(BODY_TOO_LARGE,
                "The request body is larger than this server accepts; send a smaller request.");
    }

    private static Throwable unwrap(Throwable e) {
        Throwable current = e;
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException
                || current.getClass().getName().equals("reactor.core.Exceptions$ReactiveException"))
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
