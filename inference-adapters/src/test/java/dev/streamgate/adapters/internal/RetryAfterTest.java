package dev.streamgate.adapters.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private final Clock clock = Clock.fixed(Instant.parse("2030-05-06T07:08:09Z"), ZoneOffset.UTC);

    @Test
    void readsSecondsDatesAndMilliseconds() {
        assertThat(RetryAfter.parse("3", null, clock)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse(" 1.5 ", null, clock)).isEqualTo(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse("Mon, 06 May 2030 07:08:39 GMT", null, clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("3", "250", clock)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void pastDatesMeanNowAndNonsenseMeansNothing() {
        assertThat(RetryAfter.parse("Mon, 06 May 2030 07:00:00 GMT", null, clock)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", null, clock)).isNull();
        assertThat(RetryAfter.parse("-4", null, clock)).isNull();
        assertThat(RetryAfter.parse(null, "x", clock)).isNull();
        assertThat(RetryAfter.parse("", null, clock)).isNull();
    }
}
