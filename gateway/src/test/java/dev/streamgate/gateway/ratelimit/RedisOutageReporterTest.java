package dev.streamgate.gateway.ratelimit;

import dev.streamgate.adapters.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.RedisFailurePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RedisOutageReporterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RedisOutageReporter reporter = new RedisOutageReporter(clock, Duration.ofMinutes(1),
            RedisFailurePolicy.LOCAL, new RateLimitMetrics(registry));
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final RateLimitStoreException failure = new RateLimitStoreException("Redis tryConsume on k failed", null);

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(RedisOutageReporter.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(RedisOutageReporter.class)).detachAppender(log);
    }

    @Test
    void anOutageIsWarnedAboutOncePerIntervalAndItsEndOnce() {
        for (int i = 0; i < 100; i++) {
            reporter.fallback(RedisFailurePolicy.LOCAL, failure);
        }
        assertThat(levels()).containsExactly(Level.WARN);
        assertThat(log.list.getFirst().getFormattedMessage()).contains("1 admission(s)", "'local' failure policy",
                "Redis tryConsume on k failed");
        assertThat(registry.get(RateLimitMetrics.FALLBACKS).tag("policy", "local").counter().count()).isEqualTo(100);
        assertThat(registry.get(RateLimitMetrics.DEGRADED).gauge().value()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        reporter.fallback(RedisFailurePolicy.LOCAL, failure);
        assertThat(log.list.getLast().getFormattedMessage()).contains("100 admission(s)");

        reporter.redisAnswered();
        reporter.redisAnswered();
        assertThat(levels()).containsExactly(Level.WARN, Level.WARN, Level.INFO);
        assertThat(registry.get(RateLimitMetrics.DEGRADED).gauge().value()).isZero();
    }

    @Test
    void aFlappingRedisIsNotReportedAtEveryFlap() {
        reporter.fallback(RedisFailurePolicy.LOCAL, failure);
        reporter.redisAnswered();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            reporter.fallback(RedisFailurePolicy.LOCAL, failure);
            assertThat(reporter.degraded()).isTrue();
            reporter.redisAnswered();
        }

        assertThat(levels()).containsExactly(Level.WARN, Level.INFO);
        assertThat(reporter.degraded()).isFalse();
    }

    private List<Level> levels() {
        return log.list.stream().map(ILoggingEvent::getLevel).toList();
    }
}
