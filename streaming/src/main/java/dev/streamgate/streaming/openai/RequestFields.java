package dev.streamgate.streaming.openai;

import tools.jackson.databind.JsonNode;

/**
 * Typed reads of request fields, for every reader of OpenAI request bodies (the chat parser here, the worker's
 * completions and sampling extensions), that fail with OpenAI's error codes and wording ({@code invalid_type},
 * {@code invalid_value}, {@code missing_required_parameter}). A JSON {@code null} counts as absent, as it does for
 * OpenAI's optional parameters. Param names are only built on the error path.
 */
public final class RequestFields {
    public static final String INVALID_TYPE = "invalid_type";
    public static final String INVALID_VALUE = "invalid_value";
    public static final String MISSING = "missing_required_parameter";
    public static final String UNSUPPORTED_VALUE = "unsupported_value";

    private RequestFields() {
    }

    public static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    public static String describe(JsonNode node) {
        if (absent(node)) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal number";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "an unsupported value";
        };
    }

    public static InvalidRequestException invalidType(String param, String expected, JsonNode actual) {
        return new InvalidRequestException(param, INVALID_TYPE,
                "Invalid type for '" + param + "': expected " + expected + ", but got " + describe(actual)
                        + " instead.");
    }

    public static InvalidRequestException invalidValue(String param, String message) {
        return new InvalidRequestException(param, INVALID_VALUE, "Invalid '" + param + "': " + message);
    }

    public static InvalidRequestException missing(String param) {
        return new InvalidRequestException(param, MISSING, "Missing required parameter: '" + param + "'.");
    }

    /** A required string (absent or null is missing). */
    public static String requiredString(JsonNode node, String param) {
        if (absent(node)) {
            throw missing(param);
        }
        if (!node.isString()) {
            throw invalidType(param, "a string", node);
        }
        return node.stringValue();
    }

    public static String optionalString(JsonNode node, String param) {
        if (absent(node)) {
            return null;
        }
        if (!node.isString()) {
            throw invalidType(param, "a string", node);
        }
        return node.stringValue();
    }

    public static Boolean optionalBoolean(JsonNode node, String param) {
        if (absent(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            throw invalidType(param, "a boolean", node);
        }
        return node.booleanValue();
    }

    public static Long optionalLong(JsonNode node, String param) {
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw invalidType(param, "an integer", node);
        }
        if (!node.canConvertToLong()) {
            throw invalidValue(param, "expected a 64-bit integer, but got " + node + " instead.");
        }
        return node.longValue();
    }

    /** An integer in [min, Integer.MAX_VALUE]. */
    public static Integer optionalInt(JsonNode node, String param, int min) {
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw invalidType(param, "an integer", node);
        }
        if (!node.canConvertToInt() || node.intValue() < min) {
            throw invalidValue(param, "expected an integer between " + min + " and " + Integer.MAX_VALUE
                    + ", but got " + node + " instead.");
        }
        return node.intValue();
    }

    /** A number in [min, max], or (min, max] when {@code minExclusive}. */
    public static Double optionalNumber(JsonNode node, String param, double min, boolean minExclusive, double max) {
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber()) {
            throw invalidType(param, "a number", node);
        }
        double value = node.doubleValue();
        boolean aboveMin = minExclusive ? value > min : value >= min;
        if (!aboveMin || !(value <= max)) {
            throw invalidValue(param, "expected a number " + (minExclusive ? "greater than " : "between ")
                    + format(min) + (minExclusive ? " and at most " : " and ") + format(max) + ", but got " + node
                    + " instead.");
        }
        return value;
    }

    private static String format(double bound) {
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }
}
