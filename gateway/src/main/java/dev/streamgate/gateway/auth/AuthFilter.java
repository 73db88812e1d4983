package dev.streamgate.gateway.auth;

import dev.streamgate.gateway.observability.TraceContextFilter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates every request that Spring serves and that is not public (see {@link RouteAccess}) before anything
 * else runs: the route's level (tenant for {@code /v1/**}, role {@code admin} for {@code /admin/**}) is checked by
 * {@link RequestAuthentication}, and the principal is exposed under {@link Principal#ATTRIBUTE} in the exchange
 * attributes, the one place handlers read it (a second copy in the Reactor context would be carried by every
 * operator of the request for nothing). Refusals become {@code GatewayException}s (401/403) for the error handler.
 *
 * <p>CORS preflights are not let through: functional routes match a preflight by its
 * {@code Access-Control-Request-Method}, so a pass-through could run a handler unauthenticated. Browser clients
 * need a {@code CorsWebFilter} ordered before {@link #ORDER}; it answers preflights itself.
 */
public final class AuthFilter implements WebFilter, Ordered {
    /** Early, so that rate limits and everything after them can rely on a principal. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;
    public static final String FAILURES_METRIC = RequestAuthentication.FAILURES_METRIC;

    private final RequestAuthentication authentication;
    private final RouteAccess routes;

    public AuthFilter(BearerAuthenticator authenticator, RouteAccess routes, MeterRegistry meters) {
        this(new RequestAuthentication(authenticator, meters), routes);
    }

    public AuthFilter(RequestAuthentication authentication, RouteAccess routes) {
        this.authentication = authentication;
        this.routes = routes;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        RouteAccess.Level level = routes.levelOf(request.getPath().pathWithinApplication());
        if (level == RouteAccess.Level.PUBLIC) {
            return chain.filter(exchange);
        }
        return authentication.authenticate(level, request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION),
                        TraceContextFilter.of(exchange), request.getMethod().name(), request.getPath().value())
                .flatMap(principal -> {
                    exchange.getAttributes().put(Principal.ATTRIBUTE, principal);
                    return chain.filter(exchange);
                });
    }
}
