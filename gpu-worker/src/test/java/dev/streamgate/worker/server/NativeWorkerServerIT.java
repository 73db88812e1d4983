package dev.streamgate.worker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.streamgate.worker.BundledModel;
import dev.streamgate.worker.WorkerRuntime;
import dev.streamgate.worker.scheduler.SchedulerState;
import dev.streamgate.worker.testsupport.Fixtures;
import dev.streamgate.worker.testsupport.WorkerHttp;
import dev.streamgate.worker.testsupport.WorkerHttp.Reply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The worker as {@code java -jar} runs it: demo-chat on the engine found through ServiceLoader (the native one),
 * behind the HTTP server. Streaming answers, the 400s for bad input, cancellation and the operator endpoints.
 */
class NativeWorkerServerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String MODEL = BundledModel.DEMO_CHAT;

    private static WorkerServer server;
    private static WorkerRuntime runtime;
    private static WorkerHttp client;

    @BeforeAll
    static void start() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = WorkerServer.start("127.0.0.1", 0, registry::scrape, Clock.systemUTC());
        runtime = WorkerRuntime.builder(BundledModel.folder(MODEL)).meterRegistry(registry).start();
        server.attach(runtime);
        client = new WorkerHttp(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        runtime.close();
    }

    @Test
    void streamedAnswerIsTheRecordedOneWithUsageAndDone() {
        JsonNode sample = Fixtures.json(Fixtures.demoChat().resolve("samples.json")).at("/samples/0");
        ObjectNode request = chat(sample.path("question").stringValue());
        request.put("stream", true);
        request.putObject("stream_options").put("include_usage", true);

        Reply reply = client.post("/v1/chat/completions", request.toString());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        assertThat(reply.streamedChatText()).isEqualTo(sample.path("greedy_answer").stringValue());
        List<String> data = reply.sseData();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode usage = JsonMapper.shared().readTree(data.get(data.size() - 2)).path("usage");
        assertThat(usage.path("prompt_tokens").intValue()).isEqualTo(sample.path("prompt_ids").size());
        assertThat(usage.path("completion_tokens").intValue()).isEqualTo(sample.path("greedy_ids").size());
        JsonNode finish = JsonMapper.shared().readTree(data.get(data.size() - 3));
        assertThat(finish.at("/choices/0/finish_reason").stringValue()).isEqualTo("stop");
    }

    static Stream<Arguments> badRequests() {
        String chat = "/v1/chat/completions";
        String messages = "\"messages\": [{\"role\": \"user\", \"content\": \"What does the gateway do?\"}]";
        String model = "\"model\": \"" + MODEL + "\", ";
        return Stream.of(
                Arguments.of(chat, "{\"model\": \"llama-3-70b\", " + messages + "}", "model", "model_not_found"),
                Arguments.of(chat, "{" + model + "\"messages\": [{\"role\": \"user\", \"content\": \""
                        + "gateway ".repeat(600) + "\"}]}", "messages", "context_length_exceeded"),
                Arguments.of("/v1/completions", "{" + model + "\"prompt\": \"" + "tenant ".repeat(600) + "\"}",
                        "prompt", "context_length_exceeded"),
                Arguments.of(chat, "{" + model + "\"max_tokens\": 5000, " + messages + "}", "max_tokens",
                        "context_length_exceeded"),
                Arguments.of(chat, "{" + model + "\"temperature\": 2.5, " + messages + "}", "temperature", null),
                Arguments.of(chat, "{" + model + "\"top_p\": 0, " + messages + "}", "top_p", null),
                Arguments.of(chat, "{" + model + "\"top_k\": -2, " + messages + "}", "top_k", null),
                Arguments.of(chat, "{" + model + "\"min_p\": 1.5, " + messages + "}", "min_p", null),
                Arguments.of(chat, "{" + model + "\"repetition_penalty\": -1, " + messages + "}",
                        "repetition_penalty", null),
                Arguments.of(chat, "{" + model + "\"frequency_penalty\": 2.5, " + messages + "}",
                        "frequency_penalty", null));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badInputGetsA400NamingTheParameter(String path, String body, String param, String code) {
        Reply reply = client.post(path, body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        JsonNode error = reply.json().path("error");
        assertThat(error.path("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").stringValue()).isEqualTo(param);
        assertThat(error.path("message").stringValue()).isNotBlank();
        if (code != null) {
            assertThat(error.path("code").stringValue()).isEqualTo(code);
        }
    }

    @Test
    void clientDisconnectFreesTheSequencesBlocks() {
        long cancelledBefore = runtime.state().cancellations();
        ObjectNode request = chat("What does the gateway do?");
        request.put("stream", true);
        request.put("max_tokens", 400);
        request.put("ignore_eos", true);

        List<String> received = client.client().post().uri("/v1/chat/completions")
                .send(ByteBufFlux.fromString(Mono.just(request.toString())))
                .response((response, body) -> body.asString(StandardCharsets.UTF_8))
                .take(3)
                .collectList()
                .block(TIMEOUT);

        assertThat(received).hasSize(3);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        SchedulerState state = runtime.state();
        while (!(state.idle() && state.cancellations() > cancelledBefore) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            state = runtime.state();
        }
        assertThat(state.cancellations()).isEqualTo(cancelledBefore + 1);
        assertThat(state.kvBlocksUsed()).isZero();
    }

    @Test
    void healthNamesTheNativeBackendAndMetricsCountTokens() {
        client.post("/v1/chat/completions", chat("Who pays for tokens?").toString());

        Reply health = client.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("backend").stringValue()).startsWith("cpu-");
        assertThat(client.get("/v1/models").json().at("/data/0/max_model_len").intValue()).isEqualTo(512);
        String metrics = client.get("/metrics").body();
        assertThat(metrics).containsPattern("streamgate_worker_tokens_generated_total\\{model=\"demo-chat\"} [1-9]");
    }

    private static ObjectNode chat(String question) {
        ObjectNode request = JsonMapper.shared().createObjectNode();
        request.put("model", MODEL);
        request.put("temperature", 0);
        request.putArray("messages").addObject().put("role", "user").put("content", question);
        return request;
    }
}
