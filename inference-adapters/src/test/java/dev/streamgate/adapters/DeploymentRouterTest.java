package dev.streamgate.adapters;

import static dev.streamgate.adapters.ScriptedAdapter.answer;
import static dev.streamgate.adapters.ScriptedAdapter.connectFailure;
import static dev.streamgate.adapters.ScriptedAdapter.statusFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;

import dev.streamgate.adapters.spi.UpstreamException;
import dev.streamgate.config.CircuitBreakerSettings;
import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.Price;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.config.RetrySettings;
import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.ChatMessage;
import dev.streamgate.streaming.openai.InvalidRequestException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.json.JsonMapper;

class DeploymentRouterTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String MODEL = "chat";
    /** Deterministic and jitter-free: every draw is 0, so the heaviest deployment is drawn first. */
    private static final RandomGenerator HEAVIEST_FIRST = () -> 0L;
    private static final RetrySettings THREE_ATTEMPTS =
            new RetrySettings(3, Duration.ofMillis(100), Duration.ofSeconds(1), 0);
    private static final RetrySettings ONE_ATTEMPT =
            new RetrySettings(1, Duration.ofMillis(100), Duration.ofSeconds(1), 0);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> callLog = new CopyOnWriteArrayList<>();
    /** The latest adapter built per deployment id. */
    private final Map<String, ScriptedAdapter> adapters = new HashMap<>();
    private final List<ScriptedAdapter> built = new ArrayList<>();
    private final AdapterFactory factory = AdapterFactory.empty().with(ProviderKind.OPENAI, deployment -> {
        ScriptedAdapter adapter = new ScriptedAdapter(deployment.id(), callLog);
        adapters.put(deployment.id(), adapter);
        built.add(adapter);
        return adapter;
    });
    private DeploymentRouter router;

    @AfterEach
    void closeRouter() {
        if (router != null) {
            router.close();
        }
    }

    private DeploymentRouter router(RetrySettings retry, RandomGenerator random, DeploymentConfig... deployments) {
        return router(retry, CircuitBreakerSettings.DEFAULT, random, deployments);
    }

    private DeploymentRouter router(RetrySettings retry, CircuitBreakerSettings breaker, RandomGenerator random,
                                    DeploymentConfig... deployments) {
        router = DeploymentRouter.builder(factory)
                .retry(retry)
                .circuitBreaker(breaker)
                .meterRegistry(meters)
                .random(random)
                .clock(clock)
                .scheduler(time)
                .deployments(List.of(deployments))
                .build();
        return router;
    }

    private static DeploymentConfig deployment(String id, int weight) {
        return deployment(id, MODEL, weight, "http://" + id + ".invalid/v1");
    }

    private static DeploymentConfig deployment(String id, String model, int weight, String baseUrl) {
        return new DeploymentConfig(id, model, ProviderKind.OPENAI, URI.create(baseUrl), null, null, weight, null,
                null, null, Map.of());
    }

    private double count(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void unknownModelIsRefusedBeforeAnythingIsSent() {
        router(THREE_ATTEMPTS, HEAVIEST_FIRST, deployment("a", 1));

        assertThatThrownBy(() -> router.route(TestRequests.chat("nope", "hi")))
                .isInstanceOfSatisfying(UnknownModelException.class,
                        error -> assertThat(error.model()).isEqualTo("nope"));
        assertThat(router.serves(MODEL)).isTrue();
        assertThat(router.models()).containsExactly(MODEL);
    }

    @Test
    void weightsSplitTrafficInProportion() {
        router(ONE_ATTEMPT, new Random(42), deployment("a", 3), deployment("b", 1));

        for (int i = 0; i < 4000; i++) {
            StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                    .expectNextCount(2).expectComplete().verify(WAIT);
        }

        assertThat(adapters.get("a").calls()).isBetween(2850, 3150);
        assertThat(adapters.get("a").calls() + adapters.get("b").calls()).isEqualTo(4000);
    }

    @Test
    void retriesBeforeTheFirstEventWithExponentialBackoff() {
        router(THREE_ATTEMPTS, HEAVIEST_FIRST, deployment("a", 1));
        adapters.get("a").thenFail(connectFailure("a")).thenFail(connectFailure("a"));
        RoutedStream routed = router.route(TestRequests.chat(MODEL, "hi"));

        StepVerifier.withVirtualTime(routed::events, () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(99))
                .then(() -> assertThat(adapters.get("a").calls()).isEqualTo(1))
                .thenAwait(Duration.ofMillis(1))
                .then(() -> assertThat(adapters.get("a").calls()).isEqualTo(2))
                .expectNoEvent(Duration.ofMillis(199))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(new StreamEvent.TextDelta("ok"), new StreamEvent.Finish(FinishReason.STOP))
                .expectComplete()
                .verify(WAIT);

        assertThat(routed.attempts()).isEqualTo(3);
        assertThat(routed.started()).isTrue();
        assertThat(routed.deployment()).map(DeploymentConfig::id).contains("a");
        assertThat(count("streamgate.upstream.retries", "deployment", "a")).isEqualTo(2);
        assertThat(count("streamgate.upstream.errors", "deployment", "a", "kind", "connect")).isEqualTo(2);
    }

    @Test
    void waitsForRetryAfterWhenTheUpstreamAsksForLonger() {
        router(THREE_ATTEMPTS, HEAVIEST_FIRST, deployment("a", 1));
        adapters.get("a").thenFail(statusFailure("a", 429, Duration.ofMillis(700)));

        StepVerifier.withVirtualTime(() -> router.route(TestRequests.chat(MODEL, "hi")).events(), () -> time,
                        Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(699))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(2)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void retryAfterIsCappedByTheMaximumBackoff() {
        router(THREE_ATTEMPTS, HEAVIEST_FIRST, deployment("a", 1));
        adapters.get("a").thenFail(statusFailure("a", 503, Duration.ofMinutes(10)));

        StepVerifier.withVirtualTime(() -> router.route(TestRequests.chat(MODEL, "hi")).events(), () -> time,
                        Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(2)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void fallsBackToTheOtherDeploymentsHeaviestFirst() {
        router(THREE_ATTEMPTS, HEAVIEST_FIRST, deployment("light", 1), deployment("heavy", 5),
                deployment("middle", 3));
        adapters.get("heavy").alwaysFail(statusFailure("heavy", 502, null));
        adapters.get("middle").alwaysFail(connectFailure("middle"));
        RoutedStream routed = router.route(TestRequests.chat(MODEL, "hi"));

        StepVerifier.withVirtualTime(routed::events, () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(10))
                .expectNext(new StreamEvent.TextDelta("ok"), new StreamEvent.Finish(FinishReason.STOP))
                .expectComplete()
                .verify(WAIT);

        assertThat(callLog).containsExactly("heavy", "heavy", "heavy", "middle", "middle", "middle", "light");
        assertThat(routed.deployment()).map(DeploymentConfig::id).contains("light");
        assertThat(routed.attempts()).isEqualTo(7);
        assertThat(count("streamgate.upstream.fallbacks", "deployment", "heavy")).isEqualTo(1);
        assertThat(count("streamgate.upstream.fallbacks", "deployment", "middle")).isEqualTo(1);
    }

    @Test
    void whenEveryDeploymentFailsTheLastFailureIsTheError() {
        router(ONE_ATTEMPT, HEAVIEST_FIRST, deployment("a", 2), deployment("b", 1));
        adapters.get("a").alwaysFail(connectFailure("a"));
        UpstreamException last = statusFailure("b", 503, Duration.ofSeconds(3));
        adapters.get("b").alwaysFail(last);
        RoutedStream routed = router.route(TestRequests.chat(MODEL, "hi"));

        StepVerifier.create(routed.events())
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(last))
                .verify(WAIT);
        assertThat(routed.started()).isFalse();
        assertThat(routed.deployment()).map(DeploymentConfig::id).contains("b");
    }

    @Test
    void clientErrorsAreNeitherRetriedNorFallenBackFrom() {
        router(THREE_ATTEMPTS, HEAVIEST_FIRST, deployment("a", 2), deployment("b", 1));
        UpstreamException badRequest = statusFailure("a", 400, null);
        adapters.get("a").alwaysFail(badRequest);

        StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(badRequest))
                .verify(WAIT);
        assertThat(callLog).containsExactly("a");
    }

    @Test
    void neverRetriesOnceAnEventHasBeenEmitted() {
        router(THREE_ATTEMPTS, HEAVIEST_FIRST, deployment("a", 2), deployment("b", 1));
        adapters.get("a").then(Flux.<StreamEvent>just(new StreamEvent.TextDelta("par"))
                .concatWith(Flux.error(connectFailure("a"))));
        RoutedStream routed = router.route(TestRequests.chat(MODEL, "hi"));

        StepVerifier.create(routed.events())
                .expectNext(new StreamEvent.TextDelta("par"))
                .assertNext(event -> assertThat(event).isInstanceOfSatisfying(StreamEvent.StreamError.class, error -> {
                    assertThat(error.status()).isEqualTo(502);
                    assertThat(error.type()).isEqualTo("upstream_error");
                    assertThat(error.code()).isEqualTo("connect");
                }))
                .expectComplete()
                .verify(WAIT);
        assertThat(callLog).containsExactly("a");
        assertThat(routed.deployment()).map(DeploymentConfig::id).contains("a");
        assertThat(count("streamgate.upstream.errors", "deployment", "a", "kind", "mid_stream")).isEqualTo(1);
    }

    @Test
    void circuitOpensAfterFailuresSkipsTheDeploymentAndProbesItAfterTheOpenDuration() {
        CircuitBreakerSettings breaker = new CircuitBreakerSettings(50, 4, 4, Duration.ofSeconds(30));
        router(ONE_ATTEMPT, breaker, HEAVIEST_FIRST, deployment("flaky", 2), deployment("steady", 1));
        adapters.get("flaky").alwaysFail(statusFailure("flaky", 500, null));

        for (int i = 0; i < 4; i++) {
            StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                    .expectNextCount(2).expectComplete().verify(WAIT);
        }
        assertThat(router.circuitState("flaky")).contains(CircuitBreaker.State.OPEN);
        assertThat(meters.get("resilience4j.circuitbreaker.state").tags("name", "flaky", "state", "open")
                .gauge().value()).isEqualTo(1);

        RoutedStream skipping = router.route(TestRequests.chat(MODEL, "hi"));
        StepVerifier.create(skipping.events()).expectNextCount(2).expectComplete().verify(WAIT);
        assertThat(adapters.get("flaky").calls()).isEqualTo(4);
        assertThat(skipping.attempts()).isEqualTo(1);
        assertThat(skipping.deployment()).map(DeploymentConfig::id).contains("steady");

        clock.advance(Duration.ofSeconds(29));
        StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                .expectNext(new StreamEvent.TextDelta("ok")).expectNextCount(1).expectComplete().verify(WAIT);
        assertThat(adapters.get("flaky").calls()).isEqualTo(4);

        clock.advance(Duration.ofSeconds(2));
        adapters.get("flaky").otherwise(answer("back"));
        StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                .expectNext(new StreamEvent.TextDelta("back"))
                .expectNextCount(1).expectComplete().verify(WAIT);
        assertThat(router.circuitState("flaky")).contains(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void clientErrorsDoNotOpenTheCircuit() {
        CircuitBreakerSettings breaker = new CircuitBreakerSettings(50, 4, 4, Duration.ofSeconds(30));
        router(ONE_ATTEMPT, breaker, HEAVIEST_FIRST, deployment("a", 1));
        adapters.get("a").alwaysFail(statusFailure("a", 422, null));

        for (int i = 0; i < 6; i++) {
            StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                    .expectError(UpstreamException.class).verify(WAIT);
        }
        assertThat(router.circuitState("a")).contains(CircuitBreaker.State.CLOSED);
    }

    @Test
    void rateLimitsAndRefusedRequestsOfAnInProcessBackendDoNotOpenTheCircuit() {
        CircuitBreakerSettings breaker = new CircuitBreakerSettings(50, 4, 4, Duration.ofSeconds(30));
        router(ONE_ATTEMPT, breaker, HEAVIEST_FIRST, deployment("a", 1));
        adapters.get("a").alwaysFail(statusFailure("a", 429, null));
        for (int i = 0; i < 6; i++) {
            StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                    .expectError(UpstreamException.class).verify(WAIT);
        }
        assertThat(router.circuitState("a")).contains(CircuitBreaker.State.CLOSED);

        adapters.get("a").otherwise(Flux.error(new InvalidRequestException(
                "messages[0].content[1].type", "unsupported_value", "text only")));
        for (int i = 0; i < 6; i++) {
            StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                    .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(
                            UpstreamException.class, upstream -> {
                                assertThat(upstream.rejectedRequest()).isTrue();
                                assertThat(upstream.error().param()).isEqualTo("messages[0].content[1].type");
                            }))
                    .verify(WAIT);
        }
        assertThat(router.circuitState("a")).contains(CircuitBreaker.State.CLOSED);
        assertThat(adapters.get("a").calls()).isEqualTo(12);
    }

    @Test
    void aDeploymentsOwn4xxCountsAgainstItAndFallsBack() {
        CircuitBreakerSettings breaker = new CircuitBreakerSettings(50, 2, 2, Duration.ofSeconds(30));
        router(ONE_ATTEMPT, breaker, HEAVIEST_FIRST, deployment("misconfigured", 2), deployment("good", 1));
        adapters.get("misconfigured").alwaysFail(statusFailure("misconfigured", 401, null));
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                    .expectNextCount(2).expectComplete().verify(WAIT);
        }
        assertThat(router.circuitState("misconfigured")).contains(CircuitBreaker.State.OPEN);
    }

    @Test
    void contentTheModelDoesNotAcceptIsRefusedNamingTheParam() {
        DeploymentConfig textOnly = new DeploymentConfig("t", MODEL, ProviderKind.OPENAI,
                URI.create("http://t.invalid/v1"), null, null, 1, null, null, null,
                Map.of("accepts", "text"));
        router(ONE_ATTEMPT, HEAVIEST_FIRST, deployment("all", 1), textOnly);
        var image = JsonMapper.shared().readTree("""
                {"role":"user","content":[{"type":"text","text":"what is this"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}""");
        var message = new ChatMessage(ChatMessage.Role.USER, "what is this", null, null, image);
        var chat = TestRequests.chatRequest(MODEL, List.of(message), null, false);

        assertThatThrownBy(() -> router.requireAccepted(chat))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        error -> assertThat(error.param()).isEqualTo("messages[0].content[1].type"));
        router.requireAccepted(TestRequests.chatRequest(MODEL,
                List.of(TestRequests.message(ChatMessage.Role.USER, "hi")), null, false));
        assertThat(callLog).isEmpty();

        router.update(List.of(deployment("all", 1)));
        router.requireAccepted(chat);
    }

    @Test
    void everyCircuitOpenIsAnError() {
        CircuitBreakerSettings breaker = new CircuitBreakerSettings(50, 2, 2, Duration.ofSeconds(30));
        router(ONE_ATTEMPT, breaker, HEAVIEST_FIRST, deployment("a", 1));
        adapters.get("a").alwaysFail(connectFailure("a"));
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                    .expectError(UpstreamException.class).verify(WAIT);
        }

        RoutedStream routed = router.route(TestRequests.chat(MODEL, "hi"));
        StepVerifier.create(routed.events())
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(UpstreamException.class,
                        upstream -> assertThat(upstream.kind()).isEqualTo(UpstreamException.Kind.CIRCUIT_OPEN)))
                .verify(WAIT);
        assertThat(adapters.get("a").calls()).isEqualTo(2);
        assertThat(routed.deployment()).isEmpty();
    }

    @Test
    void cancellingDuringABackoffStopsRetrying() {
        router(THREE_ATTEMPTS, HEAVIEST_FIRST, deployment("a", 1));
        adapters.get("a").alwaysFail(connectFailure("a"));

        StepVerifier.withVirtualTime(() -> router.route(TestRequests.chat(MODEL, "hi")).events(), () -> time,
                        Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(50))
                .thenCancel()
                .verify(WAIT);
        time.advanceTimeBy(Duration.ofSeconds(10));

        assertThat(adapters.get("a").calls()).isEqualTo(1);
    }

    @Test
    void updateClosesRemovedDeploymentsOnlyAfterTheirRunningStreamsEnd() {
        router(ONE_ATTEMPT, HEAVIEST_FIRST, deployment("old", 1));
        Sinks.Many<StreamEvent> running = Sinks.many().unicast().onBackpressureBuffer();
        ScriptedAdapter old = adapters.get("old");
        old.then(running.asFlux());
        List<StreamEvent> received = new ArrayList<>();
        var subscription = router.route(TestRequests.chat(MODEL, "hi")).events().subscribe(received::add);
        running.tryEmitNext(new StreamEvent.TextDelta("still"));

        router.update(List.of(deployment("new", 1)));

        assertThat(old.closed()).isFalse();
        StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                .expectNextCount(2).expectComplete().verify(WAIT);
        assertThat(adapters.get("new").calls()).isEqualTo(1);
        assertThat(old.calls()).isEqualTo(1);
        running.tryEmitNext(new StreamEvent.Finish(FinishReason.STOP));
        running.tryEmitComplete();
        assertThat(received).hasSize(2);
        assertThat(old.closed()).isTrue();
        assertThat(router.circuitState("old")).isEmpty();
        subscription.dispose();
    }

    @Test
    void updateKeepsAdapterAndCircuitWhenOnlyWeightPriceOrAliasChange() {
        DeploymentConfig a1 = new DeploymentConfig("a", MODEL, ProviderKind.OPENAI, URI.create("http://a.invalid/v1"),
                null, "upstream-a", 1, null, null, null, Map.of());
        router(ONE_ATTEMPT, new CircuitBreakerSettings(50, 2, 2, Duration.ofSeconds(30)), HEAVIEST_FIRST, a1,
                deployment("b", 1));
        ScriptedAdapter a = adapters.get("a");
        ScriptedAdapter b = adapters.get("b");
        a.alwaysFail(connectFailure("a"));
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                    .expectNextCount(2).expectComplete().verify(WAIT);
        }
        assertThat(router.circuitState("a")).contains(CircuitBreaker.State.OPEN);
        DeploymentConfig aReweighted = new DeploymentConfig("a", "renamed", ProviderKind.OPENAI,
                URI.create("http://a.invalid/v1"), null, "upstream-a", 9, new Price(java.math.BigDecimal.ONE,
                java.math.BigDecimal.TEN), null, null, Map.of());

        router.update(List.of(aReweighted, deployment("b", MODEL, 1, "http://b-moved.invalid/v1")));

        assertThat(adapters.get("a")).isSameAs(a);
        assertThat(a.closed()).isFalse();
        assertThat(adapters.get("b")).isNotSameAs(b);
        assertThat(b.closed()).isTrue();
        assertThat(router.deployments("renamed")).containsExactly(aReweighted);
        assertThat(router.circuitState("a")).contains(CircuitBreaker.State.OPEN);
        assertThat(router.serves(MODEL)).isTrue();
    }

    @Test
    void updateThatCannotBuildADeploymentChangesNothing() {
        router(ONE_ATTEMPT, HEAVIEST_FIRST, deployment("a", 1));
        DeploymentConfig echo = new DeploymentConfig("e", "echo", ProviderKind.ECHO, null, null, null, 1, null,
                null, null, Map.of());

        assertThatThrownBy(() -> router.update(List.of(deployment("b", 1), echo)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ECHO");
        assertThatThrownBy(() -> router.update(List.of(deployment("a", 1), deployment("a", 2))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("used twice");

        assertThat(router.deployments(MODEL)).containsExactly(deployment("a", 1));
        assertThat(adapters.get("b").closed()).isTrue();
        assertThat(adapters.get("a").closed()).isFalse();
    }

    @Test
    void aModelRemovedBetweenRoutingAndSubscriptionIsUnknown() {
        router(ONE_ATTEMPT, HEAVIEST_FIRST, deployment("a", 1));
        RoutedStream routed = router.route(TestRequests.chat(MODEL, "hi"));

        router.update(List.of());

        StepVerifier.create(routed.events()).expectError(UnknownModelException.class).verify(WAIT);
        assertThat(adapters.get("a").closed()).isTrue();
    }

    @Test
    void weightZeroIsAStandbyUsedOnlyAsFallback() {
        router(ONE_ATTEMPT, new Random(3), deployment("primary", 1), deployment("standby", 0));
        for (int i = 0; i < 20; i++) {
            StepVerifier.create(router.route(TestRequests.chat(MODEL, "hi")).events())
                    .expectNextCount(2).expectComplete().verify(WAIT);
        }
        assertThat(adapters.get("standby").calls()).isZero();

        adapters.get("primary").thenFail(connectFailure("primary"));
        RoutedStream routed = router.route(TestRequests.chat(MODEL, "hi"));
        StepVerifier.create(routed.events()).expectNextCount(2).expectComplete().verify(WAIT);
        assertThat(routed.deployment()).map(DeploymentConfig::id).contains("standby");
    }
}
