package dev.streamgate.gateway.error;

import dev.streamgate.adapters.spi.RequestLogContext;
import dev.streamgate.gateway.observability.TraceContextFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger log = LoggerFactory.getLogger(GatewayErrorHandler.class);

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
        GatewayException error = ErrorClassifier.classify(ex);
        if (error.status() >= 500) {
            try (var ignored = RequestLogContext.open(TraceContextFilter.of(exchange))) {
                log.error("{} {} failed: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                        error.code(), error.getCause() != null ? error.getCause() : error);
            }
        }
        response.setStatusCode(HttpStatus.valueOf(error.status()));
        var headers = response.getHeaders();
        headers.remove("Content-Length");
        headers.setContentType(MediaType.APPLICATION_JSON);
        error.headers().forEach(headers::set);
        byte[] body = bodies.toJson(error);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }
}
