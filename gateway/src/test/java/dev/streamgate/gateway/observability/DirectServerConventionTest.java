package dev.streamgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.micrometer.common.KeyValue;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

/** A direct route's server observation reads as Spring's does for the same request, so dashboards see one kind. */
class DirectServerConventionTest {
    private static final String CHAT = "/v1/chat/completions";
    private final DefaultServerRequestObservationConvention spring = new DefaultServerRequestObservationConvention();
    private final DirectServerConvention direct = DirectServerConvention.INSTANCE;

    private static ServerRequestObservationContext springContext(HttpStatus status, Throwable error,
                                                                 boolean aborted) {
        MockServerHttpResponse response = new MockServerHttpResponse();
        if (status != null) {
            response.setStatusCode(status);
        }
        var context = new ServerRequestObservationContext(MockServerHttpRequest.post(CHAT).build(), response,
                Map.of());
        context.setPathPattern(CHAT);
        context.setError(error);
        context.setConnectionAborted(aborted);
        return context;
    }

    private static DirectServerObservation.Context directContext(HttpStatus status, Throwable error,
                                                                 boolean aborted) {
        var context = new DirectServerObservation.Context(HttpMethod.POST.name(), CHAT, CHAT);
        context.status = status == null ? 0 : status.value();
        context.aborted = aborted;
        context.setError(error);
        return context;
    }

    @Test
    void theKeyValuesAreSpringsForEveryOutcome() {
        Object[][] cases = {
                {HttpStatus.OK, null, false},
                {HttpStatus.UNAUTHORIZED, new IllegalStateException("refused"), false},
                {HttpStatus.TOO_MANY_REQUESTS, null, false},
                {HttpStatus.BAD_GATEWAY, new RuntimeException("upstream"), false},
                {HttpStatus.OK, null, true},
                {null, null, true},
                {null, null, false},
        };
        for (Object[] c : cases) {
            HttpStatus status = (HttpStatus) c[0];
            Throwable error = (Throwable) c[1];
            boolean aborted = (boolean) c[2];
            assertThat(direct.getLowCardinalityKeyValues(directContext(status, error, aborted)))
                    .as("status %s, error %s, aborted %s", status, error, aborted)
                    .containsExactlyElementsOf(spring.getLowCardinalityKeyValues(springContext(status, error,
                            aborted)));
        }
    }

    @Test
    void theNameTheSpanNameAndTheUrlAreSpringsToo() {
        var springContext = springContext(HttpStatus.OK, null, false);
        var directContext = directContext(HttpStatus.OK, null, false);
        assertThat(direct.getName()).isEqualTo(spring.getName());
        assertThat(direct.getContextualName(directContext)).isEqualTo(spring.getContextualName(springContext));
        assertThat(direct.getHighCardinalityKeyValues(directContext))
                .containsExactlyElementsOf(spring.getHighCardinalityKeyValues(springContext));
        assertThat(direct.getHighCardinalityKeyValues(directContext)).contains(KeyValue.of("http.url", CHAT));
    }
}
