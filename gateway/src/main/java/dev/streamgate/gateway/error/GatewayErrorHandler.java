package dev.streamgate.gateway.error;

import java.util.Set;

import dev.streamgate.adapters.spi.RequestLogContext;
import dev.streamgate.gateway.observability.TraceContextFilter;
import dev.streamgate.gateway.web.RouteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
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
    private final ObjectProvider<RouterFunction<?>> routerFunctions;
    /** Built on first use: the routes are beans that may be created after this handler. */
    private volatile RouteTable routes;

    public GatewayErrorHandler(ErrorBodies bodies, ObjectProvider<RouterFunction<?>> routerFunctions) {
        this.bodies = bodies;
        this.routerFunctions = routerFunctions;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            // The status line is gone; the stream writers report errors in-band. Nothing more can be said here.
            return Mono.error(ex);
        }
        GatewayException error = noRoute(ex) ? noRoute(exchange.getRequest()) : ErrorClassifier.classify(ex);
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

    /** No handler matched: Spring's last resort, the static resource handler, answered 404. */
    private static boolean noRoute(Throwable ex) {
        return ex instanceof ResponseStatusException r && !(ex instanceof MethodNotAllowedException)
                && r.getStatusCode().value() == 404;
    }

    /**
     * A path that a route serves with other methods is a 405 listing them in {@code Allow} (RFC 9110 §15.5.6);
     * any other is a 404 worded as OpenAI words it, never as a missing static resource.
     */
    private GatewayException noRoute(ServerHttpRequest request) {
        RouteTable table = routes;
        if (table == null) {
            table = RouteTable.of(routerFunctions.orderedStream().toList());
            routes = table;
        }
        String path = request.getPath().pathWithinApplication().value();
        Set<String> allowed = table.methodsAt(request.getPath().pathWithinApplication());
        if (!allowed.isEmpty() && !allowed.contains(request.getMethod().name())) {
            return GatewayException.methodNotAllowed(String.join(", ", allowed), "Method " + request.getMethod()
                    + " is not allowed on " + path + "; use " + String.join(" or ", allowed) + ".");
        }
        return GatewayException.notFound(null, "not_found", "Invalid URL (" + request.getMethod() + " " + path
                + ").");
    }
}
