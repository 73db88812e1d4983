package dev.streamgate.worker.server;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.openai.InvalidRequestException;
import tools.jackson.databind.JsonNode;

/** Typed reads of request fields that fail with a 400 naming the field. */
final class JsonFields {
    private JsonFields() {
    }

    static String requiredString(JsonNode body, String field) {
        JsonNode node = body.path(field);
        if (!node.isString() || node.stringValue().isBlank()) {
            throw invalid(field, field + " is required and must be a string");
        }
        return node.stringValue();
    }

    static String optionalString(JsonNode body, String field) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(field, field + " must be a string");
        }
        return node.stringValue();
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

    static Double optionalDouble(JsonNode body, String field) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw invalid(field, field + " must be a number");
        }
        return node.doubleValue();
    }

    static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw invalid(field, field + " must be true or false");
        }
        return node.booleanValue();
    }

    static boolean includeUsage(JsonNode body) {
        JsonNode options = body.path("stream_options");
        if (options.isMissingNode() || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            throw invalid("stream_options", "stream_options must be an object");
        }
        JsonNode include = options.path("include_usage");
        if (include.isMissingNode() || include.isNull()) {
            return false;
        }
        if (!include.isBoolean()) {
            throw invalid("stream_options.include_usage", "stream_options.include_usage must be true or false");
        }
        return include.booleanValue();
    }

    static List<String> stop(JsonNode body) {
        JsonNode stop = body.path("stop");
        List<String> out = new ArrayList<>();
        if (stop.isString()) {
            out.add(stop.stringValue());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isString()) {
                    throw invalid("stop", "stop must be a string or an array of strings");
                }
                out.add(s.stringValue());
            }
        } else if (!stop.isMissingNode() && !stop.isNull()) {
            throw invalid("stop", "stop must be a string or an array of strings");
        }
        return out;
    }

    static InvalidRequestException invalid(String param, String message) {
        return new InvalidRequestException(param, "invalid_value", message);
    }
}
