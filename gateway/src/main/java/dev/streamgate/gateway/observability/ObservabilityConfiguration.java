package dev.streamgate.gateway.observability;

import java.security.SecureRandom;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;

/**
 * The request's trace, fixed once at the edge (see {@link TraceContextFilter}), and the server observation's
 * convention.
 */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

    @Bean
    TraceContextFilter traceContextFilter(SecureRandom random) {
        return new TraceContextFilter(random);
    }

    /** {@code http.server.requests} with Spring's tags, built once per combination (see the class). */
    @Bean
    ServerRequestObservationConvention serverRequestObservationConvention() {
        return new CachedServerRequestConvention();
    }
}
