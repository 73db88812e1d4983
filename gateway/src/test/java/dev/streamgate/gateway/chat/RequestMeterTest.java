package dev.streamgate.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import dev.streamgate.gateway.metering.UsageRecord;
import org.junit.jupiter.api.Test;

/** OpenTelemetry's time per output token: after the first token, over the tokens after the first. */
class RequestMeterTest {

    private static UsageRecord record(int completionTokens, Duration timeToFirstToken, Duration duration) {
        return new UsageRecord("chatcmpl-1", "t", "k", "m", "d", 10, completionTokens, false, BigDecimal.ZERO,
                UsageRecord.Status.COMPLETED, "stop", timeToFirstToken, duration, Instant.EPOCH);
    }

    @Test
    void theTimeAfterTheFirstTokenIsSharedByTheTokensAfterIt() {
        assertThat(RequestMeter.timePerOutputToken(record(11, Duration.ofMillis(100), Duration.ofMillis(600))))
                .isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void withoutTwoTokensOrAFirstTokenThereIsNone() {
        assertThat(RequestMeter.timePerOutputToken(record(1, Duration.ofMillis(100), Duration.ofMillis(600))))
                .isNull();
        assertThat(RequestMeter.timePerOutputToken(record(5, null, Duration.ofMillis(600)))).isNull();
    }
}
