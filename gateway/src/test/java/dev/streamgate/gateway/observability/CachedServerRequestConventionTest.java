package dev.streamgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

class CachedServerRequestConventionTest {
    private final DefaultServerRequestObservationConvention plain = new DefaultServerRequestObservationConvention();
    private final CachedServerRequestConvention cached = new CachedServerRequestConvention();

    private static ServerRequestObservationContext context(HttpMethod method, String path, String pattern,
                                                           HttpStatus status, Throwable error, boolean aborted) {
        MockServerHttpResponse response = new MockServerHttpResponse();
        if (status != null) {
            response.setStatusCode(status);
        }
        var context = new ServerRequestObservationContext(MockServerHttpRequest.method(method, path).build(),
                response, Map.of());
        context.setPathPattern(pattern);
        context.setError(error);
        context.setConnectionAborted(aborted);
        return context;
    }

    /** Every combination gets the default convention's values, the first time and from the cache after. */
    @Test
    void givesTheDefaultConventionsValues() {
        List<ServerRequestObservationContext> contexts = List.of(
                context(HttpMethod.POST, "/v1/chat/completions", "/v1/chat/completions", HttpStatus.OK, null, false),
                context(HttpMethod.POST, "/v1/chat/completions", "/v1/chat/completions", HttpStatus.TOO_MANY_REQUESTS,
                        null, false),
                context(HttpMethod.GET, "/v1/models", "/v1/models", HttpStatus.OK, null, false),
                context(HttpMethod.GET, "/nowhere", null, HttpStatus.NOT_FOUND, null, false),
                context(HttpMethod.GET, "/old", null, HttpStatus.FOUND, null, false),
                context(HttpMethod.GET, "/", "", HttpStatus.OK, null, false),
                context(HttpMethod.POST, "/v1/chat/completions", "/v1/chat/completions",
                        HttpStatus.INTERNAL_SERVER_ERROR, new IllegalStateException("boom"), false),
                context(HttpMethod.POST, "/v1/chat/completions", "/v1/chat/completions", null, null, true),
                context(HttpMethod.valueOf("FOO"), "/v1/models", null, HttpStatus.METHOD_NOT_ALLOWED, null, false));
        for (ServerRequestObservationContext context : contexts) {
            assertThat(cached.getLowCardinalityKeyValues(context)).isEqualTo(plain.getLowCardinalityKeyValues(context));
            assertThat(cached.getLowCardinalityKeyValues(context)).isEqualTo(plain.getLowCardinalityKeyValues(context));
        }
        assertThat(cached.cachedCombinations()).isEqualTo(contexts.size());
        assertThat(cached.getName()).isEqualTo("http.server.requests");
    }

    /** A client names the method: past the bound nothing more is cached, and the values stay right. */
    @Test
    void theCacheIsBounded() {
        List<ServerRequestObservationContext> contexts = new ArrayList<>();
        for (int i = 0; i < CachedServerRequestConvention.MAX_COMBINATIONS + 100; i++) {
            contexts.add(context(HttpMethod.valueOf("M" + i), "/v1/models", null, HttpStatus.METHOD_NOT_ALLOWED, null,
                    false));
        }
        for (ServerRequestObservationContext context : contexts) {
            assertThat(cached.getLowCardinalityKeyValues(context)).isEqualTo(plain.getLowCardinalityKeyValues(context));
        }
        assertThat(cached.cachedCombinations()).isEqualTo(CachedServerRequestConvention.MAX_COMBINATIONS);
    }
}
