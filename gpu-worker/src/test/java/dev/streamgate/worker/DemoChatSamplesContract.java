package dev.streamgate.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.streamgate.worker.server.WorkerServer;
import dev.streamgate.worker.spi.EngineFactory;
import dev.streamgate.worker.testsupport.Fixtures;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bundled demo-chat model answers the seven questions of its {@code samples.json} token for token, through
 * the HTTP API: chat template, tokenizer, scheduler, engine, detokenizer and SSE-free JSON all in the path.
 * Runs against any engine that serves the model's weights; a subclass names the engine.
 */
public abstract class DemoChatSamplesContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private WorkerRuntime runtime;
    private WorkerServer server;

    protected abstract EngineFactory engineFactory();

    @BeforeEach
    void start() {
        runtime = WorkerRuntime.builder(BundledModel.folder(BundledModel.DEMO_CHAT)).engineFactory(engineFactory())
                .start();
        server = WorkerServer.start("127.0.0.1", 0, () -> "", Clock.systemUTC());
        server.attach(runtime);
    }

    @AfterEach
    void stop() {
        server.close();
        runtime.close();
    }

    @Test
    void answersEverySampleQuestionTokenForToken() {
        JsonNode samples = Fixtures.json(Fixtures.demoChat().resolve("samples.json")).path("samples");
        HttpClient client = HttpClient.create().baseUrl("http://127.0.0.1:" + server.port())
                .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
        assertThat(samples.size()).isEqualTo(7);
        for (JsonNode sample : samples) {
            ObjectNode request = JsonMapper.shared().createObjectNode();
            request.put("model", BundledModel.DEMO_CHAT);
            request.put("temperature", 0);
            request.put("max_tokens", 100);
            ObjectNode message = request.putArray("messages").addObject();
            message.put("role", "user");
            message.put("content", sample.path("question").stringValue());

            String body = client.post().uri("/v1/chat/completions")
                    .send(ByteBufFlux.fromString(Mono.just(request.toString())))
                    .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8))
                    .block(TIMEOUT);
            JsonNode answer = JsonMapper.shared().readTree(body);

            String question = sample.path("question").stringValue();
            assertThat(answer.at("/choices/0/message/content").stringValue()).as(question)
                    .isEqualTo(sample.path("greedy_answer").stringValue());
            assertThat(answer.at("/choices/0/finish_reason").stringValue()).as(question).isEqualTo("stop");
            assertThat(answer.at("/usage/prompt_tokens").intValue()).as(question)
                    .isEqualTo(sample.path("prompt_ids").size());
            assertThat(answer.at("/usage/completion_tokens").intValue()).as(question)
                    .isEqualTo(sample.path("greedy_ids").size());
        }
    }
}
