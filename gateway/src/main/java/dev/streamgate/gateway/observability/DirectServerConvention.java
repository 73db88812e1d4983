package dev.streamgate.gateway.observability;

import java.util.Locale;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@code http.server.requests} for the direct routes, with the names and values of Spring's default server
 * convention (method, uri, status, outcome, exception; {@code http.url} as the high-cardinality value), so that
 * one dashboard and one trace view cover every route whichever edge served it. The low-cardinality values are
 * built once per combination: a direct route fixes the method and the uri, so the combinations are few.
 */
final class DirectServerConvention implements ObservationConvention<DirectServerObservation.Context> {
    static final DirectServerConvention INSTANCE = new DirectServerConvention();
    private static final int MAX_COMBINATIONS = 1024;

    private final KeyValuesCache<Combination> cache = new KeyValuesCache<>(MAX_COMBINATIONS);

    @Override
    public String getName() {
        return "http.server.requests";
    }

    @Override
    public String getContextualName(DirectServerObservation.Context context) {
        return "http " + context.method.toLowerCase(Locale.ROOT) + " " + context.uri;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof DirectServerObservation.Context;
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(DirectServerObservation.Context context) {
        Throwable error = context.getError();
        return cache.get(new Combination(context.method, context.uri, context.status,
                error == null ? null : error.getClass(), context.aborted), Combination::keyValues);
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(DirectServerObservation.Context context) {
        return KeyValues.of(KeyValue.of("http.url", context.path));
    }

    private record Combination(String method, String uri, int status, Class<?> error, boolean aborted) {
        /** As Spring's {@code DefaultServerRequestObservationConvention} words them. */
        KeyValues keyValues() {
            String exception = error == null ? "none"
                    : error.getSimpleName().isEmpty() ? error.getName() : error.getSimpleName();
            return KeyValues.of(KeyValue.of("method", method), KeyValue.of("uri", uri),
                    KeyValue.of("status", aborted || status <= 0 ? "UNKNOWN" : Integer.toString(status)),
                    KeyValue.of("outcome", outcome()), KeyValue.of("exception", exception));
        }

        private String outcome() {
            if (aborted || status <= 0) {
                return "UNKNOWN";
            }
            return switch (status / 100) {
                case 1 -> "INFORMATIONAL";
                case 2 -> "SUCCESS";
                case 3 -> "REDIRECTION";
                case 4 -> "CLIENT_ERROR";
                case 5 -> "SERVER_ERROR";
                default -> "UNKNOWN";
            };
        }
    }
}
