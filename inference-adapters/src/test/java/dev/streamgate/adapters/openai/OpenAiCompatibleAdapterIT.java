package dev.streamgate.adapters.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.streamgate.adapters.FakeOpenAiUpstream;
import dev.streamgate.adapters.FakeReply;
import dev.streamgate.adapters.InferenceAdapterContract;
import dev.streamgate.adapters.TestRequests;
import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.adapters.spi.UpstreamException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.PoolSettings;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.config.UpstreamTimeouts;
import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

class OpenAiCompatibleAdapterIT extends InferenceAdapterContract {
    /** Generous: the first exchange of a cold JVM on a loaded machine takes seconds; assertions never wait it out. */
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    /** Timeouts of the tests that are not about timeouts. */
    private static final UpstreamTimeouts RELAXED = new UpstreamTimeouts(Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(30));
    private static FakeOpenAiUpstream upstream;

    private final List<InferenceAdapter> adapters = new ArrayList<>();
    private OpenAiCompatibleAdapter adapter;

    @BeforeAll
    static void startUpstream() {
        upstream = FakeOpenAiUpstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @BeforeEach
    void resetUpstream() {
        upstream.reset();
        adapter = adapter(upstream.baseUrl(), RELAXED, null, Map.of());
    }

    @AfterEach
    void closeAdapters() {
        adapters.forEach(InferenceAdapter::close);
    }

    @Override
    protected InferenceAdapter adapter() {
        return adapter;
    }

    @Override
    protected InferenceAdapter slowAdapter() {
        upstream.defaultReply(FakeReply.echo().tokenDelay(Duration.ofMillis(50)));
        return adapter;
    }

    @Override
    protected long backendCalls() {
        return upstream.requestCount();
    }

    @Override
    protected reactor.core.publisher.Mono<?> backendCancellation() {
        return upstream.cancellation();
    }

    private OpenAiCompatibleAdapter adapter(URI baseUrl, UpstreamTimeouts timeouts, PoolSettings pool,
                                            Map<String, String> options) {
        OpenAiCompatibleAdapter created = new OpenAiCompatibleAdapter(new DeploymentConfig("fake-openai", "gpt-test",
                ProviderKind.OPENAI, baseUrl, "sk-upstream", "upstream-model", 1, null, pool, timeouts, options),
                Clock.fixed(NOW, ZoneOffset.UTC), Schedulers.parallel());
        adapters.add(created);
        return created;
    }

    @Test
    void sendsTheCallersBodyWithTheUpstreamModelAndStreamingAsAsked() {
        ChatCompletionRequest chat = TestRequests.chatRequest("gpt-test", List.of(TestRequests.message(
                dev.streamgate.streaming.openai.ChatMessage.Role.USER, "hi")), 5, true);
        chat.raw().putArray("tools").addObject().put("type", "function");
        InferenceRequest request = new InferenceRequest("req-42", "tenant-7", chat);

        collect(adapter.stream(request));

        FakeOpenAiUpstream.RecordedRequest received = upstream.lastRequest();
        assertThat(received.path()).isEqualTo("/v1/chat/completions");
        assertThat(received.header("authorization")).isEqualTo("Bearer sk-upstream");
        assertThat(received.header("x-request-id")).isEqualTo("req-42");
        assertThat(received.header("content-type")).isEqualTo("application/json");
        JsonNode body = received.body();
        assertThat(body.path("model").asString()).isEqualTo("upstream-model");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("user").asString()).isEqualTo("tenant-7");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(5);
        assertThat(body.path("tools").path(0).path("type").asString()).isEqualTo("function");
        // the caller's parsed request is shared with the rest of the gateway and must stay as it was
        assertThat(chat.raw().path("model").asString()).isEqualTo("gpt-test");
        assertThat(chat.raw().has("stream_options")).isFalse();
    }

    @Test
    void aSingleResponseRequestIsSentAsOneAndItsAnswerDecodedWhole() {
        upstream.enqueue(FakeReply.tokens("Hello", " there").usage(7, 2));
        ChatCompletionRequest chat = TestRequests.chatRequest("gpt-test", List.of(TestRequests.message(
                dev.streamgate.streaming.openai.ChatMessage.Role.USER, "hi")), 5, false);

        List<StreamEvent> events = collect(adapter.stream(new InferenceRequest("req-43", "tenant-7", chat)));

        JsonNode body = upstream.lastRequest().body();
        assertThat(body.path("stream").asBoolean(true)).isFalse();
        assertThat(body.has("stream_options")).as("OpenAI refuses it without stream").isFalse();
        assertThat(events).containsExactly(new StreamEvent.TextDelta("Hello there"),
                new StreamEvent.UsageReport(new Usage(7, 2, false)),
                new StreamEvent.Finish(FinishReason.STOP));
    }

    @Test
    void keepsTheCallersUserAndLeavesStreamOptionsOutWhenTold() {
        OpenAiCompatibleAdapter noUsage = adapter(upstream.baseUrl(), RELAXED, null,
                Map.of(OpenAiCompatibleAdapter.OPTION_STREAM_USAGE, "false"));
        ChatCompletionRequest chat = TestRequests.chatRequest("gpt-test", List.of(TestRequests.message(
                dev.streamgate.streaming.openai.ChatMessage.Role.USER, "hi")), null, true);
        chat.raw().put("user", "end-user-1");
        chat.raw().putObject("stream_options").put("include_usage", true);

        List<StreamEvent> events = collect(noUsage.stream(new InferenceRequest("r", "tenant-7", chat)));

        JsonNode body = upstream.lastRequest().body();
        assertThat(body.path("user").asString()).isEqualTo("end-user-1");
        assertThat(body.has("stream_options")).isFalse();
        assertThat(events).noneMatch(StreamEvent.UsageReport.class::isInstance);
    }

    @Test
    void decodesTokensUsageAndFinishReason() {
        upstream.enqueue(FakeReply.tokens("Hel", "lo").usage(11, 2).finishReason("length"));

        StepVerifier.create(adapter.stream(TestRequests.chat("gpt-test", "hi")))
                .expectNext(new StreamEvent.TextDelta("Hel"), new StreamEvent.TextDelta("lo"))
                .expectNext(new StreamEvent.UsageReport(new Usage(11, 2, false)))
                .expectNext(new StreamEvent.Finish(FinishReason.LENGTH))
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void finishesAStreamThatEndsWithoutDone() {
        upstream.enqueue(FakeReply.tokens("a").withoutDone());

        StepVerifier.create(adapter.stream(TestRequests.chat("gpt-test", "hi")))
                .expectNext(new StreamEvent.TextDelta("a"))
                .expectNextMatches(StreamEvent.UsageReport.class::isInstance)
                .expectNext(new StreamEvent.Finish(FinishReason.STOP))
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void rateLimitBecomesARetryableErrorWithRetryAfterInSeconds() {
        upstream.enqueue(FakeReply.status(429).retryAfter("7").message("slow down"));

        expectUpstreamError(adapter.stream(TestRequests.chat("gpt-test", "hi")), error -> {
            assertThat(error.kind()).isEqualTo(UpstreamException.Kind.HTTP_STATUS);
            assertThat(error.status()).isEqualTo(429);
            assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(error.deploymentId()).isEqualTo("fake-openai");
            assertThat(error.getMessage()).contains("429").contains("slow down");
            assertThat(error.retryable()).isTrue();
        });
    }

    @Test
    void serverErrorCarriesRetryAfterGivenAsAnHttpDate() {
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(NOW.plusSeconds(120), ZoneOffset.UTC));
        upstream.enqueue(FakeReply.status(503).retryAfter(inTwoMinutes));

        expectUpstreamError(adapter.stream(TestRequests.chat("gpt-test", "hi")), error -> {
            assertThat(error.status()).isEqualTo(503);
            assertThat(error.retryAfter()).isEqualTo(Duration.ofMinutes(2));
            assertThat(error.retryable()).isTrue();
        });
    }

    @Test
    void clientErrorIsNotRetryable() {
        upstream.enqueue(FakeReply.status(400).message("max_tokens is too large").errorType("invalid_request_error"));

        expectUpstreamError(adapter.stream(TestRequests.chat("gpt-test", "hi")), error -> {
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.retryAfter()).isNull();
            assertThat(error.getMessage()).contains("max_tokens is too large");
            assertThat(error.retryable()).isFalse();
        });
    }

    @Test
    void refusedConnectionIsAConnectError() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        OpenAiCompatibleAdapter unreachable = adapter(URI.create("http://127.0.0.1:" + closedPort + "/v1"), RELAXED,
                null, Map.of());

        expectUpstreamError(unreachable.stream(TestRequests.chat("gpt-test", "hi")), error -> {
            assertThat(error.kind()).isEqualTo(UpstreamException.Kind.CONNECT);
            assertThat(error.retryable()).isTrue();
        });
    }

    @Test
    void aWholeAnswerLargerThanTheBoundIsAProtocolErrorNotAHeapFull() {
        String huge = "{\"pad\":\"" + "x".repeat(UpstreamCall.MAX_WHOLE_BODY_BYTES) + "\"}";
        upstream.enqueue(FakeReply.raw("application/json", huge));
        ChatCompletionRequest chat = TestRequests.chatRequest("gpt-test", List.of(TestRequests.message(
                dev.streamgate.streaming.openai.ChatMessage.Role.USER, "hi")), null, false);

        expectUpstreamError(adapter.stream(new InferenceRequest("req-44", "tenant-7", chat)), error -> {
            assertThat(error.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
            assertThat(error.getMessage()).contains("more than " + UpstreamCall.MAX_WHOLE_BODY_BYTES + " bytes");
        });
    }

    @Test
    void silenceBeforeTheFirstChunkTimesOutAndClosesTheConnection() {
        upstream.enqueue(FakeReply.echo().headerDelay(Duration.ofSeconds(10)));
        OpenAiCompatibleAdapter impatient = adapter(upstream.baseUrl(), new UpstreamTimeouts(Duration.ofSeconds(1),
                Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ofSeconds(10)), null, Map.of());

        expectUpstreamError(impatient.stream(TestRequests.chat("gpt-test", "hi")), error -> {
            assertThat(error.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT);
            assertThat(error.getMessage()).contains("first chunk");
        });
        StepVerifier.create(upstream.cancellation()).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(1));
    }

    @Test
    void silenceBetweenChunksEndsAStartedStreamWithAnError() {
        upstream.enqueue(FakeReply.tokens("a", "b", "c").hangAfter(1));
        OpenAiCompatibleAdapter impatient = adapter(upstream.baseUrl(), new UpstreamTimeouts(Duration.ofSeconds(1),
                Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofSeconds(10)), null, Map.of());

        StepVerifier.create(impatient.stream(TestRequests.chat("gpt-test", "hi")))
                .expectNext(new StreamEvent.TextDelta("a"))
                .assertNext(event -> assertThat(event).isInstanceOfSatisfying(StreamEvent.StreamError.class, error -> {
                    assertThat(error.status()).isEqualTo(502);
                    assertThat(error.type()).isEqualTo("upstream_error");
                    assertThat(error.code()).isEqualTo("timeout");
                    assertThat(error.message()).contains("no chunk for");
                }))
                .expectComplete()
                .verify(WAIT);
        StepVerifier.create(upstream.cancellation()).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(1));
    }

    @Test
    void totalTimeoutCutsALongStream() {
        upstream.enqueue(FakeReply.tokens("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")
                .tokenDelay(Duration.ofMillis(100)));
        OpenAiCompatibleAdapter impatient = adapter(upstream.baseUrl(), new UpstreamTimeouts(Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(450)), null, Map.of());

        List<StreamEvent> events = collect(impatient.stream(TestRequests.chat("gpt-test", "hi")));

        assertThat(events.getLast()).isInstanceOfSatisfying(StreamEvent.StreamError.class,
                error -> assertThat(error.message()).contains("whole response"));
        assertThat(events).hasSizeBetween(2, 7);
    }

    @Test
    void exhaustedPoolFailsFastWithPoolExhausted() {
        upstream.enqueue(FakeReply.tokens("a", "b").hangAfter(1));
        OpenAiCompatibleAdapter single = adapter(upstream.baseUrl(), RELAXED,
                new PoolSettings(1, 10, Duration.ofMillis(200), Duration.ofSeconds(30)), Map.of());
        List<StreamEvent> first = new ArrayList<>();
        Disposable holding = single.stream(TestRequests.chat("gpt-test", "hi")).subscribe(first::add);
        try {
            StepVerifier.create(upstream.request(0)).expectNextCount(1).expectComplete().verify(WAIT);

            expectUpstreamError(single.stream(TestRequests.chat("gpt-test", "hi")), error -> {
                assertThat(error.kind()).isEqualTo(UpstreamException.Kind.POOL_EXHAUSTED);
                assertThat(error.retryable()).isTrue();
            });
            assertThat(upstream.requestCount()).isEqualTo(1);
        } finally {
            holding.dispose();
        }
        // the held connection was closed, not leaked: the pool serves the next request
        upstream.enqueue(FakeReply.tokens("again"));
        assertThat(collect(single.stream(TestRequests.chat("gpt-test", "hi"))).getFirst())
                .isEqualTo(new StreamEvent.TextDelta("again"));
    }

    @Test
    void cancellingBeforeTheResponseStartsClosesTheConnection() {
        upstream.enqueue(FakeReply.echo().headerDelay(Duration.ofSeconds(10)));
        Disposable waiting = adapter.stream(TestRequests.chat("gpt-test", "hi")).subscribe();
        StepVerifier.create(upstream.request(0)).expectNextCount(1).expectComplete().verify(WAIT);

        waiting.dispose();

        StepVerifier.create(upstream.cancellation()).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(1));
    }

    @Test
    void reusesAConnectionAfterACompleteStreamButNotAfterACancelledOne() {
        collect(adapter.stream(TestRequests.chat("gpt-test", "one")));
        collect(adapter.stream(TestRequests.chat("gpt-test", "two")));
        upstream.enqueue(FakeReply.tokens("a", "b").hangAfter(1));
        StepVerifier.create(adapter.stream(TestRequests.chat("gpt-test", "three")))
                .expectNext(new StreamEvent.TextDelta("a"))
                .thenCancel()
                .verify(WAIT);
        StepVerifier.create(upstream.cancellation()).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(1));
        collect(adapter.stream(TestRequests.chat("gpt-test", "four")));

        List<FakeOpenAiUpstream.RecordedRequest> requests = upstream.requests();
        assertThat(requests.get(1).clientPort()).isEqualTo(requests.get(0).clientPort());
        assertThat(requests.get(2).clientPort()).isEqualTo(requests.get(0).clientPort());
        assertThat(requests.get(3).clientPort()).isNotEqualTo(requests.get(2).clientPort());
    }

    @Test
    void connectionDroppedMidStreamEndsTheStreamWithAnError() {
        upstream.enqueue(FakeReply.tokens("a", "b", "c").dropAfter(2));

        StepVerifier.create(adapter.stream(TestRequests.chat("gpt-test", "hi")))
                .expectNext(new StreamEvent.TextDelta("a"), new StreamEvent.TextDelta("b"))
                .assertNext(event -> assertThat(event).isInstanceOfSatisfying(StreamEvent.StreamError.class, error -> {
                    assertThat(error.status()).isEqualTo(502);
                    assertThat(error.type()).isEqualTo("upstream_error");
                    assertThat(error.code()).isEqualTo("connect");
                }))
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void connectionDroppedBeforeTheFirstTokenIsARetryableError() {
        upstream.enqueue(FakeReply.tokens("a").dropAfter(0));

        expectUpstreamError(adapter.stream(TestRequests.chat("gpt-test", "hi")), error -> {
            assertThat(error.kind()).isEqualTo(UpstreamException.Kind.CONNECT);
            assertThat(error.retryable()).isTrue();
        });
    }

    @Test
    void errorChunkMidStreamEndsTheStreamWithTheUpstreamsMessage() {
        upstream.enqueue(FakeReply.tokens("a", "b").errorAfter(1, "engine overloaded"));

        StepVerifier.create(adapter.stream(TestRequests.chat("gpt-test", "hi")))
                .expectNext(new StreamEvent.TextDelta("a"))
                .assertNext(event -> assertThat(event).isInstanceOfSatisfying(StreamEvent.StreamError.class,
                        error -> {
                            assertThat(error.message()).contains("engine overloaded");
                            assertThat(error.status()).isEqualTo(502);
                            assertThat(error.type()).isEqualTo("upstream_error");
                            assertThat(error.code()).isEqualTo("http_status");
                        }))
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void errorChunkBeforeTheFirstTokenIsAnUpstreamErrorTheRouterMayRetry() {
        upstream.enqueue(FakeReply.tokens("a").errorAfter(0, "engine overloaded"));

        expectUpstreamError(adapter.stream(TestRequests.chat("gpt-test", "hi")), error -> {
            assertThat(error.kind()).isEqualTo(UpstreamException.Kind.HTTP_STATUS);
            assertThat(error.status()).isEqualTo(502);
            assertThat(error.getMessage()).contains("engine overloaded");
            assertThat(error.retryable()).isTrue();
        });
    }

    /**
     * The SSE messages of one network read are one group: the gateway then handles them in one pass and writes them
     * to its client at once. A group with a reported error after a delta keeps the delta and ends in-band.
     */
    @Test
    void theMessagesOfOneReadAreOneGroup() {
        upstream.enqueue(FakeReply.raw("text/event-stream",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n"));

        List<List<StreamEvent>> batches = adapter.batches(TestRequests.chat("gpt-test", "hi")).collectList()
                .block(WAIT);

        assertThat(batches).isNotNull().allSatisfy(batch -> assertThat(batch).isNotEmpty());
        assertThat(batches.getFirst()).containsExactly(new StreamEvent.TextDelta("Hel"),
                new StreamEvent.TextDelta("lo"), new StreamEvent.Finish(FinishReason.STOP));
    }

    @Test
    void malformedStreamIsAProtocolError() {
        upstream.enqueue(FakeReply.raw("text/event-stream", "data: {\"choices\": [oops\n\n"));

        expectUpstreamError(adapter.stream(TestRequests.chat("gpt-test", "hi")), error -> {
            assertThat(error.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
            assertThat(error.getMessage()).contains("malformed JSON");
            assertThat(error.retryable()).isFalse();
        });
    }

    @Test
    void streamCutShortWithoutFinishIsAProtocolError() {
        upstream.enqueue(FakeReply.raw("text/event-stream",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"half\"}}]}\n\n"));

        StepVerifier.create(adapter.stream(TestRequests.chat("gpt-test", "hi")))
                .expectNext(new StreamEvent.TextDelta("half"))
                .assertNext(event -> assertThat(event).isInstanceOfSatisfying(StreamEvent.StreamError.class,
                        error -> assertThat(error.code()).isEqualTo("protocol")))
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void jsonInsteadOfAStreamIsAProtocolError() {
        upstream.enqueue(FakeReply.raw("application/json", "{\"object\":\"chat.completion\"}"));

        expectUpstreamError(adapter.stream(TestRequests.chat("gpt-test", "hi")),
                error -> assertThat(error.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL));
    }

    private static void expectUpstreamError(Flux<StreamEvent> stream, Consumer<UpstreamException> checks) {
        StepVerifier.create(stream)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(UpstreamException.class,
                        checks))
                .verify(WAIT);
    }
}
