package dev.streamgate.worker;

import dev.streamgate.streaming.openai.InvalidRequestException;
import tools.jackson.databind.JsonNode;

/**
 * Typed reads of the request fields the worker interprets itself (the completions API, and the sampling
 * extensions the shared chat parser passes through in {@code raw}): a wrong type or value is a 400 naming the field,
 * a JSON {@code null} counts as absent.
 */
final class BodyFields {
    private BodyFields() {
    }

    static double number(JsonNode body, String field, double fallback) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw invalid(field, field + " must be a number");
        }
        return node.doubleValue();
    }

    static Integer optionalInt(JsonNode body, String field) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw invalid(field, field + " must be an integer");
        }
        return node.intValue();
    }

    static int intOr(JsonNode body, String field, int fallback) {
        Integer value = optionalInt(body, field);
        return value == null ? fallback : value;
    }

    static Long optionalLong(JsonNode body, String field) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw invalid(field, field + " must be an integer");
        }
        return node.longValue();
    }

    static boolean bool(JsonNode body, String field, boolean fallback) {
        return bool(body, field, fallback, field);
    }

    /** @param param the field's full name in the request, for the error */
    static boolean bool(JsonNode body, String field, boolean fallback, String param) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw invalid(param, param + " must be true or false");
        }
        return node.booleanValue();
    }

    static void check(boolean ok, String param, String message) {
        if (!ok) {
            throw invalid(param, message);
        }
    }

    static InvalidRequestException invalid(String param, String message) {
        return new InvalidRequestException(param, "invalid_value", message);
    }

    static String requiredString(JsonNode body, String field) {
        JsonNode node = body.path(field);
        if (!node.isString() || node.stringValue().isBlank()) {
            throw invalid(field, field + " is required and must be a string");
        }
        return node.stringValue();
    }

    /** {@code stream_options.include_usage}, false when absent. */
    static boolean includeUsage(JsonNode body) {
        JsonNode options = body.path("stream_options");
        if (options.isMissingNode() || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            throw invalid("stream_options", "stream_options must be an object");
        }
        return bool(options, "include_usage", false, "stream_options.include_usage");
    }
}
