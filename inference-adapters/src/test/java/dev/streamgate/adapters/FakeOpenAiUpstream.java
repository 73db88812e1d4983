package dev.streamgate.adapters;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible upstream on a free local port, served by Reactor Netty, for tests of anything that calls
 * upstreams. It answers {@code POST .../chat/completions} with whatever {@link FakeReply} the test scripted
 * ({@link #enqueue} for the next requests in order, {@link #defaultReply} for the rest; initially
 * {@link FakeReply#echo()}), streaming when the body says {@code "stream": true} and with a single JSON response
 * otherwise. It records every request and observes clients that close the connection while their reply is still
 * being produced: {@link #cancellation()} completes on the first, which is how tests prove that a client's
 * disconnect reaches the upstream.
 *
 * <pre>{@code
 * try (FakeOpenAiUpstream upstream = FakeOpenAiUpstream.start()) {
 *     upstream.enqueue(FakeReply.status(429).retryAfter("1"), FakeReply.tokens("Hi", "!"));
 *     ... point a deployment at upstream.baseUrl() ...
 * }
 * }</pre>
 */
public final class FakeOpenAiUpstream implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.shared();

    private final Queue<FakeReply> script = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private volatile Sinks.Many<RecordedRequest> arrivals = Sinks.many().replay().all();
    private volatile Sinks.Many<RecordedRequest> cancellations = Sinks.many().replay().all();
    private final AtomicInteger cancellationCount = new AtomicInteger();
    private final AtomicInteger replying = new AtomicInteger();
    private final AtomicInteger completionIds = new AtomicInteger();
    private volatile FakeReply defaultReply = FakeReply.echo();
    private final DisposableServer server;

    private FakeOpenAiUpstream() {
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(10));
    }

    public static FakeOpenAiUpstream start() {
        return new FakeOpenAiUpstream();
    }

    /** {@code http://127.0.0.1:<port>/v1}, as a deployment's base URL. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.port() + "/v1");
    }

    public int port() {
        return server.port();
    }

    /** Replies for the next requests, in order; after them {@link #defaultReply} answers. */
    public FakeOpenAiUpstream enqueue(FakeReply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    public FakeOpenAiUpstream defaultReply(FakeReply reply) {
        this.defaultReply = reply;
        return this;
    }

    /** Requests received so far (counted once their body has arrived). */
    public int requestCount() {
        return requests.size();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        return requests.isEmpty() ? null : requests.getLast();
    }

    /** Completes with the {@code index}-th request (0-based) once it has arrived. */
    public Mono<RecordedRequest> request(int index) {
        return arrivals.asFlux().elementAt(index);
    }

    /** Replies being produced right now (headers not sent yet, or a stream not finished). */
    public int replying() {
        return replying.get();
    }

    /** Connections closed by clients while their reply was still being produced. */
    public int cancellations() {
        return cancellationCount.get();
    }

    /** Completes, with the request concerned, when a client first closes its connection mid-reply. */
    public Mono<RecordedRequest> cancellation() {
        return cancellations.asFlux().next();
    }

    /** Forgets the script, the recorded requests and the cancellations; the default reply becomes echo again. */
    public void reset() {
        script.clear();
        requests.clear();
        arrivals = Sinks.many().replay().all();
        cancellations = Sinks.many().replay().all();
        cancellationCount.set(0);
        defaultReply = FakeReply.echo();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(2));
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        if (request.method() != HttpMethod.POST || !request.fullPath().endsWith("/chat/completions")) {
            return response.status(HttpResponseStatus.NOT_FOUND)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .sendString(Mono.just(FakeReply.errorJson("no route " + request.method() + " "
                            + request.fullPath(), "invalid_request_error", null)))
                    .then();
        }
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(text -> {
                    RecordedRequest recorded = record(request, text);
                    FakeReply scripted = script.poll();
                    return serve(scripted != null ? scripted : defaultReply, recorded, response);
                });
    }

    private RecordedRequest record(HttpServerRequest request, String text) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.requestHeaders().forEach(header -> headers.put(header.getKey().toLowerCase(Locale.ROOT),
                header.getValue()));
        JsonNode body;
        try {
            body = text.isEmpty() ? null : JSON.readTree(text);
        } catch (RuntimeException notJson) {
            body = null;
        }
        int clientPort = request.remoteAddress() == null ? -1 : request.remoteAddress().getPort();
        RecordedRequest recorded = new RecordedRequest(request.method().name(), request.fullPath(), headers, text,
                body, clientPort);
        requests.add(recorded);
        arrivals.emitNext(recorded, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        return recorded;
    }

    private Mono<Void> serve(FakeReply reply, RecordedRequest request, HttpServerResponse response) {
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean serverClosed = new AtomicBoolean();
        replying.incrementAndGet();
        response.withConnection(connection -> connection.onDispose(() -> {
            if (!finished.get() && !serverClosed.get()) {
                cancellationCount.incrementAndGet();
                cancellations.emitNext(request, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
            }
        }));
        reply.extraHeaders().forEach(response::header);
        Mono<Void> answer = Mono.delay(reply.headerDelay())
                .then(Mono.defer(() -> answer(reply, request, response, serverClosed)));
        return answer
                .doOnSuccess(ignored -> finished.set(true))
                .doFinally(signal -> replying.decrementAndGet());
    }

    private Mono<Void> answer(FakeReply reply, RecordedRequest request, HttpServerResponse response,
                              AtomicBoolean serverClosed) {
        if (reply.status() != 200) {
            if (reply.retryAfter() != null) {
                response.header(HttpHeaderNames.RETRY_AFTER, reply.retryAfter());
            }
            return response.status(reply.status())
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .sendString(Mono.just(FakeReply.errorJson(reply.errorMessage(), reply.errorType(), null)))
                    .then();
        }
        if (reply.rawBody() != null) {
            return response.header(HttpHeaderNames.CONTENT_TYPE, reply.rawContentType())
                    .sendString(Mono.just(reply.rawBody()))
                    .then();
        }
        String model = request.body() == null ? "fake" : request.body().path("model").asString("fake");
        List<String> tokens = reply.tokensFor(request.body());
        String id = "chatcmpl-fake-" + completionIds.incrementAndGet();
        if (request.body() == null || !request.body().path("stream").asBoolean(false)) {
            return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .sendString(Mono.just(reply.completionJson(id, model, tokens, request.body())))
                    .then();
        }
        Flux<String> frames = reply.frames(id, model, tokens, request.body(), () -> {
            serverClosed.set(true);
            response.withConnection(Connection::dispose);
        });
        return Mono.from(response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                        .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                        .sendHeaders())
                .then(response.sendString(frames, StandardCharsets.UTF_8).then());
    }

    /**
     * One request as the fake received it. Header names are lower case; {@code clientPort} is the client's side of
     * the connection, which tells whether two requests shared a pooled connection.
     */
    public record RecordedRequest(String method, String path, Map<String, String> headers, String bodyText,
                                  JsonNode body, int clientPort) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The text of the last user message, or "" when there is none. */
        public String lastUserText() {
            List<String> texts = new ArrayList<>();
            if (body != null) {
                for (JsonNode message : body.path("messages").values()) {
                    if ("user".equals(message.path("role").asString(""))) {
                        texts.add(message.path("content").asString(""));
                    }
                }
            }
            return texts.isEmpty() ? "" : texts.getLast();
        }
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
