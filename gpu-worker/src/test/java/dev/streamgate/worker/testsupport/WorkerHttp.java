package dev.streamgate.worker.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A blocking test client for a worker's HTTP API on a local port. */
public final class WorkerHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;

    public WorkerHttp(int port) {
        this.client = HttpClient.create().baseUrl("http://127.0.0.1:" + port)
                .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
    }

    /** The underlying client, for tests that read a stream themselves. */
    public HttpClient client() {
        return client;
    }

    public Reply post(String path, String body) {
        return post(path, body, Map.of());
    }

    /** A POST with extra request headers. */
    public Reply post(String path, String body, Map<String, String> headers) {
        return client.headers(h -> headers.forEach(h::set)).post().uri(path)
                .send(ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(),
                                response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), text,
                                response.responseHeaders().copy())))
                .block(TIMEOUT);
    }

    public Reply get(String path) {
        return client.get().uri(path)
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(),
                                response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), text,
                                response.responseHeaders().copy())))
                .block(TIMEOUT);
    }

    /** A whole response. */
    public record Reply(int status, String contentType, String body, HttpHeaders headers) {
        public String header(String name) {
            return headers.get(name);
        }

        public JsonNode json() {
            return JsonMapper.shared().readTree(body);
        }

        /** The {@code data:} payloads of an SSE body, in order. */
        public List<String> sseData() {
            List<String> out = new ArrayList<>();
            Arrays.stream(body.split("\n\n")).filter(frame -> frame.startsWith("data: "))
                    .forEach(frame -> out.add(frame.substring("data: ".length())));
            return out;
        }

        /** The text of a chat stream: its content deltas joined. */
        public String streamedChatText() {
            StringBuilder text = new StringBuilder();
            for (String data : sseData()) {
                if (!data.equals("[DONE]")) {
                    text.append(JsonMapper.shared().readTree(data).at("/choices/0/delta/content").asString(""));
                }
            }
            return text.toString();
        }
    }
}
