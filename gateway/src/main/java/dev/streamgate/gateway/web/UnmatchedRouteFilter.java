package dev.streamgate.gateway.web;

import java.util.Set;

import dev.streamgate.gateway.error.GatewayException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Turns "no handler matched" into what a client of an API expects: a path that a route serves with other methods
 * is a 405 listing them in {@code Allow} (RFC 9110 §15.5.6); any other is a 404 worded as OpenAI words it, never
 * Spring's "No static resource" (its last-resort resource handler answers every unmatched request).
 */
final class UnmatchedRouteFilter implements WebFilter, Ordered {
    /** After the request id, so that these answers carry one too. */
    static final int ORDER = RequestIdFilter.ORDER + 10;

    private final ObjectProvider<RouterFunction<?>> routerFunctions;
    private final ObjectProvider<DirectRoute> directRoutes;
    /** Built on first use: the routes are beans that may be created after this filter. */
    private volatile RouteTable routes;

    UnmatchedRouteFilter(ObjectProvider<RouterFunction<?>> routerFunctions, ObjectProvider<DirectRoute> directRoutes) {
        this.routerFunctions = routerFunctions;
        this.directRoutes = directRoutes;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return chain.filter(exchange).onErrorMap(UnmatchedRouteFilter::unmatched, e -> answer(exchange.getRequest()));
    }

    private static boolean unmatched(Throwable ex) {
        return ex instanceof ResponseStatusException r && !(ex instanceof MethodNotAllowedException)
                && r.getStatusCode().value() == 404;
    }

    private GatewayException answer(ServerHttpRequest request) {
        String path = request.getPath().pathWithinApplication().value();
        RouteTable table = routes;
        if (table == null) {
            table = RouteTable.of(routerFunctions.orderedStream().toList(), directRoutes.orderedStream().toList());
            routes = table;
        }
        Set<String> allowed = table.methodsAt(request.getPath().pathWithinApplication());
        if (!allowed.isEmpty() && !allowed.contains(request.getMethod().name())) {
            return GatewayException.methodNotAllowed(String.join(", ", allowed), "Method " + request.getMethod()
                    + " is not allowed on " + path + "; use " + String.join(" or ", allowed) + ".");
        }
        return GatewayException.notFound(null, "not_found", "Invalid URL (" + request.getMethod() + " " + path
                + ").");
    }
}
