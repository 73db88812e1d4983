package dev.streamgate.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamgate.config.CircuitBreakerSettings;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.config.RetrySettings;
import dev.streamgate.config.UpstreamTimeouts;
import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The router over real adapters and real (fake) upstreams: retries, fallback and cancellation end to end. */
class DeploymentRouterIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final UpstreamTimeouts RELAXED = new UpstreamTimeouts(Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(30));

    private FakeOpenAiUpstream primary;
    private FakeOpenAiUpstream secondary;
    private DeploymentRouter router;

    @BeforeEach
    void start() {
        primary = FakeOpenAiUpstream.start();
        secondary = FakeOpenAiUpstream.start();
        router = DeploymentRouter.builder(AdapterFactory.standard())
                .retry(new RetrySettings(2, Duration.ofMillis(20), Duration.ofSeconds(1), 0.2))
                .circuitBreaker(CircuitBreakerSettings.DEFAULT)
                .deployments(List.of(
                        new DeploymentConfig("primary", "gpt", ProviderKind.OPENAI, primary.baseUrl(), "k1",
                                "model-p", 10, null, null, RELAXED, Map.of()),
                        new DeploymentConfig("secondary", "gpt", ProviderKind.OPENAI, secondary.baseUrl(), "k2",
                                "model-s", 0, null, null, RELAXED, Map.of()),
                        new DeploymentConfig("echo-1", "echo", ProviderKind.ECHO, null, null, null, 1, null, null,
                                null, Map.of())))
                .build();
    }

    @AfterEach
    void stop() {
        router.close();
        primary.close();
        secondary.close();
    }

    @Test
    void fallsBackToTheNextUpstreamWhenTheFirstKeepsFailing() {
        primary.defaultReply(FakeReply.status(503).message("warming up"));
        RoutedStream routed = router.route(TestRequests.chat("gpt", "hello world"));

        StepVerifier.create(routed.events())
                .expectNext(new StreamEvent.TextDelta("hello "), new StreamEvent.TextDelta("world"))
                .expectNextMatches(StreamEvent.UsageReport.class::isInstance)
                .expectNext(new StreamEvent.Finish(FinishReason.STOP))
                .expectComplete()
                .verify(WAIT);

        assertThat(primary.requestCount()).isEqualTo(2);
        assertThat(secondary.requestCount()).isEqualTo(1);
        assertThat(secondary.lastRequest().body().path("model").asString()).isEqualTo("model-s");
        assertThat(routed.deployment()).map(DeploymentConfig::id).contains("secondary");
        assertThat(routed.attempts()).isEqualTo(3);
    }

    @Test
    void retriesARateLimitedUpstreamAfterItsRetryAfter() {
        primary.enqueue(FakeReply.status(429).header("retry-after-ms", "150"));
        RoutedStream routed = router.route(TestRequests.chat("gpt", "again"));

        StepVerifier.create(routed.events())
                .expectNext(new StreamEvent.TextDelta("again"))
                .expectNextCount(2)
                .expectComplete()
                .verify(WAIT);

        assertThat(primary.requestCount()).isEqualTo(2);
        assertThat(secondary.requestCount()).isZero();
        assertThat(routed.deployment()).map(DeploymentConfig::id).contains("primary");
    }

    @Test
    void aClientThatLeavesCancelsTheUpstreamWithinASecond() {
        primary.defaultReply(FakeReply.echo().tokenDelay(Duration.ofMillis(100)));

        StepVerifier.create(router.route(TestRequests.chat("gpt", "one two three four five six")).events())
                .expectNext(new StreamEvent.TextDelta("one "), new StreamEvent.TextDelta("two "))
                .thenCancel()
                .verify(WAIT);

        StepVerifier.create(primary.cancellation()).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(1));
        assertThat(secondary.requestCount()).isZero();
    }

    @Test
    void aStreamThatBreaksAfterItsFirstTokenIsNotRetried() {
        primary.enqueue(FakeReply.tokens("a", "b", "c").dropAfter(1));

        StepVerifier.create(router.route(TestRequests.chat("gpt", "hi")).events())
                .expectNext(new StreamEvent.TextDelta("a"))
                .expectNextMatches(event -> event instanceof StreamEvent.StreamError error && error.status() == 502)
                .expectComplete()
                .verify(WAIT);

        assertThat(primary.requestCount()).isEqualTo(1);
        assertThat(secondary.requestCount()).isZero();
    }

    @Test
    void servesTheEchoModel() {
        StepVerifier.create(router.route(TestRequests.chat("echo", "ping pong")).events())
                .expectNext(new StreamEvent.TextDelta("ping "), new StreamEvent.TextDelta("pong"))
                .expectNextCount(2)
                .expectComplete()
                .verify(WAIT);
    }
}
