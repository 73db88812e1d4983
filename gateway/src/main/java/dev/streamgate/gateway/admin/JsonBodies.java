package dev.streamgate.gateway.admin;

import dev.streamgate.gateway.error.GatewayException;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads admin request bodies strictly: an unknown field is an error (a misspelt {@code "plan_id"} must not be ignored
 * silently), and every error names the JSON path of the field at fault.
 */
final class JsonBodies {
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonBodies() {
    }

    static <T> Mono<T> read(ServerRequest request, Class<T> type) {
        return request.bodyToMono(byte[].class)
                .filter(bytes -> bytes.length > 0)
                .switchIfEmpty(Mono.error(() -> GatewayException.invalidRequest(null, "missing_body",
                        "This request needs a JSON body")))
                .map(bytes -> parse(bytes, type));
    }

    static <T> T parse(byte[] body, Class<T> type) {
        try {
            T value = STRICT.readValue(body, type);
            if (value == null) {
                throw GatewayException.invalidRequest(null, "missing_body", "This request needs a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw GatewayException.invalidRequest(path(e), "unknown_parameter",
                    "Unrecognized request argument supplied: " + path(e));
        } catch (JacksonException e) {
            String path = path(e);
            throw GatewayException.invalidRequest(path, "invalid_json",
                    (path == null ? "" : "Invalid value for " + path + ": ") + e.getOriginalMessage());
        }
    }

    /** {@code tenant_limits.requests_per_minute}, {@code allowed_models[2]}; null for the body as a whole. */
    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? null : path.toString();
    }
}
