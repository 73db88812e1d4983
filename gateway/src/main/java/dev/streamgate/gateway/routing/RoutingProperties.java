package dev.streamgate.gateway.routing;

import dev.streamgate.config.CircuitBreakerSettings;
import dev.streamgate.config.RetrySettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code streamgate.routing.*}: retries before the first token and the per-deployment circuit breaker, shared by
 * every deployment. Unset blocks take the defaults of {@link RetrySettings#DEFAULT} and
 * {@link CircuitBreakerSettings#DEFAULT}.
 */
@ConfigurationProperties("streamgate.routing")
public record RoutingProperties(RetrySettings retry, CircuitBreakerSettings circuitBreaker) {
    public RoutingProperties {
        retry = retry == null ? RetrySettings.DEFAULT : retry;
        circuitBreaker = circuitBreaker == null ? CircuitBreakerSettings.DEFAULT : circuitBreaker;
    }
}
