package dev.streamgate.adapters.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Parses {@code Retry-After} (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) and OpenAI's
 * {@code retry-after-ms}. A date is turned into a delay against the injected clock; dates in the past mean
 * "now". Unparseable values are ignored (null) rather than failing the request: the header is advice.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    public static Duration parse(String retryAfter, String retryAfterMs, Clock clock) {
        Duration millis = parseMillis(retryAfterMs);
        if (millis != null) {
            return millis;
        }
        if (retryAfter == null || retryAfter.isBlank()) {
            return null;
        }
        String value = retryAfter.strip();
        try {
            double seconds = Double.parseDouble(value);
            return seconds >= 0 && seconds < 1e9 ? Duration.ofMillis((long) (seconds * 1000)) : null;
        } catch (NumberFormatException notSeconds) {
            // an HTTP-date
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration delay = Duration.between(clock.instant(), at.toInstant());
            return delay.isNegative() ? Duration.ZERO : delay;
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }

    private static Duration parseMillis(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double millis = Double.parseDouble(value.strip());
            return millis >= 0 && millis < 1e12 ? Duration.ofMillis((long) millis) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
