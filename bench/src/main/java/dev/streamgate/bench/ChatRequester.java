package dev.streamgate.bench;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends chat completion requests over a fixed pool of keep-alive connections and reports each one's
 * {@link Outcome}. The request body is built once; every request sends the same bytes.
 */
final class ChatRequester implements AutoCloseable {
    private static final String PROMPT = "Say something about gateways, briefly.";

    private final ConnectionProvider pool;
    private final HttpClient client;
    private final String path;
    private final byte[] body;
    private final boolean stream;
    private final Duration timeout;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param maxTokens sent as {@code max_tokens}, so that rate limiting reserves a small, realistic number of
     *                  tokens instead of the gateway's default
     */
    ChatRequester(URI url, String apiKey, int connections, boolean stream, String model, int maxTokens,
                  Duration timeout) {
        this.stream = stream;
        this.timeout = timeout;
        this.path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        this.body = body(model, stream, maxTokens);
        this.pool = ConnectionProvider.builder("streamgate-bench")
                .maxConnections(connections)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(timeout)
                .maxIdleTime(Duration.ofMinutes(10))
                .build();
        this.client = HttpClient.create(pool)
                .baseUrl(url.getScheme() + "://" + url.getRawAuthority())
                .headers(headers -> {
                    headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                    headers.set(HttpHeaderNames.ACCEPT, stream ? "text/event-stream" : "application/json");
                    headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    if (apiKey != null) {
                        headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
                    }
                });
    }

    static byte[] body(String model, boolean stream, int maxTokens) {
        JsonMapper json = JsonMapper.shared();
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", PROMPT);
        body.put("max_tokens", maxTokens);
        body.put("stream", stream);
        if (stream) {
            body.putObject("stream_options").put("include_usage", true);
        }
        return json.writeValueAsBytes(body);
    }

    /** Requests sent and not yet answered (or failed). */
    int inFlight() {
        return inFlight.get();
    }

    /** One request; never fails: errors are outcomes. */
    Mono<Outcome> send() {
        return Mono.defer(() -> {
            inFlight.incrementAndGet();
            // Before the outcome goes downstream (doFinally would run after it, when a closed loop has already sent
            // the next request), so that the count never exceeds the requests really open.
            return exchange()
                    .doOnTerminate(inFlight::decrementAndGet)
                    .doOnCancel(inFlight::decrementAndGet);
        });
    }

    private Mono<Outcome> exchange() {
        return client.post()
                .uri(path)
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                .response((response, content) -> {
                    int status = response.status().code();
                    SseProbe probe = new SseProbe();
                    long[] bytes = new long[1];
                    return content
                            .doOnNext(buf -> {
                                bytes[0] += buf.readableBytes();
                                if (stream) {
                                    probe.feed(buf, System.nanoTime());
                                }
                            })
                            .then(Mono.fromSupplier(() -> outcome(status, probe, bytes[0], System.nanoTime())));
                })
                .next()
                .timeout(timeout)
                .onErrorResume(error -> Mono.just(Outcome.failure(classify(error), System.nanoTime())));
    }

    private Outcome outcome(int status, SseProbe probe, long bytes, long now) {
        if (status != 200) {
            return Outcome.failure("http_" + status, now);
        }
        if (stream) {
            if (probe.firstDataNanos() < 0 || !probe.endedWithDone()) {
                return Outcome.failure("incomplete_stream", now);
            }
            return Outcome.success(probe.firstDataNanos(), now);
        }
        return bytes == 0 ? Outcome.failure("empty_body", now) : Outcome.success(-1, now);
    }

    private static String classify(Throwable error) {
        if (error instanceof TimeoutException) {
            return "timeout";
        }
        if (error instanceof PrematureCloseException) {
            return "connection_closed";
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connect_failed";
            }
        }
        return error.getClass().getSimpleName();
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(5));
    }
}
