package dev.streamgate.gateway.admin;

import java.util.regex.Pattern;

import dev.streamgate.gateway.error.GatewayException;

/** Checks on admin request fields; each failure is a 400 naming the field. */
final class Fields {
    /** Ids appear in URLs, logs, JWT claims and metric tags: keep them plain. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final int MAX_TEXT = 200;

    private Fields() {
    }

    static String id(String value, String param) {
        if (value == null || value.isEmpty()) {
            throw missing(param);
        }
        if (!ID.matcher(value).matches()) {
            throw GatewayException.invalidRequest(param, "invalid_id", param
                    + " must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        return value;
    }

    static String text(String value, String param) {
        if (value == null) {
            throw missing(param);
        }
        if (value.isBlank() || value.length() > MAX_TEXT) {
            throw GatewayException.invalidRequest(param, "invalid_value",
                    param + " must be between 1 and " + MAX_TEXT + " characters and not blank");
        }
        return value.strip();
    }

    static long positive(Long value, String param) {
        if (value == null) {
            throw missing(param);
        }
        if (value <= 0) {
            throw GatewayException.invalidRequest(param, "invalid_value", param + " must be positive, was " + value);
        }
        return value;
    }

    /** A per-minute limit: positive and within what a token bucket can hold. */
    static long perMinute(Long value, String param) {
        long limit = positive(value, param);
        if (limit > dev.streamgate.config.PlanLimits.MAX_PER_MINUTE) {
            throw GatewayException.invalidRequest(param, "invalid_value",
                    param + " must be at most " + dev.streamgate.config.PlanLimits.MAX_PER_MINUTE + ", was " + limit);
        }
        return limit;
    }

    static int positiveInt(Integer value, String param) {
        return (int) positive(value == null ? null : value.longValue(), param);
    }

    static int notNegative(Integer value, String param) {
        if (value == null) {
            throw missing(param);
        }
        if (value < 0) {
            throw GatewayException.invalidRequest(param, "invalid_value",
                    param + " must not be negative, was " + value);
        }
        return value;
    }

    /** A path id and an id in the body must agree; the body may leave it out. */
    static void sameId(String pathId, String bodyId) {
        if (bodyId != null && !bodyId.equals(pathId)) {
            throw GatewayException.invalidRequest("id", "immutable_field",
                    "id cannot be changed (path says '" + pathId + "', body says '" + bodyId + "')");
        }
    }

    static GatewayException missing(String param) {
        return GatewayException.invalidRequest(param, "missing_required_parameter", "Missing required parameter: "
                + param);
    }
}
