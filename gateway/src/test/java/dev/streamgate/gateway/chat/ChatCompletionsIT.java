package dev.streamgate.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamgate.adapters.FakeOpenAiUpstream;
import dev.streamgate.adapters.FakeReply;
import dev.streamgate.streaming.TraceParent;
import dev.streamgate.gateway.testsupport.GatewayAdmin;
import dev.streamgate.gateway.testsupport.GatewayAdmin.Limits;
import dev.streamgate.gateway.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The chat path end to end over real HTTP: the gateway on a free port with a real PostgreSQL, local rate limits
 * and an OpenAI-compatible fake upstream, driven with a customer's API key issued through the admin API.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ChatCompletionsIT {
    private static final String ADMIN_KEY = "sg-admin-chat-completions-it-0123456789";
    private static final FakeOpenAiUpstream UPSTREAM = FakeOpenAiUpstream.start();
    private static final TestPostgres.Database DB = TestPostgres.newDatabase();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("streamgate.database.url", DB::jdbcUrl);
        registry.add("streamgate.database.username", DB::user);
        registry.add("streamgate.database.password", DB::password);
        registry.add("streamgate.ratelimit.backend", () -> "local");
        registry.add("streamgate.auth.admin-key", () -> ADMIN_KEY);
        registry.add("streamgate.demo.enabled", () -> "false");
        registry.add("streamgate.chat.heartbeat-interval", () -> "200ms");
        registry.add("streamgate.metering.flush-interval", () -> "100ms");
        registry.add("streamgate.routing.retry.max-attempts", () -> "2");
        registry.add("streamgate.routing.retry.initial-backoff", () -> "10ms");
        registry.add("streamgate.routing.retry.max-backoff", () -> "20ms");
        registry.add("streamgate.routing.retry.jitter", () -> "0");
        // Tests here provoke upstream failures on purpose; the circuit breaker (tested with the router) must not
        // open and turn later tests' requests into 503s.
        registry.add("streamgate.routing.circuit-breaker.failure-rate-threshold", () -> "100");
        registry.add("streamgate.routing.circuit-breaker.sliding-window-size", () -> "1000");
        registry.add("streamgate.routing.circuit-breaker.minimum-calls", () -> "1000");
        registry.add("streamgate.routing.circuit-breaker.open-duration", () -> "1s");
        registry.add("streamgate.deployments[0].id", () -> "fake-1");
        registry.add("streamgate.deployments[0].model", () -> "fake");
        registry.add("streamgate.deployments[0].provider", () -> "openai");
        registry.add("streamgate.deployments[0].base-url", () -> UPSTREAM.baseUrl().toString());
        registry.add("streamgate.deployments[0].price.input-per-million", () -> "1.00");
        registry.add("streamgate.deployments[0].price.output-per-million", () -> "2.00");
        registry.add("streamgate.deployments[1].id", () -> "echo");
        registry.add("streamgate.deployments[1].model", () -> "echo");
        registry.add("streamgate.deployments[1].provider", () -> "echo");
        registry.add("streamgate.deployments[2].id", () -> "demo-chat-local");
        registry.add("streamgate.deployments[2].model", () -> "demo-chat");
        registry.add("streamgate.deployments[2].provider", () -> "worker");
        registry.add("streamgate.deployments[2].options.model", () -> "demo-chat");
    }

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient database;

    private WebTestClient client;
    private String key;

    @BeforeAll
    void tenancy() {
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();
        key = new GatewayAdmin(client, ADMIN_KEY).tenantWithKey("acme", Limits.GENEROUS, Limits.GENEROUS,
                List.of("fake", "echo", "demo-chat"));
    }

    @BeforeEach
    void resetUpstream() {
        UPSTREAM.reset();
    }

    @AfterAll
    void stopUpstream() {
        UPSTREAM.close();
    }

    private static String body(String model, String text, boolean stream, String extra) {
        return """
                {"model":"%s","stream":%s,%s"messages":[{"role":"user","content":"%s"}]}"""
                .formatted(model, stream, extra, text);
    }

    private WebTestClient.RequestHeadersSpec<?> chat(String json) {
        return client.post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json);
    }

    @Test
    void nonStreamingAnswerIsOneCompletionWithUsageAndRateLimitHeaders() {
        UPSTREAM.enqueue(FakeReply.tokens("Hello", " there").usage(7, 2));
        var response = chat(body("fake", "hi", false, "")).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectHeader().exists("x-ratelimit-remaining-requests")
                .expectHeader().exists("x-ratelimit-limit-tokens")
                .expectBody()
                .jsonPath("$.object").isEqualTo("chat.completion")
                .jsonPath("$.model").isEqualTo("fake")
                .jsonPath("$.choices[0].message.role").isEqualTo("assistant")
                .jsonPath("$.choices[0].message.content").isEqualTo("Hello there")
                .jsonPath("$.choices[0].finish_reason").isEqualTo("stop")
                .jsonPath("$.usage.prompt_tokens").isEqualTo(7)
                .jsonPath("$.usage.completion_tokens").isEqualTo(2)
                .returnResult();
        String requestId = response.getResponseHeaders().getFirst("x-request-id");
        assertThat(requestId).startsWith("chatcmpl-");
        // A single-response request is sent upstream as one (no chunk per token to decode), with the request id.
        assertThat(UPSTREAM.lastRequest().bodyText()).contains("\"stream\":false").doesNotContain("stream_options");
        assertThat(UPSTREAM.lastRequest().header("x-request-id")).isEqualTo(requestId);

        Map<String, Object> row = awaitUsage(requestId);
        assertThat(row).containsEntry("tenant_id", "acme").containsEntry("deployment_id", "fake-1")
                .containsEntry("prompt_tokens", 7).containsEntry("completion_tokens", 2)
                .containsEntry("estimated", false).containsEntry("status", "completed")
                .containsEntry("finish_reason", "stop");
        // 7 * 1.00 / 1e6 + 2 * 2.00 / 1e6
        assertThat(new java.math.BigDecimal(row.get("cost").toString()))
                .isEqualByComparingTo("0.000011");
    }

    @Test
    void streamingAnswerIsOpenAiChunksEndingWithUsageAndDone() {
        UPSTREAM.enqueue(FakeReply.tokens("Hel", "lo").usage(5, 2));
        List<String> data = sse(body("fake", "hi", true, "\"stream_options\":{\"include_usage\":true},"));
        assertThat(data).hasSize(6);
        assertThat(data.get(0)).contains("\"object\":\"chat.completion.chunk\"")
                .contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}").contains("\"usage\":null");
        assertThat(data.get(1)).contains("\"delta\":{\"content\":\"Hel\"}");
        assertThat(data.get(2)).contains("\"delta\":{\"content\":\"lo\"}");
        assertThat(data.get(3)).contains("\"delta\":{}").contains("\"finish_reason\":\"stop\"");
        assertThat(data.get(4)).contains("\"choices\":[]")
                .contains("\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}");
        assertThat(data.get(5)).isEqualTo("[DONE]");
    }

    @Test
    void aSilentUpstreamGetsHeartbeatsUntilItsFirstToken() {
        UPSTREAM.enqueue(FakeReply.tokens("late").firstTokenDelay(Duration.ofMillis(900)));
        List<String> lines = rawSse(body("fake", "hi", true, ""));
        int firstData = lines.indexOf(lines.stream().filter(l -> l.startsWith("data:")).findFirst().orElseThrow());
        assertThat(lines.subList(0, firstData)).filteredOn(l -> l.startsWith(":")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines).contains("data: [DONE]");
    }

    @Test
    void anUpstreamFailingMidStreamEndsTheStreamWithAnErrorEventNotDone() {
        UPSTREAM.enqueue(FakeReply.tokens("a", "b", "c", "d").dropAfter(2));
        List<String> data = sse(body("fake", "hi", true, ""));
        assertThat(data.getLast()).contains("\"error\"").contains("upstream_error");
        assertThat(data).doesNotContain("[DONE]");
        assertThat(data).anySatisfy(d -> assertThat(d).contains("\"content\":\"a\""));
    }

    @Test
    void whenEveryAttemptFailsBeforeTheFirstTokenTheClientGetsAnHttpError() {
        UPSTREAM.defaultReply(FakeReply.status(500));
        chat(body("fake", "hi", true, "")).exchange()
                .expectStatus().isEqualTo(502)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("upstream_error")
                .jsonPath("$.error.code").isEqualTo("upstream_error");
        assertThat(UPSTREAM.requestCount()).isEqualTo(2);
    }

    @Test
    void retriesBeforeTheFirstTokenAreInvisibleToTheClient() {
        UPSTREAM.enqueue(FakeReply.status(503), FakeReply.tokens("ok"));
        chat(body("fake", "hi", false, "")).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.choices[0].message.content").isEqualTo("ok");
        assertThat(UPSTREAM.requestCount()).isEqualTo(2);
    }

    @Test
    void aClientThatDisconnectsCancelsTheUpstreamWithinOneSecond() {
        String[] tokens = new String[200];
        java.util.Arrays.fill(tokens, "x ");
        UPSTREAM.enqueue(FakeReply.tokens(tokens).tokenDelay(Duration.ofMillis(50)));
        Flux<String> stream = WebClient.create("http://127.0.0.1:" + port).post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("fake", "hi", true, ""))
                .retrieve().bodyToFlux(String.class);
        StepVerifier.create(stream.take(3)).expectNextCount(3).expectComplete().verify(Duration.ofSeconds(10));
        StepVerifier.create(UPSTREAM.cancellation()).expectNextCount(1).expectComplete()
                .verify(Duration.ofSeconds(1));
    }

    @Test
    void eachChunkReachesTheClientWhileTheUpstreamIsStillGenerating() {
        UPSTREAM.enqueue(FakeReply.tokens("one ", "two ", "three").tokenDelay(Duration.ofMillis(300)));
        Flux<String> chunks = WebClient.create("http://127.0.0.1:" + port).post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("fake", "stream me", true, ""))
                .retrieve().bodyToFlux(String.class);
        // frames are flushed when none other is ready, not held back until the stream ends
        StepVerifier.create(chunks.filter(chunk -> chunk.contains("one")).take(1)
                        .map(chunk -> UPSTREAM.replying()))
                .expectNext(1)
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aCancelledStreamIsMeteredOnceAsCancelled() {
        String[] tokens = new String[200];
        java.util.Arrays.fill(tokens, "y ");
        UPSTREAM.enqueue(FakeReply.tokens(tokens).tokenDelay(Duration.ofMillis(50)));
        var exchange = WebClient.create("http://127.0.0.1:" + port).post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("fake", "cancel me", true, ""))
                .exchangeToFlux(response -> Flux.just(response.headers().asHttpHeaders()
                        .getFirst("x-request-id")).concatWith(response.bodyToFlux(String.class).take(3)));
        List<String> seen = exchange.collectList().block(Duration.ofSeconds(10));
        String requestId = seen.getFirst();
        Map<String, Object> row = awaitUsage(requestId);
        assertThat(row).containsEntry("status", "cancelled").containsEntry("estimated", true);
        assertThat((Integer) row.get("completion_tokens")).isPositive();
        Long rows = database.sql("select count(*) from usage_records where request_id = :id")
                .bind("id", requestId).map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(5));
        assertThat(rows).isEqualTo(1L);
    }

    @Test
    void invalidFieldsAreRejectedNamingTheParam() {
        chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("model")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error");
        chat(body("fake", "hi", false, "\"temperature\":3,")).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("temperature");
        chat(body("fake", "hi", false, "\"n\":2,")).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("n");
        chat("{not json").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_json");
        assertThat(UPSTREAM.requestCount()).isZero();
    }

    @Test
    void unknownAndUnlicensedModelsAreRefused() {
        chat(body("nope", "hi", false, "")).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("model_not_found")
                .jsonPath("$.error.param").isEqualTo("model");
    }

    @Test
    void missingCredentialsGetOpenAiStyle401() {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("fake", "hi", false, "")).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.type").isEqualTo("authentication_error");
        assertThat(UPSTREAM.requestCount()).isZero();
    }

    @Test
    void modelsListsWhatThePlanAllows() {
        client.get().uri("/v1/models").header("Authorization", "Bearer " + key).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.data[*].id").isEqualTo(List.of("demo-chat", "echo", "fake"));
    }

    @Test
    void theEchoModelStreamsTheLastUserMessageBack() {
        List<String> data = sse(body("echo", "one two three", true, ""));
        String text = String.join("", data.stream().filter(d -> d.contains("\"content\":\""))
                .map(d -> d.replaceAll(".*\"content\":\"([^\"]*)\".*", "$1")).toList());
        assertThat(text).isEqualTo("one two three");
        assertThat(data.getLast()).isEqualTo("[DONE]");
    }

    @Test
    void prometheusShowsTheGenAiMetricsOfServedRequests() {
        UPSTREAM.enqueue(FakeReply.tokens("metered", " tokens").usage(3, 2));
        chat(body("fake", "hi", true, "")).exchange().expectStatus().isOk().expectBody(String.class)
                .returnResult();
        // an authentication failure of its own, so that the test does not depend on another one's
        client.post().uri("/v1/chat/completions").header("Authorization", "Bearer sk-sg-not-a-key")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body("fake", "hi", false, ""))
                .exchange().expectStatus().isUnauthorized();
        String metrics = client.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics)
                .contains("gen_ai_server_request_duration_seconds_count{gen_ai_request_model=\"fake\"")
                .contains("gen_ai_server_time_to_first_token_seconds")
                .contains("gen_ai_server_time_per_output_token_seconds")
                .contains("gen_ai_client_token_usage_sum{gen_ai_request_model=\"fake\",gen_ai_token_type=\"output\"")
                .contains("streamgate_streams_open")
                .contains("streamgate_cost_total")
                .contains("streamgate_auth_failures_total");
        // the server observation of the chat route, with Spring's tags, refusals included
        assertThat(metrics.lines().filter(line -> line.startsWith("http_server_requests_seconds_count{")))
                .anySatisfy(line -> assertThat(line).contains("method=\"POST\"").contains("outcome=\"SUCCESS\"")
                        .contains("status=\"200\"").contains("uri=\"/v1/chat/completions\""))
                .anySatisfy(line -> assertThat(line).contains("method=\"POST\"")
                        .contains("outcome=\"CLIENT_ERROR\"").contains("status=\"401\"")
                        .contains("uri=\"/v1/chat/completions\""));
    }

    @Test
    void logLinesOfARequestCarryItsTraceId(CapturedOutput output) {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        UPSTREAM.defaultReply(FakeReply.status(500));
        chat(body("fake", "hi", false, ""))
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .exchange().expectStatus().isEqualTo(502);
        assertThat(output.getOut().lines().filter(line -> line.contains("upstream_error"))
                .filter(line -> line.contains("/v1/chat/completions")))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains(traceId));
    }

    @Test
    void theTraceOfARequestIsContinuedUpstreamAndReturned() {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        UPSTREAM.enqueue(FakeReply.tokens("traced").usage(1, 1));
        var response = chat(body("fake", "hi", false, ""))
                .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult();

        TraceParent returned = TraceParent.parse(response.getResponseHeaders().getFirst("traceparent")).orElseThrow();
        TraceParent upstream = TraceParent.parse(UPSTREAM.lastRequest().header("traceparent")).orElseThrow();
        // W3C Trace Context: the same trace, with the gateway's own span as the upstream call's parent
        assertThat(returned.traceId()).isEqualTo(traceId);
        assertThat(upstream.traceId()).isEqualTo(traceId);
        assertThat(upstream.spanId()).isEqualTo(returned.spanId()).isNotEqualTo("b7ad6b7169203331");
    }

    @Test
    void errorsCarryATraceToo() {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isUnauthorized()
                .expectHeader().value("traceparent", value -> assertThat(TraceParent.parse(value)).isPresent());
    }

    @Test
    void theInProcessWorkerAnswersWithTheDemoChatModel() {
        // demo-chat's recorded greedy answer (transformers, float32) to this question.
        chat("""
                {"model":"demo-chat","temperature":0,"messages":[{"role":"user","content":"What does the gateway do?"}]}""")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.choices[0].message.content")
                .isEqualTo("The gateway routes the prompt to the right model. It also streams tokens over SSE.")
                .jsonPath("$.choices[0].finish_reason").isEqualTo("stop")
                .jsonPath("$.usage.estimated").doesNotExist();
    }

    /** The {@code data:} payloads of an SSE response. */
    private List<String> sse(String json) {
        return rawSse(json).stream().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }

    private List<String> rawSse(String json) {
        String text = chat(json).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();
        return text.lines().filter(l -> !l.isEmpty()).toList();
    }

    private Map<String, Object> awaitUsage(String requestId) {
        return Mono.defer(() -> database.sql("select * from usage_records where request_id = :id")
                        .bind("id", requestId).fetch().one())
                .repeatWhenEmpty(50, attempts -> attempts.delayElements(Duration.ofMillis(100)))
                .block(Duration.ofSeconds(10));
    }
}
