package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.openai.OpenAiChunkDecoder;
import dev.streamgate.streaming.sse.SseEvent;
import dev.streamgate.streaming.sse.SseEventParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The fake upstream checked with the gateway's own SSE parser and OpenAI decoder. */
class FakeUpstreamIT {
    private static final String SIXTEEN_TOKENS = "StreamGate answers every request with the same fake reply so that"
            + " the benchmark measures the gateway";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private DisposableServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    void streamsOpenAiChunksWithUsageAndDone() throws Exception {
        start(new FakeUpstream.Settings(16, Duration.ZERO, Duration.ZERO));

        HttpResponse<byte[]> response = post("""
                {"model":"gpt-bench","messages":[{"role":"user","content":"Twelve chars"}],
                 "stream":true,"stream_options":{"include_usage":true}}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<SseEvent> events = new SseEventParser().feed(response.body());
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        JsonNode first = JsonMapper.shared().readTree(events.getFirst().data());
        assertThat(first.get("object").asString()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("model").asString()).isEqualTo("gpt-bench");
        assertThat(first.at("/choices/0/delta/role").asString()).isEqualTo("assistant");
        assertThat(first.has("usage")).isTrue();
        assertThat(first.get("usage").isNull()).isTrue();

        List<StreamEvent> decoded = decode(events);
        assertThat(text(decoded)).isEqualTo(SIXTEEN_TOKENS);
        assertThat(decoded).endsWith(new StreamEvent.UsageReport(new Usage(3, 16, false)),
                new StreamEvent.Finish(FinishReason.STOP));
    }

    @Test
    void withoutIncludeUsageTheStreamHasNoUsageAtAll() throws Exception {
        start(new FakeUpstream.Settings(4, Duration.ZERO, Duration.ZERO));

        HttpResponse<byte[]> response = post("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}""");

        List<SseEvent> events = new SseEventParser().feed(response.body());
        assertThat(events).hasSize(1 + 4 + 1 + 1);
        for (SseEvent event : events.subList(0, events.size() - 1)) {
            assertThat(JsonMapper.shared().readTree(event.data()).has("usage")).isFalse();
        }
        assertThat(decode(events)).noneMatch(e -> e instanceof StreamEvent.UsageReport);
    }

    @Test
    void answersANonStreamingRequestWithOneCompletion() throws Exception {
        start(new FakeUpstream.Settings(16, Duration.ZERO, Duration.ZERO));

        HttpResponse<byte[]> response = post("""
                {"model":"m","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":[{"type":"text","text":"Hello there"}]}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        List<StreamEvent> decoded = OpenAiChunkDecoder.decodeCompletion(response.body());
        assertThat(text(decoded)).isEqualTo(SIXTEEN_TOKENS);
        // "Be brief." and "Hello there": 20 characters, 5 tokens at four characters each
        assertThat(decoded).endsWith(new StreamEvent.UsageReport(new Usage(5, 16, false)),
                new StreamEvent.Finish(FinishReason.STOP));
    }

    @Test
    void maxTokensCutsTheReplyShortWithFinishReasonLength() throws Exception {
        start(new FakeUpstream.Settings(16, Duration.ZERO, Duration.ZERO));

        List<StreamEvent> streamed = decode(new SseEventParser().feed(post("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":3}""").body()));
        List<StreamEvent> whole = OpenAiChunkDecoder.decodeCompletion(post("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":2}""").body());

        assertThat(text(streamed)).isEqualTo("StreamGate answers every");
        assertThat(streamed.getLast()).isEqualTo(new StreamEvent.Finish(FinishReason.LENGTH));
        assertThat(text(whole)).isEqualTo("StreamGate answers");
        assertThat(whole.getLast()).isEqualTo(new StreamEvent.Finish(FinishReason.LENGTH));
    }

    @Test
    void pacedStreamsTakeAtLeastTheirTokenDelays() throws Exception {
        start(new FakeUpstream.Settings(4, Duration.ofMillis(30), Duration.ofMillis(30)));

        long start = System.nanoTime();
        HttpResponse<byte[]> response = post("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}""");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(text(decode(new SseEventParser().feed(response.body()))))
                .isEqualTo("StreamGate answers every request");
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(4 * 30);
    }

    @Test
    void refusesBadRequestsTheWayOpenAiDoes() throws Exception {
        start(new FakeUpstream.Settings(4, Duration.ZERO, Duration.ZERO));

        HttpResponse<byte[]> noMessages = post("{\"model\":\"m\"}");
        HttpResponse<byte[]> notJson = post("{\"model\":");
        HttpResponse<byte[]> badStream = post("{\"model\":\"m\",\"messages\":[{}],\"stream\":\"yes\"}");

        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(error(noMessages).get("param").asString()).isEqualTo("messages");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(error(notJson).get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(badStream.statusCode()).isEqualTo(400);
        assertThat(error(badStream).get("param").asString()).isEqualTo("stream");
    }

    private void start(FakeUpstream.Settings settings) {
        server = new FakeUpstream(settings).start(0);
    }

    private HttpResponse<byte[]> post(String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + FakeUpstream.PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<StreamEvent> decode(List<SseEvent> events) {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        List<StreamEvent> decoded = new ArrayList<>();
        for (SseEvent event : events) {
            decoded.addAll(decoder.decode(event.data()));
        }
        return decoded;
    }

    private static String text(List<StreamEvent> events) {
        StringBuilder text = new StringBuilder();
        for (StreamEvent event : events) {
            if (event instanceof StreamEvent.TextDelta delta) {
                text.append(delta.text());
            }
        }
        return text.toString();
    }

    private static JsonNode error(HttpResponse<byte[]> response) {
        return JsonMapper.shared().readTree(response.body()).get("error");
    }
}
