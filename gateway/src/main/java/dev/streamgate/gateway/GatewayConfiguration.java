package dev.streamgate.gateway;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;

import dev.streamgate.adapters.EventLoopTimer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;

/**
 * Application-wide beans that belong to no single feature. Public so that a test application built from a
 * feature's configuration can import these as they are.
 */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    /** The one clock: every time-dependent component takes it, so tests can fix time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The one source of secrets and ids (API keys, request ids): a DRBG seeded here, at startup. The platform
     * default reads {@code /dev/urandom} on every call, which is file I/O on an event loop for each request;
     * once seeded, a DRBG only computes.
     */
    @Bean
    SecureRandom secureRandom() throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("DRBG");
        random.nextBytes(new byte[1]);  // seeds now (DRBG seeds lazily, which would be on the first request)
        return random;
    }

    /**
     * The timers of requests (upstream deadlines, heartbeats): on the event loop that serves the request, off
     * Reactor's shared parallel scheduler, whose lock and thread wake-ups every request paid twice.
     */
    @Bean
    EventLoopTimer requestTimer() {
        return new EventLoopTimer(Schedulers.parallel());
    }
}
