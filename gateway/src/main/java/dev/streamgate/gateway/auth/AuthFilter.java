package dev.streamgate.gateway.auth;

import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.adapters.spi.RequestLogContext;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.observability.TraceContextFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates every request that is not public (see {@link RouteAccess}) before anything else runs: resolves
 * the {@link Principal} from the bearer credential, checks the route's level (tenant for {@code /v1/**}, role
 * {@code admin} for {@code /admin/**}), and exposes the principal under {@link Principal#ATTRIBUTE} in the
 * exchange attributes, the one place handlers read it (a second copy in the Reactor context would be carried by
 * every operator of the request for nothing). Refusals become
 * {@link GatewayException}s (401/403) for the error handler and are counted in {@value #FAILURES_METRIC},
 * tagged by reason. Credentials are never logged.
 *
 * <p>CORS preflights are not let through: functional routes match a preflight by its
 * {@code Access-Control-Request-Method}, so a pass-through could run a handler unauthenticated. Browser clients
 * need a {@code CorsWebFilter} ordered before {@link #ORDER}; it answers preflights itself.
 */
public final class AuthFilter implements WebFilter, Ordered {
    /** Early, so that rate limits and everything after them can rely on a principal. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;
    public static final String FAILURES_METRIC = "streamgate.auth.failures";

    private static final Logger log = LoggerFactory.getLogger(AuthFilter.class);

    private final BearerAuthenticator authenticator;
    private final RouteAccess routes;
    private final MeterRegistry meters;

    public AuthFilter(BearerAuthenticator authenticator, RouteAccess routes, MeterRegistry meters) {
        this.authenticator = authenticator;
        this.routes = routes;
        this.meters = meters;
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
        return authenticator.authenticate(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
                .map(principal -> authorize(level, principal))
                .onErrorMap(e -> refusal(e, exchange))
                .flatMap(principal -> {
                    exchange.getAttributes().put(Principal.ATTRIBUTE, principal);
                    return chain.filter(exchange);
                });
    }

    private static Principal authorize(RouteAccess.Level level, Principal principal) {
        if (level == RouteAccess.Level.ADMIN && !principal.isAdmin()) {
            throw new AuthenticationFailure(Reason.ADMIN_REQUIRED, "This endpoint requires the admin role.");
        }
        if (level == RouteAccess.Level.TENANT && principal.tenantId() == null) {
            throw new AuthenticationFailure(Reason.TENANT_REQUIRED,
                    "This credential is not bound to a tenant; use a tenant's API key or token.");
        }
        return principal;
    }

    private Throwable refusal(Throwable error, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        if (error instanceof AuthenticationFailure failure) {
            count(failure.reason().tag());
            if (log.isDebugEnabled()) {
                try (var ignored = RequestLogContext.open(TraceContextFilter.of(exchange))) {
                    log.debug("Refused {} {}: {}", request.getMethod(), request.getPath().value(),
                            failure.reason().tag());
                }
            }
            return failure.toGatewayException();
        }
        if (error instanceof GatewayException gateway) {
            count(gateway.code());
            return gateway;
        }
        count("error");
        try (var ignored = RequestLogContext.open(TraceContextFilter.of(exchange))) {
            log.warn("Cannot authenticate {} {}", request.getMethod(), request.getPath().value(), error);
        }
        return GatewayException.unavailable("auth_unavailable", "Credentials cannot be checked right now.");
    }

    private void count(String reason) {
        Counter.builder(FAILURES_METRIC)
                .description("Requests refused by authentication or authorization")
                .tag("reason", reason)
                .register(meters)
                .increment();
    }
}
