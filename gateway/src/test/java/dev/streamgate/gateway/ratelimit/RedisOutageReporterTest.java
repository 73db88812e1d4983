package dev.streamgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.streamgate.adapters.MutableClock;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.RedisFailurePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** When Redis counts as down ({@link RedisHealth}) and how that is told ({@link RedisOutageReporter}). */
class RedisOutageReporterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RedisOutageReporter reporter = new RedisOutageReporter(clock, Duration.ofMinutes(1),
            RedisFailurePolicy.LOCAL, new RateLimitMetrics(registry));
    private final RedisHealth health = new RedisHealth(clock, 3, Duration.ofSeconds(1), reporter);
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
    void aRunOfFailuresDeclaresRedisDownAndSlowAnswersBetweenAnswersDoNot() {
        health.failed(failure);
        health.failed(failure);
        health.answered();
        health.failed(failure);
        health.failed(failure);
        assertThat(health.up()).as("two in a row, not three").isTrue();
        assertThat(log.list).isEmpty();

        health.failed(failure);

        assertThat(health.up()).isFalse();
        assertThat(levels()).containsExactly(Level.WARN);
        assertThat(log.list.getFirst().getFormattedMessage()).contains("declared down after 3 consecutive",
                "'local' failure policy", "Redis tryConsume on k failed");
        assertThat(registry.get(RateLimitMetrics.DEGRADED).gauge().value()).isEqualTo(1);
        assertThat(transitions("degraded")).isEqualTo(1);
    }

    @Test
    void everyTransitionIsLoggedOnceEvenWithinTheLogInterval() {
        // A blip at start-up, then, seconds later, a real outage: both must be told, and both ends.
        declareDown();
        health.answered();
        clock.advance(Duration.ofSeconds(5));
        declareDown();
        health.failed(failure);
        clock.advance(Duration.ofSeconds(20));
        health.answered();
        health.answered();

        assertThat(levels()).containsExactly(Level.WARN, Level.INFO, Level.WARN, Level.INFO);
        assertThat(log.list.getLast().getFormattedMessage()).contains("again after 20000 ms down");
        assertThat(transitions("degraded")).isEqualTo(2);
        assertThat(transitions("recovered")).isEqualTo(2);
        assertThat(registry.get(RateLimitMetrics.DEGRADED).gauge().value()).isZero();
    }

    @Test
    void fallbacksAreCountedOneByOneButLoggedOncePerInterval() {
        for (int i = 0; i < 100; i++) {
            reporter.fallback(RedisFailurePolicy.LOCAL, failure);
        }
        assertThat(levels()).containsExactly(Level.WARN);
        assertThat(log.list.getFirst().getFormattedMessage()).contains("1 admission(s)", "'local' failure policy",
                "Redis tryConsume on k failed");
        assertThat(registry.get(RateLimitMetrics.FALLBACKS).tag("policy", "local").counter().count()).isEqualTo(100);

        clock.advance(Duration.ofMinutes(1));
        reporter.fallback(RedisFailurePolicy.LOCAL, failure);
        assertThat(log.list.getLast().getFormattedMessage()).contains("100 admission(s)");
    }

    @Test
    void whileDownOneAdmissionPerRetryIntervalProbesRedis() {
        declareDown();
        assertThat(health.shouldTry()).isFalse();

        clock.advance(Duration.ofSeconds(1));
        assertThat(health.shouldTry()).as("the probe").isTrue();
        assertThat(health.shouldTry()).isFalse();
        health.failed(failure);
        assertThat(health.up()).isFalse();

        clock.advance(Duration.ofSeconds(1));
        assertThat(health.shouldTry()).isTrue();
        health.answered();
        assertThat(health.shouldTry()).isTrue();
        assertThat(health.up()).isTrue();
    }

    private void declareDown() {
        for (int i = 0; i < 3; i++) {
            health.failed(failure);
        }
    }

    private double transitions(String to) {
        var counter = registry.find(RateLimitMetrics.TRANSITIONS).tag("to", to).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<Level> levels() {
        return log.list.stream().map(ILoggingEvent::getLevel).toList();
    }
}
