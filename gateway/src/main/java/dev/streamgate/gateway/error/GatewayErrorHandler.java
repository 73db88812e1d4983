package dev.streamgate.gateway.error;

import dev.streamgate.gateway.observability.TraceContextFilter;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * The one place where failures become HTTP responses: OpenAI-style error JSON with the matching status and
 * headers. Ordered ahead of Spring Boot's default handler so no Whitelabel or problem-detail body ever reaches
 * a client.
 */
@Component
@Order(-10)
public class GatewayErrorHandler implements WebExceptionHandler {
    private final ErrorBodies bodies;

    public GatewayErrorHandler(ErrorBodies bodies) {
        this.bodies = bodies;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            // The status line is gone; the stream writers report errors in-band. Nothing more can be said here.
            return Mono.error(ex);
        }
        var request = exchange.getRequest();
        ErrorResponse error = ErrorResponse.of(ex, bodies, TraceContextFilter.of(exchange),
                request.getMethod() + " " + request.getPath());
        response.setStatusCode(HttpStatus.valueOf(error.status()));
        var headers = response.getHeaders();
        headers.remove("Content-Length");
        headers.setContentType(MediaType.APPLICATION_JSON);
        error.headers().forEach(headers::set);
        byte[] body = error.body();
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }
}
