package dev.streamgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ResetDurationTest {
    private static String format(Duration duration) {
        return ResetDuration.format(duration.toNanos());
    }

    @Test
    void formatsLikeOpenAi() {
        assertThat(format(Duration.ZERO)).isEqualTo("0s");
        assertThat(format(Duration.ofMillis(59))).isEqualTo("59ms");
        assertThat(format(Duration.ofSeconds(1))).isEqualTo("1s");
        assertThat(format(Duration.ofMillis(8_640))).isEqualTo("8.64s");
        assertThat(format(Duration.ofMillis(1_500))).isEqualTo("1.5s");
        assertThat(format(Duration.ofMinutes(6))).isEqualTo("6m0s");
        assertThat(format(Duration.ofMillis(90_250))).isEqualTo("1m30.25s");
        assertThat(format(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(format(Duration.ofSeconds(3_725))).isEqualTo("1h2m5s");
    }

    @Test
    void roundsUpToTheMillisecondSoTheWaitIsEnough() {
        assertThat(format(Duration.ofNanos(1))).isEqualTo("1ms");
        assertThat(format(Duration.ofNanos(999_000_001))).isEqualTo("1s");
        assertThat(format(Duration.ofNanos(1_000_000_001))).isEqualTo("1.001s");
        assertThat(ResetDuration.format(-5)).isEqualTo("0s");
    }
}
