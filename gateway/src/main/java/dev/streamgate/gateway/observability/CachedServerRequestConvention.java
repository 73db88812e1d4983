package dev.streamgate.gateway.observability;

import io.micrometer.common.KeyValues;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Spring's {@code http.server.requests} convention, with the low-cardinality key values (method, uri, status,
 * outcome, exception) built once per combination instead of on every request: five key values and a sort, for a
 * set that a gateway's routes keep small. The values are exactly the default convention's, which computes them
 * on a miss; the cache holds at most {@value #MAX_COMBINATIONS} combinations, since a client picks the method
 * name, and past that the default convention answers every time.
 */
final class CachedServerRequestConvention extends DefaultServerRequestObservationConvention {
    static final int MAX_COMBINATIONS = 1024;

    private final KeyValuesCache<Combination> cache = new KeyValuesCache<>(MAX_COMBINATIONS);

    @Override
    public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
        if (context.getCarrier() == null) {
            return super.getLowCardinalityKeyValues(context);
        }
        return cache.get(Combination.of(context), combination -> super.getLowCardinalityKeyValues(context));
    }

    int cachedCombinations() {
        return cache.size();
    }

    /** Everything the default convention's low-cardinality values depend on. */
    private record Combination(String method, String pathPattern, int status, Class<?> error, boolean aborted) {
        static Combination of(ServerRequestObservationContext context) {
            HttpStatusCode status = context.getResponse() == null ? null : context.getResponse().getStatusCode();
            Throwable error = context.getError();
            return new Combination(context.getCarrier().getMethod().name(), context.getPathPattern(),
                    status == null ? -1 : status.value(), error == null ? null : error.getClass(),
                    context.isConnectionAborted());
        }
    }
}
