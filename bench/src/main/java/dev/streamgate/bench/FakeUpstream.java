package dev.streamgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake OpenAI-compatible upstream on Reactor Netty: {@code POST /v1/chat/completions}, streaming (SSE) or not,
 * with a configurable reply length and pacing. Responses are pre-rendered bytes (see {@link FakeCompletion}) so that
 * the fake costs little CPU next to the gateway it stands behind.
 *
 * <pre>
 * java -cp streamgate-bench.jar dev.streamgate.bench.FakeUpstream [--port 0] [--port-file FILE]
 *     [--tokens 16] [--token-delay-ms 0] [--first-token-delay-ms 0] [--paced-model MODEL]
 * </pre>
 * With {@code --paced-model} only requests for that model wait the delays; the others are answered at once.
 * It listens on 127.0.0.1 only. With {@code --port 0} it takes a free port and writes it to {@code --port-file}.
 */
public final class FakeUpstream {
    static final String PATH = "/v1/chat/completions";
    private static final int MAX_BODY_BYTES = 1 << 20;

    /**
     * @param tokens           tokens in every reply (fewer when a request's {@code max_tokens} says so)
     * @param firstTokenDelay  silence before the first token (the whole reply waits this plus the token delays
     *                         when not streaming)
     * @param tokenDelay       silence between two tokens
     * @param pacedModel       null: the delays apply to every request; otherwise only to requests for this model,
     *                         and the others are answered at once (one upstream serving paced and unpaced load to a
     *                         proxy that has a single route)
     */
    record Settings(int tokens, Duration firstTokenDelay, Duration tokenDelay, String pacedModel) {
        Settings(int tokens, Duration firstTokenDelay, Duration tokenDelay) {
            this(tokens, firstTokenDelay, tokenDelay, null);
        }

        Settings {
            if (tokens < 1 || tokens > 100_000) {
                throw new IllegalArgumentException("--tokens must be within 1..100000, was " + tokens);
            }
            if (firstTokenDelay.isNegative() || tokenDelay.isNegative()) {
                throw new IllegalArgumentException("delays must not be negative");
            }
        }

        boolean paced(String model) {
            return (!firstTokenDelay.isZero() || !tokenDelay.isZero())
                    && (pacedModel == null || pacedModel.equals(model));
        }
    }

    private final Settings settings;
    private final JsonMapper json = JsonMapper.shared();
    private final FakeCompletion completion;

    FakeUpstream(Settings settings) {
        this.settings = settings;
        this.completion = new FakeCompletion(json, settings.tokens(), Instant.now().getEpochSecond());
    }

    /** Binds to 127.0.0.1:{@code port} (0: a free one). */
    DisposableServer start(int port) {
        return HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .route(routes -> routes
                        .post(PATH, this::chat)
                        .get("/health", (request, response) -> response.sendString(Mono.just("ok"))))
                .bindNow();
    }

    private Mono<Void> chat(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asByteArray()
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    if (body.length > MAX_BODY_BYTES) {
                        return error(response, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, null,
                                "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
                    }
                    FakeCompletion.Shape shape;
                    try {
                        shape = FakeRequest.shape(json, body, settings.tokens());
                    } catch (FakeRequest.Invalid e) {
                        return error(response, HttpResponseStatus.BAD_REQUEST, e.param, e.getMessage());
                    }
                    FakeCompletion.Rendered rendered = completion.render(shape);
                    boolean paced = settings.paced(shape.model());
                    return shape.stream() ? stream(response, rendered, paced)
                            : complete(response, shape, rendered, paced);
                });
    }

    private Mono<Void> stream(HttpServerResponse response, FakeCompletion.Rendered rendered, boolean paced) {
        response.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (!paced) {
            // One write, sent chunked as OpenAI's streams are (a Flux, unlike a Mono, gets no Content-Length).
            return response.send(Flux.just(rendered.whole()).map(Unpooled::wrappedBuffer)).then();
        }
        List<byte[]> frames = rendered.frames();
        Flux<ByteBuf> timed = Flux.range(0, frames.size())
                .concatMap(i -> {
                    Duration delay = i == 0 ? settings.firstTokenDelay() : settings.tokenDelay();
                    Mono<Integer> frame = Mono.just(i);
                    return delay.isZero() ? frame : frame.delayElement(delay);
                })
                .map(i -> Unpooled.wrappedBuffer(frames.get(i)));
        return response.send(timed, frame -> true).then();
    }

    private Mono<Void> complete(HttpServerResponse response, FakeCompletion.Shape shape,
                                FakeCompletion.Rendered rendered, boolean paced) {
        Mono<Void> send = Mono.defer(() -> response.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .send(Mono.just(Unpooled.wrappedBuffer(rendered.whole())))
                .then());
        if (!paced) {
            return send;
        }
        // A non-streaming reply arrives when the last token would have been generated.
        Duration generation = settings.firstTokenDelay()
                .plus(settings.tokenDelay().multipliedBy(Math.max(0, shape.completionTokens() - 1)));
        return Mono.delay(generation).then(send);
    }

    private Mono<Void> error(HttpServerResponse response, HttpResponseStatus status, String param, String message) {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", "invalid_request_error");
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        error.putNull("code");
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendByteArray(Mono.just(json.writeValueAsBytes(body)))
                .then();
    }

    public static void main(String[] args) {
        Settings settings;
        int port;
        Path portFile;
        try {
            CliArgs cli = CliArgs.parse(args);
            port = cli.intValue("port", 0, 0, 65_535);
            portFile = cli.path("port-file");
            settings = new Settings(cli.intValue("tokens", 16, 1, 100_000),
                    Duration.ofMillis(cli.longValue("first-token-delay-ms", 0, 0, 600_000)),
                    Duration.ofMillis(cli.longValue("token-delay-ms", 0, 0, 600_000)),
                    cli.string("paced-model", null));
            cli.rejectUnknown();
        } catch (IllegalArgumentException e) {
            System.err.println("FakeUpstream: " + e.getMessage());
            System.exit(2);
            return;
        }
        DisposableServer server = new FakeUpstream(settings).start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::disposeNow, "fake-upstream-shutdown"));
        if (portFile != null) {
            writeAtomically(portFile, Integer.toString(server.port()));
        }
        System.out.printf("FakeUpstream listening on http://127.0.0.1:%d/v1 (%d tokens, first token after %d ms,"
                        + " %d ms between tokens%s)%n", server.port(), settings.tokens(),
                settings.firstTokenDelay().toMillis(), settings.tokenDelay().toMillis(),
                settings.pacedModel() == null ? "" : ", for model " + settings.pacedModel() + " only");
        System.out.flush();
        server.onDispose().block();
    }

    /** Whoever polls for the file never reads it half-written. */
    static void writeAtomically(Path file, String content) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
