package dev.streamgate.gateway.auth;

import java.nio.charset.StandardCharsets;

import dev.streamgate.gateway.error.GatewayException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Stands in for the gateway's error handler in auth tests: writes a {@link GatewayException}'s status, headers
 * and {@code {"error":{"code","type","param"}}}; anything else is left to the next handler.
 */
public final class TestErrorHandler implements WebExceptionHandler {
    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        var response = exchange.getResponse();
        if (!(error instanceof GatewayException e)) {
            return Mono.error(error);
        }
        response.setStatusCode(HttpStatus.valueOf(e.status()));
        e.headers().forEach(response.getHeaders()::set);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        String body = "{\"error\":{\"code\":\"" + e.code() + "\",\"type\":\"" + e.type() + "\",\"param\":"
                + (e.param() == null ? "null" : "\"" + e.param() + "\"") + "}}";
        DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(buffer));
    }
}
