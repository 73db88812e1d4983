package dev.streamgate.config;

import java.time.Duration;

/** Argument checks for configuration records; each failure names the field so an operator can fix it. */
final class Checks {
    private Checks() {
    }

    static String nonBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(field + " must not be blank");
        }
        return value;
    }

    static long positive(long value, String field) {
        if (value <= 0) {
            throw new ConfigException(field + " must be positive, was " + value);
        }
        return value;
    }

    static long atMost(long value, long max, String field) {
        if (value > max) {
            throw new ConfigException(field + " must be at most " + max + ", was " + value);
        }
        return value;
    }

    static long notNegative(long value, String field) {
        if (value < 0) {
            throw new ConfigException(field + " must not be negative, was " + value);
        }
        return value;
    }

    static Duration positive(Duration value, String field) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigException(field + " must be a positive duration, was " + value);
        }
        return value;
    }
}
