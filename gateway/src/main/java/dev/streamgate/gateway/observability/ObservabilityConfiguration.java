package dev.streamgate.gateway.observability;

import java.security.SecureRandom;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The request's trace, fixed once at the edge (see {@link TraceContextFilter}). */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

    @Bean
    TraceContextFilter traceContextFilter(SecureRandom random) {
        return new TraceContextFilter(random);
    }
}
