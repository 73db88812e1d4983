package dev.streamgate.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The fake's own wire behaviour, as other modules' tests rely on it; the adapter tests cover the streaming side. */
class FakeOpenAiUpstreamIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final FakeOpenAiUpstream upstream = FakeOpenAiUpstream.start();

    @AfterEach
    void stop() {
        upstream.close();
    }

    private Mono<Answer> post(String body) {
        return HttpClient.create()
                .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                .post()
                .uri(upstream.baseUrl() + "/chat/completions")
                .send((request, out) -> out.sendString(Mono.just(body)))
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(),
                                response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER),
                                response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), text)));
    }

    private record Answer(int status, String retryAfter, String contentType, String body) {
        JsonNode json() {
            return JsonMapper.shared().readTree(body);
        }
    }

    @Test
    void answersANonStreamingRequestWithOneCompletion() {
        String request = "{\"model\":\"m\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}";

        StepVerifier.create(post(request))
                .assertNext(answer -> {
                    assertThat(answer.status()).isEqualTo(200);
                    assertThat(answer.contentType()).isEqualTo("application/json");
                    JsonNode json = answer.json();
                    assertThat(json.path("object").asString()).isEqualTo("chat.completion");
                    assertThat(json.path("choices").path(0).path("message").path("content").asString())
                            .isEqualTo("a b ");
                    assertThat(json.path("choices").path(0).path("finish_reason").asString()).isEqualTo("length");
                    assertThat(json.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
                })
                .expectComplete()
                .verify(WAIT);
        assertThat(upstream.requestCount()).isEqualTo(1);
        assertThat(upstream.lastRequest().lastUserText()).isEqualTo("a b c");
        assertThat(upstream.lastRequest().header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void answersScriptedStatusesInOrderThenTheDefault() {
        upstream.enqueue(FakeReply.status(429).retryAfter("3").message("too many"));
        upstream.defaultReply(FakeReply.tokens("x"));
        String request = "{\"model\":\"m\",\"messages\":[]}";

        StepVerifier.create(post(request))
                .assertNext(answer -> {
                    assertThat(answer.status()).isEqualTo(429);
                    assertThat(answer.retryAfter()).isEqualTo("3");
                    assertThat(answer.json().path("error").path("message").asString()).isEqualTo("too many");
                })
                .expectComplete()
                .verify(WAIT);
        StepVerifier.create(post(request))
                .assertNext(answer -> assertThat(answer.json().path("choices").path(0).path("message")
                        .path("content").asString()).isEqualTo("x"))
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void streamsInOpenAisChunkFormat() {
        String request = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        StepVerifier.create(post(request))
                .assertNext(answer -> {
                    assertThat(answer.contentType()).isEqualTo("text/event-stream");
                    String[] events = answer.body().split("\n\n");
                    assertThat(events).hasSize(5);
                    assertThat(events[0]).startsWith("data: {").contains("\"role\":\"assistant\"");
                    assertThat(events[1]).contains("\"content\":\"hi\"").contains("chat.completion.chunk");
                    assertThat(events[2]).contains("\"finish_reason\":\"stop\"");
                    assertThat(events[3]).contains("\"usage\"").contains("\"choices\":[]");
                    assertThat(events[4]).isEqualTo("data: [DONE]");
                })
                .expectComplete()
                .verify(WAIT);
    }
}
