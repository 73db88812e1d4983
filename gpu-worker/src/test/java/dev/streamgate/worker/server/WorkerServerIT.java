package dev.streamgate.worker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.streamgate.streaming.testsupport.RawHttp1Connection;
import dev.streamgate.worker.WorkerRuntime;
import dev.streamgate.worker.scheduler.SchedulerState;
import dev.streamgate.worker.testsupport.FakeEngineFactory;
import dev.streamgate.worker.testsupport.Fixtures;
import dev.streamgate.worker.testsupport.WorkerHttp;
import dev.streamgate.worker.testsupport.WorkerHttp.Reply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The worker's HTTP API on a free port, served by the fake engine with the llama-gqa-f32 fixture's tokenizer. */
class WorkerServerIT {
    private static final String MODEL = "llama-gqa-f32";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final FakeEngineFactory ENGINES = new FakeEngineFactory(Duration.ofMillis(2));

    private static PrometheusMeterRegistry registry;
    private static WorkerServer server;
    private static WorkerRuntime runtime;
    private static WorkerHttp client;

    @BeforeAll
    static void start() {
        // Request handling runs on Netty's event loops and Reactor's parallel threads: nothing there may block
        // (BlockHound is installed for every test of this JVM, by the streaming test-jar's BlockHoundSession).
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = WorkerServer.start("127.0.0.1", 0, registry::scrape, Clock.systemUTC());
        runtime = WorkerRuntime.builder(Fixtures.folder(MODEL)).engineFactory(ENGINES).meterRegistry(registry)
                .start();
        server.attach(runtime);
        client = new WorkerHttp(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        runtime.close();
        assertThat(ENGINES.violations()).isEmpty();
    }

    @Test
    void streamingChatSendsRoleThenContentThenFinishThenUsageThenDone() {
        Reply reply = client.post("/v1/chat/completions", """
                {"model": "llama-gqa-f32", "stream": true, "stream_options": {"include_usage": true},
                 "max_tokens": 8, "temperature": 0, "messages": [{"role": "user", "content": "Stream the answer."}]}
                """);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        List<String> data = reply.sseData();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(JSON::readTree).toList();
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.path("object").stringValue()).isEqualTo("chat.completion.chunk");
            assertThat(c.path("model").stringValue()).isEqualTo(MODEL);
            assertThat(c.path("id").stringValue()).isEqualTo(chunks.getFirst().path("id").stringValue());
        });
        assertThat(chunks.getFirst().at("/choices/0/delta/role").stringValue()).isEqualTo("assistant");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").stringValue()).isEqualTo("length");
        assertThat(finish.path("usage").isNull()).isTrue();
        JsonNode usage = chunks.getLast();
        assertThat(usage.path("choices").isEmpty()).isTrue();
        int promptTokens = Fixtures.expected(MODEL).at("/chats/0/input_ids").size();
        assertThat(usage.at("/usage/prompt_tokens").intValue()).isEqualTo(promptTokens);
        assertThat(usage.at("/usage/completion_tokens").intValue()).isEqualTo(8);
        assertThat(usage.at("/usage/total_tokens").intValue()).isEqualTo(promptTokens + 8);
    }

    @Test
    void nonStreamingChatHasTheSameTextAsTheStream() {
        String request = """
                {"model": "llama-gqa-f32", "stream": %s, "max_tokens": 12, "temperature": 0,
                 "messages": [{"role": "system", "content": "You limit every tenant."},
                              {"role": "user", "content": [{"type": "text", "text": "And for each user?"}]}]}
                """;
        StringBuilder streamed = new StringBuilder();
        List<String> data = client.post("/v1/chat/completions", request.formatted("true")).sseData();
        data.subList(0, data.size() - 1).forEach(d -> streamed.append(JSON.readTree(d)
                .at("/choices/0/delta/content").asString("")));
        assertThat(data.stream().filter(d -> d.contains("\"usage\""))).isEmpty();

        Reply whole = client.post("/v1/chat/completions", request.formatted("false"));

        assertThat(whole.status()).isEqualTo(200);
        JsonNode body = whole.json();
        assertThat(body.path("object").stringValue()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/role").stringValue()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/message/content").stringValue()).isEqualTo(streamed.toString()).isNotEmpty();
        assertThat(body.at("/choices/0/finish_reason").stringValue()).isEqualTo("length");
        assertThat(body.at("/usage/completion_tokens").intValue()).isEqualTo(12);
    }

    @Test
    void chatLogprobsCarryTheTokenAndItsAlternatives() {
        JsonNode body = client.post("/v1/chat/completions", """
                {"model": "llama-gqa-f32", "max_tokens": 4, "temperature": 0, "logprobs": true, "top_logprobs": 3,
                 "messages": [{"role": "user", "content": "Stream the answer."}]}
                """).json();

        JsonNode content = body.at("/choices/0/logprobs/content");
        assertThat(content.size()).isEqualTo(4);
        for (JsonNode entry : content) {
            assertThat(entry.path("logprob").isNumber()).isTrue();
            assertThat(entry.path("bytes").isArray()).isTrue();
            assertThat(entry.path("top_logprobs").size()).isEqualTo(3);
            assertThat(entry.at("/top_logprobs/0/token").stringValue()).isEqualTo(entry.path("token").stringValue());
        }
    }

    @Test
    void streamedChatLogprobsComeOnePerTokenInItsContentChunk() {
        Reply reply = client.post("/v1/chat/completions", """
                {"model": "llama-gqa-f32", "stream": true, "max_tokens": 5, "temperature": 0, "logprobs": true,
                 "top_logprobs": 2, "messages": [{"role": "user", "content": "Stream the answer."}]}
                """);

        List<JsonNode> chunks = reply.sseData().stream().filter(d -> !d.equals("[DONE]")).map(JSON::readTree)
                .toList();
        assertThat(chunks.getFirst().at("/choices/0/delta/role").stringValue()).isEqualTo("assistant");
        assertThat(chunks.getFirst().at("/choices/0/logprobs").isNull()).isTrue();
        List<JsonNode> withLogprobs = chunks.stream()
                .filter(c -> c.at("/choices/0/logprobs").isObject()).toList();
        assertThat(withLogprobs).hasSize(5).allSatisfy(c -> {
            JsonNode entry = c.at("/choices/0/logprobs/content/0");
            assertThat(entry.path("top_logprobs").size()).isEqualTo(2);
            assertThat(c.at("/choices/0/delta/content").isString()).isTrue();
            assertThat(c.path("id").stringValue()).isEqualTo(chunks.getFirst().path("id").stringValue());
        });
        assertThat(chunks.getLast().at("/choices/0/finish_reason").stringValue()).isEqualTo("length");
    }

    @Test
    void completionsStreamAndWholeAgreeAndCarryLegacyLogprobs() {
        String request = """
                {"model": "llama-gqa-f32", "prompt": "The gateway streams", "max_tokens": 6, "temperature": 0,
                 "logprobs": 2, "stream": %s}
                """;
        StringBuilder streamed = new StringBuilder();
        List<String> data = client.post("/v1/completions", request.formatted("true")).sseData();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        data.subList(0, data.size() - 1).forEach(d -> streamed.append(JSON.readTree(d)
                .at("/choices/0/text").asString("")));

        JsonNode body = client.post("/v1/completions", request.formatted("false")).json();

        assertThat(body.path("object").stringValue()).isEqualTo("text_completion");
        assertThat(body.at("/choices/0/text").stringValue()).isEqualTo(streamed.toString());
        assertThat(body.at("/choices/0/logprobs/tokens").size()).isEqualTo(6);
        assertThat(body.at("/choices/0/logprobs/token_logprobs").size()).isEqualTo(6);
        assertThat(body.at("/choices/0/logprobs/text_offset").size()).isEqualTo(6);
        // BOS + the prompt's tokens, as in the fixture.
        assertThat(body.at("/usage/prompt_tokens").intValue())
                .isEqualTo(Fixtures.expected(MODEL).at("/prompts/0/input_ids").size());
    }

    @Test
    void completionsAcceptTokenIds() {
        JsonNode body = client.post("/v1/completions", """
                {"model": "llama-gqa-f32", "prompt": [0, 270, 363, 443], "max_tokens": 3, "temperature": 0}
                """).json();
        assertThat(body.at("/usage/prompt_tokens").intValue()).isEqualTo(4);
        assertThat(body.at("/usage/completion_tokens").intValue()).isEqualTo(3);
    }

    static Stream<Arguments> badRequests() {
        String chat = "/v1/chat/completions";
        String messages = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        String longText = "word ".repeat(600);
        return Stream.of(
                Arguments.of(chat, "{\"model\": \"gpt-4o\", " + messages + "}", "model"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"messages\": [{\"role\": \"user\", \"content\": \""
                        + longText + "\"}]}", "messages"),
                Arguments.of("/v1/completions", "{\"model\": \"llama-gqa-f32\", \"prompt\": \"" + longText + "\"}",
                        "prompt"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"max_tokens\": 600, " + messages + "}",
                        "max_tokens"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"max_completion_tokens\": 0, " + messages + "}",
                        "max_completion_tokens"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"temperature\": -1, " + messages + "}",
                        "temperature"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"top_p\": 1.5, " + messages + "}", "top_p"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"top_k\": -5, " + messages + "}", "top_k"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"min_p\": 2, " + messages + "}", "min_p"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"presence_penalty\": 3, " + messages + "}",
                        "presence_penalty"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"frequency_penalty\": -3, " + messages + "}",
                        "frequency_penalty"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"repetition_penalty\": 0, " + messages + "}",
                        "repetition_penalty"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"seed\": \"x\", " + messages + "}", "seed"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"stop\": 5, " + messages + "}", "stop"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"logprobs\": true, \"top_logprobs\": 50, "
                        + messages + "}", "top_logprobs"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"n\": 3, " + messages + "}", "n"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"messages\": [{\"role\": \"wizard\", "
                        + "\"content\": \"hi\"}]}", "messages[0].role"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\"}", "messages"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"stream\": true, "
                        + "\"stream_options\": {\"include_usage\": 1}, " + messages + "}",
                        "stream_options.include_usage"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"stream_options\": {\"include_usage\": true}, "
                        + messages + "}", "stream_options"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"messages\": [{\"role\": \"user\", \"content\": "
                        + "[{\"type\": \"text\", \"text\": \"What is this?\"}, {\"type\": \"image_url\", "
                        + "\"image_url\": {\"url\": \"https://example.com/a.png\"}}]}]}",
                        "messages[0].content[1].type"),
                Arguments.of(chat, "{\"model\": \"llama-gqa-f32\", \"tools\": [{\"type\": \"function\", "
                        + "\"function\": {\"name\": \"f\"}}], " + messages + "}", "tools"),
                Arguments.of("/v1/completions", "{\"model\": \"llama-gqa-f32\", \"prompt\": [0, 99999]}", "prompt"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badInputGetsAn400NamingTheParameter(String path, String body, String param) {
        Reply reply = client.post(path, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        JsonNode error = reply.json().path("error");
        assertThat(error.path("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").stringValue()).isEqualTo(param);
        assertThat(error.path("message").stringValue()).isNotBlank();
    }

    @Test
    void anIncomingTraceparentKeepsItsTraceIdAndTheRequestIdIsEchoed() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Reply reply = client.post("/v1/chat/completions", """
                {"model": "llama-gqa-f32", "max_tokens": 2, "messages": [{"role": "user", "content": "Hi"}]}
                """, Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01", "X-Request-Id", "req-42"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("X-Request-Id")).isEqualTo("req-42");
        assertThat(reply.header("traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-01")
                .doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void aRequestWithoutTraceContextStartsANewTrace() {
        Reply reply = client.post("/v1/completions", "{\"model\": \"llama-gqa-f32\", \"prompt\": \"Hi\", "
                + "\"max_tokens\": 1}", Map.of("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
                .doesNotStartWith("00-00000000000000000000000000000000");
        assertThat(reply.header("X-Request-Id")).matches("[0-9a-f]{32}");
    }

    @Test
    void malformedJsonGetsA400() {
        Reply reply = client.post("/v1/chat/completions", "{\"model\": ");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/error/code").stringValue()).isEqualTo("invalid_json");
        assertThat(reply.json().at("/error/param").isNull()).isTrue();
    }

    @Test
    void modelsHealthAndMetricsDescribeTheWorker() {
        JsonNode models = client.get("/v1/models").json();
        assertThat(models.at("/data/0/id").stringValue()).isEqualTo(MODEL);
        assertThat(models.at("/data/0/max_model_len").intValue()).isEqualTo(512);

        Reply health = client.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("backend").stringValue()).isEqualTo("fake");

        client.post("/v1/completions", "{\"model\": \"llama-gqa-f32\", \"prompt\": \"hi\", \"max_tokens\": 2}");
        String metrics = client.get("/metrics").body();
        assertThat(metrics).contains("streamgate_worker_requests_running", "streamgate_worker_requests_waiting",
                "streamgate_worker_kv_blocks_used", "streamgate_worker_batch_tokens", "streamgate_worker_step_duration",
                "streamgate_worker_preemptions", "streamgate_worker_tokens_generated_total",
                "gen_ai_server_time_to_first_token", "gen_ai_server_time_per_output_token");
    }

    @Test
    void healthAndApiAnswer503UntilAModelIsAttached() {
        try (WorkerServer loading = WorkerServer.start("127.0.0.1", 0, () -> "", Clock.systemUTC())) {
            WorkerHttp loadingClient = new WorkerHttp(loading.port());
            assertThat(loadingClient.get("/health").status()).isEqualTo(503);
            assertThat(loadingClient.post("/v1/chat/completions", "{\"model\": \"llama-gqa-f32\", "
                    + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").status()).isEqualTo(503);
            loading.attach(runtime);
            assertThat(loadingClient.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void clientDisconnectCancelsTheSequenceAndFreesItsBlocks() {
        long cancelledBefore = runtime.state().cancellations();
        String request = """
                {"model": "llama-gqa-f32", "stream": true, "max_tokens": 400, "temperature": 0,
                 "messages": [{"role": "user", "content": "Stream the answer."}]}
                """;
        List<String> received = client.client().post().uri("/v1/chat/completions")
                .send(ByteBufFlux.fromString(Mono.just(request)))
                .response((response, body) -> body.asString(StandardCharsets.UTF_8))
                .take(3)
                .collectList()
                .block(TIMEOUT);
        assertThat(received).hasSize(3);

        SchedulerState state = awaitIdle();
        assertThat(state.cancellations()).isEqualTo(cancelledBefore + 1);
        assertThat(state.kvBlocksUsed()).isZero();
    }

    /**
     * HTTP/1.1 lets a client send its next request before the answer to the last one arrives (RFC 9112 section
     * 9.3.2), and a keep-alive client does so by accident when it reads an answer before the server has finished
     * with it. A quick request queued behind a slow one must be answered, and the connection must go on reading:
     * the request that comes after them is answered too.
     */
    @Test
    void aConnectionKeepsReadingAfterARequestQueuedBehindASlowOne() throws Exception {
        try (RawHttp1Connection connection = new RawHttp1Connection(server.port(), TIMEOUT)) {
            connection.send(
                    RawHttp1Connection.request("POST", "/v1/completions",
                            "{\"model\": \"llama-gqa-f32\", \"prompt\": \"hi\", \"max_tokens\": 4}"),
                    RawHttp1Connection.request("GET", "/health", null));
            RawHttp1Connection.Response completion = connection.read();
            RawHttp1Connection.Response health = connection.read();
            connection.send(RawHttp1Connection.request("GET", "/v1/models", null));
            RawHttp1Connection.Response models = connection.read();

            assertThat(JSON.readTree(completion.body()).path("object").stringValue()).isEqualTo("text_completion");
            assertThat(JSON.readTree(health.body()).path("status").stringValue()).isEqualTo("ok");
            assertThat(JSON.readTree(models.body()).path("object").stringValue()).isEqualTo("list");
        }
    }

    // --- helpers

    private static SchedulerState awaitIdle() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        SchedulerState state = runtime.state();
        while (!(state.idle() && state.cancellations() > 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            state = runtime.state();
        }
        return state;
    }
}
