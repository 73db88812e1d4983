package dev.streamgate.adapters.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;

import dev.streamgate.config.RetrySettings;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final RetrySettings NO_JITTER = new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(1), 0);

    @Test
    void doublesUpToTheCap() {
        Backoff backoff = new Backoff(NO_JITTER, new Random(1));

        assertThat(backoff.delay(1, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(2, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(4, null)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delay(5, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(200, null)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterShortensByAtMostItsShare() {
        Backoff backoff = new Backoff(new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5),
                new Random(7));
        long distinct = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> backoff.delay(2, null))
                .peek(delay -> assertThat(delay).isBetween(Duration.ofMillis(100), Duration.ofMillis(200)))
                .distinct().count();

        assertThat(distinct).isGreaterThan(100);
    }

    @Test
    void retryAfterWinsWhenLongerButStaysWithinTheCap() {
        Backoff backoff = new Backoff(NO_JITTER, new Random(1));

        assertThat(backoff.delay(1, Duration.ofMillis(400))).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.delay(2, Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(1, Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(1));
    }
}
