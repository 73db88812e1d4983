package dev.streamgate.worker.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.streamgate.streaming.openai.InvalidRequestException;
import dev.streamgate.streaming.openai.OpenAiErrorJson;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The one place where the worker's HTTP server maps a failure to a status and OpenAI's error object. A client's
 * mistake keeps its message (it says what to fix); anything unexpected is logged with the request's id and trace
 * id and answered with a fixed message, because an exception's text can name files, hosts or native state.
 */
final class ErrorResponses {
    static final String INTERNAL_MESSAGE = "The worker failed to process this request; it has been logged with the "
            + "request id in the X-Request-Id response header.";
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    static JsonBody of(Throwable error, RequestContext context) {
        return switch (error) {
            case InvalidRequestException invalid -> new JsonBody(HttpResponseStatus.BAD_REQUEST,
                    OpenAiErrorJson.toBytes(invalid.getMessage(), "invalid_request_error", invalid.param(),
                            invalid.code()));
            case ModelNotLoadedException notLoaded -> new JsonBody(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    OpenAiErrorJson.toBytes(notLoaded.getMessage(), "server_error", null, "model_not_ready"));
            default -> {
                log.error("request {} (trace {}) failed", context.requestId(), context.traceId(), error);
                yield new JsonBody(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        OpenAiErrorJson.toBytes(INTERNAL_MESSAGE, "server_error", null, "internal_error"));
            }
        };
    }

    /** The model is still loading, or the worker is shutting down. */
    static final class ModelNotLoadedException extends RuntimeException {
        ModelNotLoadedException() {
            super("the model is not loaded yet", null, false, false);
        }
    }
}
