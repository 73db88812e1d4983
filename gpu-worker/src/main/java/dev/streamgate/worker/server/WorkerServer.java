package dev.streamgate.worker.server;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatRequestParser;
import dev.streamgate.streaming.openai.InvalidRequestException;
import dev.streamgate.streaming.openai.RequestBodies;
import dev.streamgate.streaming.sse.Heartbeats;
import dev.streamgate.streaming.sse.SseFrames;
import dev.streamgate.worker.CompletionRequest;
import dev.streamgate.worker.GenerationEvent;
import dev.streamgate.worker.PreparedRequest;
import dev.streamgate.worker.WorkerRuntime;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * The worker's OpenAI-compatible HTTP API on Reactor Netty: {@code POST /v1/chat/completions},
 * {@code POST /v1/completions} (SSE when {@code stream} is set), {@code GET /v1/models}, {@code GET /health} (503
 * until a model is attached, loaded and warmed) and {@code GET /metrics} (Prometheus). The server starts before the
 * model loads so that orchestrators see it come up and wait for {@code /health}.
 *
 * <p>A client that disconnects cancels its response stream, which cancels the sequence in the scheduler.
 */
public final class WorkerServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerServer.class);
    private static final long MAX_BODY_BYTES = 16L << 20;
    private static final String JSON = "application/json";
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final ChatRequestParser CHAT_REQUESTS = new ChatRequestParser();

    private final AtomicReference<WorkerRuntime> runtime = new AtomicReference<>();
    private final Supplier<String> prometheusScrape;
    private final Clock clock;
    private final SplittableRandom ids;
    private final DisposableServer server;

    private WorkerServer(String host, int port, Supplier<String> prometheusScrape, Clock clock, long idSeed) {
        this.prometheusScrape = prometheusScrape;
        this.clock = clock;
        this.ids = new SplittableRandom(idSeed);
        this.server = HttpServer.create()
                .host(host)
                .port(port)
                .route(routes -> routes
                        .post("/v1/chat/completions", this::chat)
                        .post("/v1/completions", this::completions)
                        .get("/v1/models", this::models)
                        .get("/health", this::health)
                        .get("/metrics", this::metrics))
                .bindNow();
    }

    /**
     * Binds the server (port 0 picks a free one).
     *
     * @param prometheusScrape the text {@code /metrics} returns
     */
    public static WorkerServer start(String host, int port, Supplier<String> prometheusScrape, Clock clock) {
        return new WorkerServer(host, port, prometheusScrape, clock, clock.millis());
    }

    /** Starts serving the model; until then the API answers 503. */
    public void attach(WorkerRuntime loaded) {
        runtime.set(loaded);
    }

    public int port() {
        return server.port();
    }

    public Mono<Void> onDispose() {
        return server.onDispose();
    }

    @Override
    public void close() {
        server.disposeNow();
    }

    private Publisher<Void> chat(HttpServerRequest request, HttpServerResponse response) {
        RequestContext context = context(request, response);
        return body(request).flatMap(body -> {
            WorkerRuntime worker = requireRuntime();
            ChatCompletionRequest chat = CHAT_REQUESTS.parse(body);
            PreparedRequest prepared = worker.prepareChat(chat);
            String id = "chatcmpl-" + nextId();
            long created = clock.instant().getEpochSecond();
            boolean logprobs = prepared.settings().logprobs();
            Flux<GenerationEvent> events = worker.generate(prepared);
            if (chat.stream()) {
                return sse(response, Flux.using(
                        () -> new ChatResponses(id, created, worker.modelName(), chat.includeUsage(), logprobs),
                        encoder -> events.concatMapIterable(encoder::frames), ChatResponses::close));
            }
            ChatResponses encoder = new ChatResponses(id, created, worker.modelName(), false, logprobs);
            return whole(response, events, encoder::complete);
        }).onErrorResume(e -> error(response, e, context));
    }

    private Publisher<Void> completions(HttpServerRequest request, HttpServerResponse response) {
        RequestContext context = context(request, response);
        return body(request).flatMap(body -> {
            WorkerRuntime worker = requireRuntime();
            CompletionRequest completion = CompletionRequest.read(RequestBodies.readObject(body));
            PreparedRequest prepared = worker.prepareCompletion(completion);
            CompletionResponses encoder = new CompletionResponses("cmpl-" + nextId(),
                    clock.instant().getEpochSecond(), worker.modelName(), completion.includeUsage());
            Flux<GenerationEvent> events = worker.generate(prepared);
            if (completion.stream()) {
                return sse(response, events.concatMapIterable(encoder::frames));
            }
            return whole(response, events, encoder::complete);
        }).onErrorResume(e -> error(response, e, context));
    }

    private Publisher<Void> models(HttpServerRequest request, HttpServerResponse response) {
        RequestContext context = context(request, response);
        return Mono.fromCallable(() -> {
            WorkerRuntime worker = requireRuntime();
            ObjectNode body = OpenAiJson.object();
            body.put("object", "list");
            ObjectNode model = body.putArray("data").addObject();
            model.put("id", worker.modelName());
            model.put("object", "model");
            model.put("created", worker.created());
            model.put("owned_by", "streamgate");
            model.put("max_model_len", worker.contextLength());
            return OpenAiJson.json(body);
        }).flatMap(json -> send(response, HttpResponseStatus.OK, JSON, json))
                .onErrorResume(e -> error(response, e, context));
    }

    private Publisher<Void> health(HttpServerRequest request, HttpServerResponse response) {
        WorkerRuntime worker = runtime.get();
        ObjectNode body = OpenAiJson.object();
        if (worker == null || !worker.ready()) {
            body.put("status", worker == null ? "loading" : "unavailable");
            return send(response, HttpResponseStatus.SERVICE_UNAVAILABLE, JSON, OpenAiJson.json(body));
        }
        body.put("status", "ok");
        body.put("model", worker.modelName());
        body.put("backend", worker.engineInfo().backend());
        return send(response, HttpResponseStatus.OK, JSON, OpenAiJson.json(body));
    }

    private Publisher<Void> metrics(HttpServerRequest request, HttpServerResponse response) {
        return Mono.fromCallable(prometheusScrape::get)
                .flatMap(text -> send(response, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        text));
    }

    /** The body's bytes; the JSON readers of the streaming module parse them, as they do for the gateway. */
    private static Mono<byte[]> body(HttpServerRequest request) {
        String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                && Long.parseLong(length) > MAX_BODY_BYTES) {
            return Mono.error(new InvalidRequestException(null, "request_too_large",
                    "the request body is larger than " + MAX_BODY_BYTES + " bytes"));
        }
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]);
    }

    /** The request's id and trace context, echoed in the response headers before anything else is sent. */
    private RequestContext context(HttpServerRequest request, HttpServerResponse response) {
        RequestContext context = RequestContext.of(request.requestHeaders(), this::nextLong);
        response.header(RequestContext.REQUEST_ID_HEADER, context.requestId())
                .header(RequestContext.TRACEPARENT_HEADER, context.traceparent());
        return context;
    }

    /**
     * Streams SSE frames, then OpenAI's {@code [DONE]}; a comment frame goes out whenever the stream has been
     * quiet for {@link #HEARTBEAT} (a long prefill), so that proxies keep the connection open.
     */
    private static Mono<Void> sse(HttpServerResponse response, Flux<byte[]> frames) {
        Flux<byte[]> withHeartbeats = Heartbeats.withHeartbeats(frames, HEARTBEAT, SseFrames::keepAlive,
                Schedulers.parallel());
        return response.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .sendByteArray(withHeartbeats.concatWith(Mono.fromSupplier(SseFrames::done)))
                .then();
    }

    private static Mono<Void> whole(HttpServerResponse response, Flux<GenerationEvent> events,
                                    Function<List<GenerationEvent>, JsonBody> encode) {
        return events.collectList().map(encode).flatMap(body -> response.status(body.status())
                .header(HttpHeaderNames.CONTENT_TYPE, JSON).sendByteArray(Mono.just(body.json())).then());
    }

    private static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, String contentType,
                                   String body) {
        return response.status(status).header(HttpHeaderNames.CONTENT_TYPE, contentType)
                .sendString(Mono.just(body), StandardCharsets.UTF_8).then();
    }

    private static Mono<Void> error(HttpServerResponse response, Throwable error, RequestContext context) {
        if (response.hasSentHeaders()) {
            log.warn("response of request {} (trace {}) failed after it started", context.requestId(),
                    context.traceId(), error);
            return Mono.error(error);
        }
        JsonBody body = ErrorResponses.of(error, context);
        return response.status(body.status()).header(HttpHeaderNames.CONTENT_TYPE, JSON)
                .sendByteArray(Mono.just(body.json())).then();
    }

    private WorkerRuntime requireRuntime() {
        WorkerRuntime worker = runtime.get();
        if (worker == null || !worker.ready()) {
            throw new ErrorResponses.ModelNotLoadedException();
        }
        return worker;
    }

    private String nextId() {
        return HexFormat.of().toHexDigits(nextLong());
    }

    private long nextLong() {
        synchronized (ids) {
            return ids.nextLong();
        }
    }
}
