package dev.streamgate.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * A bare reverse proxy on Reactor Netty, the stack the gateway is built on: an {@link HttpServer} that forwards
 * every request to one upstream through a pooled {@link HttpClient}, streaming the request and response bodies
 * through as they arrive (flushing each piece of an event stream at once) and copying the end-to-end headers. No
 * routing, parsing, auth or accounting: what a request through a Reactor Netty gateway costs at the least.
 *
 * <pre>
 * java -cp streamgate-bench.jar dev.streamgate.bench.NettyProxy --upstream http://127.0.0.1:PORT
 *     [--port 0] [--port-file FILE] [--max-connections 2048]
 * </pre>
 * It listens on 127.0.0.1 only, and forwards only to this machine.
 */
public final class NettyProxy {
    /**
     * Hop-by-hop headers (RFC 9110 section 7.6.1), which a proxy must not forward, and {@code Host}, which names
     * the proxy and is set by the client for the upstream. {@code Transfer-Encoding} is the connection's framing
     * (RFC 9112 section 6.1): Netty frames each side's body itself.
     */
    static final List<AsciiString> NOT_FORWARDED = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, HttpHeaderNames.HOST,
            AsciiString.cached("proxy-connection"));

    private final HttpClient client;

    NettyProxy(URI upstream, int maxConnections, Duration responseTimeout) {
        LoadGenerator.requireLoopback(upstream);
        ConnectionProvider pool = ConnectionProvider.builder("netty-proxy")
                .maxConnections(maxConnections)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofMinutes(10))
                .build();
        this.client = HttpClient.create(pool)
                .baseUrl(upstream.getScheme() + "://" + upstream.getRawAuthority())
                .responseTimeout(responseTimeout);
    }

    /** Binds to 127.0.0.1:{@code port} (0: a free one). */
    DisposableServer start(int port) {
        return HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .handle(this::forward)
                .bindNow();
    }

    private Mono<Void> forward(HttpServerRequest request, HttpServerResponse response) {
        return client
                .headers(headers -> copy(request.requestHeaders(), headers))
                .request(request.method())
                .uri(request.uri())
                .send((upstreamRequest, out) -> out.send(request.receive().retain()))
                .response((upstreamResponse, body) -> {
                    response.status(upstreamResponse.status());
                    copy(upstreamResponse.responseHeaders(), response.responseHeaders());
                    boolean eventStream = isEventStream(upstreamResponse.responseHeaders());
                    // An event stream's chunks go out as they come; other bodies are flushed as Netty sees fit.
                    return response.send(body.retain(), buf -> eventStream);
                })
                .then()
                // Not logged: the 502 is the record, counted by the load generator as http_502 (the cause is in its
                // message); once the answer has started, the error closes the connection, counted there as well.
                .onErrorResume(error -> response.hasSentHeaders() ? Mono.error(error) : badGateway(response, error));
    }

    /** Copies the end-to-end headers. */
    static void copy(HttpHeaders from, HttpHeaders to) {
        from.forEach(header -> {
            if (forwarded(header.getKey())) {
                to.add(header.getKey(), header.getValue());
            }
        });
    }

    /** Header names are case-insensitive (RFC 9110 section 5.1). */
    static boolean forwarded(CharSequence name) {
        for (AsciiString hop : NOT_FORWARDED) {
            if (hop.contentEqualsIgnoreCase(name)) {
                return false;
            }
        }
        return true;
    }

    static boolean isEventStream(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "text/event-stream", 0, "text/event-stream".length());
    }

    /** The upstream could not be reached or broke off before answering: 502, in OpenAI's error format. */
    private static Mono<Void> badGateway(HttpServerResponse response, Throwable error) {
        String message = ("The upstream failed: " + error.getClass().getSimpleName()).replace("\"", "'");
        byte[] body = ("{\"error\":{\"message\":\"" + message + "\",\"type\":\"upstream_error\",\"param\":null,"
                + "\"code\":\"bad_gateway\"}}").getBytes(StandardCharsets.UTF_8);
        return response.status(HttpResponseStatus.BAD_GATEWAY)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendByteArray(Mono.just(body))
                .then();
    }

    public static void main(String[] args) {
        URI upstream;
        int port;
        int maxConnections;
        Path portFile;
        try {
            CliArgs cli = CliArgs.parse(args);
            upstream = URI.create(cli.required("upstream"));
            port = cli.intValue("port", 0, 0, 65_535);
            portFile = cli.path("port-file");
            maxConnections = cli.intValue("max-connections", 2048, 1, 65_536);
            cli.rejectUnknown();
            LoadGenerator.requireLoopback(upstream);
        } catch (IllegalArgumentException e) {
            System.err.println("NettyProxy: " + e.getMessage());
            System.exit(2);
            return;
        }
        // Longer than any benchmark stream's silence between two chunks: the proxy must not cut a slow stream.
        DisposableServer server = new NettyProxy(upstream, maxConnections, Duration.ofMinutes(5)).start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::disposeNow, "netty-proxy-shutdown"));
        if (portFile != null) {
            FakeUpstream.writeAtomically(portFile, Integer.toString(server.port()));
        }
        System.out.printf("NettyProxy listening on http://127.0.0.1:%d, forwarding to %s%n", server.port(), upstream);
        System.out.flush();
        server.onDispose().block();
    }
}
