package dev.streamgate.gateway;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Application-wide beans that belong to no single feature. */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    /** The one clock: every time-dependent component takes it, so tests can fix time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
