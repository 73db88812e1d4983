package dev.streamgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
    @Test
    void eachDimensionReportsTheSubjectWithFewerRemaining() {
        var tenantRequests = new RateLimitHeaders.Reading(100, 7, Duration.ofSeconds(56).toNanos());
        var keyRequests = new RateLimitHeaders.Reading(10, 9, Duration.ofSeconds(6).toNanos());
        var tenantTokens = new RateLimitHeaders.Reading(10_000, 9_000, Duration.ofSeconds(6).toNanos());
        var keyTokens = new RateLimitHeaders.Reading(2_000, 1_000, Duration.ofSeconds(30).toNanos());

        assertThat(RateLimitHeaders.of(List.of(tenantRequests, keyRequests), List.of(tenantTokens, keyTokens)))
                .containsExactly(
                        entry("x-ratelimit-limit-requests", "100"),
                        entry("x-ratelimit-limit-tokens", "2000"),
                        entry("x-ratelimit-remaining-requests", "7"),
                        entry("x-ratelimit-remaining-tokens", "1000"),
                        entry("x-ratelimit-reset-requests", "56s"),
                        entry("x-ratelimit-reset-tokens", "30s"));
    }

    @Test
    void onATieTheLongerResetWinsAndDebtShowsAsZero() {
        var a = new RateLimitHeaders.Reading(100, 0, Duration.ofSeconds(1).toNanos());
        var b = new RateLimitHeaders.Reading(50, -20, Duration.ofSeconds(84).toNanos());

        var headers = RateLimitHeaders.of(List.of(a, b), List.of(a));

        assertThat(headers).containsEntry("x-ratelimit-limit-requests", "50")
                .containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-reset-requests", "1m24s");
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }
}
