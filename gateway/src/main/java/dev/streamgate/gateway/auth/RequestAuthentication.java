package dev.streamgate.gateway.auth;

import dev.streamgate.adapters.spi.RequestLogContext;
import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.streaming.TraceParent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A request's caller, whichever HTTP edge received it (Spring's {@link AuthFilter} or a direct route on Reactor
 * Netty): resolves the {@code Authorization} header into a {@link Principal}, checks it against the route's
 * {@link RouteAccess.Level}, and turns a refusal into a {@link GatewayException} (401/403), counted in
 * {@value #FAILURES_METRIC} by reason. Credentials are never logged.
 */
public final class RequestAuthentication {
    public static final String FAILURES_METRIC = "streamgate.auth.failures";

    private static final Logger log = LoggerFactory.getLogger(RequestAuthentication.class);

    private final BearerAuthenticator authenticator;
    private final MeterRegistry meters;

    public RequestAuthentication(BearerAuthenticator authenticator, MeterRegistry meters) {
        this.authenticator = authenticator;
        this.meters = meters;
    }

    /**
     * @param level         the route's access level; not {@link RouteAccess.Level#PUBLIC}
     * @param authorization the request's {@code Authorization} header, or null
     * @param method        the request's method and {@code path}, for a log line
     */
    public Mono<Principal> authenticate(RouteAccess.Level level, String authorization, TraceParent trace,
                                        String method, String path) {
        return authenticator.authenticate(authorization)
                .map(principal -> authorize(level, principal))
                .onErrorMap(e -> refusal(e, trace, method, path));
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

    private Throwable refusal(Throwable error, TraceParent trace, String method, String path) {
        if (error instanceof AuthenticationFailure failure) {
            count(failure.reason().tag());
            if (log.isDebugEnabled()) {
                try (var ignored = RequestLogContext.open(trace)) {
                    log.debug("Refused {} {}: {}", method, path, failure.reason().tag());
                }
            }
            return failure.toGatewayException();
        }
        if (error instanceof GatewayException gateway) {
            count(gateway.code());
            return gateway;
        }
        count("error");
        try (var ignored = RequestLogContext.open(trace)) {
            log.warn("Cannot authenticate {} {}", method, path, error);
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
