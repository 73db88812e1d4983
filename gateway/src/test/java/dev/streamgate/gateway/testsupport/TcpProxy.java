package dev.streamgate.gateway.testsupport;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A TCP proxy on a fixed local port in front of a real server, to make that server unreachable in a test:
 * {@link #down()} cuts every proxied connection and stops listening (new connections are refused), {@link #up()}
 * listens again on the same port.
 */
public final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private DisposableServer server;

    public TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            this.port = TestRedis.freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        up();
    }

    public int port() {
        return port;
    }

    public synchronized void up() {
        if (server != null) {
            return;
        }
        server = TcpServer.create().host("127.0.0.1").port(port)
                .doOnConnection(this::track)
                .handle((in, out) -> TcpClient.create().host(targetHost).port(targetPort).connect()
                        .flatMap(upstream -> {
                            track(upstream);
                            Mono<Void> toServer = upstream.outbound().send(in.receive().retain()).then();
                            Mono<Void> toClient = out.send(upstream.inbound().receive().retain()).then();
                            return Mono.when(toServer, toClient).doFinally(signal -> upstream.dispose());
                        }))
                .bindNow(Duration.ofSeconds(5));
    }

    public synchronized void down() {
        if (server == null) {
            return;
        }
        server.disposeNow(Duration.ofSeconds(5));
        server = null;
        open.forEach(Connection::dispose);
        open.clear();
    }

    private void track(Connection connection) {
        open.add(connection);
        connection.onDispose(() -> open.remove(connection));
    }

    @Override
    public void close() {
        down();
    }
}
