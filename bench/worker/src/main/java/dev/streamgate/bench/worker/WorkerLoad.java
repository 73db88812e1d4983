package dev.streamgate.bench.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.sse.SseEvent;
import dev.streamgate.streaming.sse.SseEventParser;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams text completions from a worker over HTTP, as clients do, and times each request: greedy, exactly
 * {@code maxTokens} output tokens ({@code ignore_eos}) unless said otherwise, usage from the stream's last chunk.
 */
final class WorkerLoad {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final HttpClient client;
    private final String model;
    private final int maxTokens;

    WorkerLoad(int port, String model, int maxTokens) {
        this.client = HttpClient.create(ConnectionProvider.builder("bench").maxConnections(256).build())
                .baseUrl("http://127.0.0.1:" + port)
                .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                .responseTimeout(TIMEOUT);
        this.model = model;
        this.maxTokens = maxTokens;
    }

    /** All prompts at once: the worker batches them. In prompt order. */
    List<RequestTiming> together(List<String> prompts) {
        return Flux.fromIterable(prompts).flatMapSequential(p -> stream(p, maxTokens), prompts.size()).collectList()
                .block(TIMEOUT);
    }

    /** The same prompts, each sent when the one before has finished. */
    List<RequestTiming> oneAtATime(List<String> prompts) {
        return oneAtATime(prompts, prompts.stream().map(p -> maxTokens).toList());
    }

    /** One at a time, prompt {@code i} generating exactly {@code outputTokens.get(i)} tokens. */
    List<RequestTiming> oneAtATime(List<String> prompts, List<Integer> outputTokens) {
        List<RequestTiming> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            out.add(stream(prompts.get(i), outputTokens.get(i)).block(TIMEOUT));
        }
        return out;
    }

    private Mono<RequestTiming> stream(String prompt, int maxTokens) {
        ObjectNode body = JsonMapper.shared().createObjectNode();
        body.put("model", model);
        body.put("prompt", prompt);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        body.put("ignore_eos", true);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        return Mono.defer(() -> {
            long start = System.nanoTime();
            Tally tally = new Tally();
            return client.post().uri("/v1/completions")
                    .send(ByteBufFlux.fromString(Mono.just(body.toString())))
                    .responseContent().asByteArray()
                    .doOnNext(tally::feed)
                    .then(Mono.fromCallable(() -> tally.timing(start)));
        });
    }

    /** Reads one SSE response as it arrives. */
    private static final class Tally {
        private final SseEventParser parser = new SseEventParser();
        private long firstToken;
        private int promptTokens = -1;
        private int outputTokens = -1;
        private String error;

        void feed(byte[] chunk) {
            for (SseEvent event : parser.feed(chunk)) {
                if (event.data().equals("[DONE]")) {
                    continue;
                }
                JsonNode data = JsonMapper.shared().readTree(event.data());
                if (data.has("error")) {
                    error = data.path("error").toString();
                } else if (data.path("usage").isObject()) {
                    promptTokens = data.at("/usage/prompt_tokens").intValue();
                    outputTokens = data.at("/usage/completion_tokens").intValue();
                } else if (firstToken == 0 && !data.path("choices").isEmpty()) {
                    firstToken = System.nanoTime();
                }
            }
        }

        RequestTiming timing(long start) {
            long end = System.nanoTime();
            if (error != null || outputTokens < 0) {
                throw new IllegalStateException("the worker did not finish the request: "
                        + (error != null ? error : "no usage chunk"));
            }
            return new RequestTiming(promptTokens, outputTokens, start, firstToken == 0 ? end : firstToken, end);
        }
    }
}
