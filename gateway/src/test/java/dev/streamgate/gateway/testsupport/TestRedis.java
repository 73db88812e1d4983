package dev.streamgate.gateway.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.UUID;

import org.springframework.boot.SpringApplication;
import redis.embedded.RedisServer;

/**
 * Redis for integration tests. With {@code STREAMGATE_TEST_REDIS} set (e.g. {@code redis://127.0.0.1:6379}) tests
 * share that server; otherwise one embedded server is started per JVM. Tests isolate themselves with
 * {@link #uniquePrefix()} rather than by flushing, so they may run against a shared server.
 * {@link #startPrivate()} starts a server a test may stop, to test what happens when Redis goes away.
 */
public final class TestRedis {
    public static final String ENV = "STREAMGATE_TEST_REDIS";

    private static String address;

    private TestRedis() {
    }

    /** {@code redis://host:port} of the shared test server. */
    public static synchronized String address() {
        if (address != null) {
            return address;
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            URI uri = URI.create(env);
            address = "redis://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
        } else {
            PrivateRedis redis = startPrivate();
            // After every application context has closed (see TestPostgres), not alongside Spring's shutdown.
            SpringApplication.getShutdownHandlers().add(redis::stop);
            address = redis.address();
        }
        return address;
    }

    public static String uniquePrefix() {
        return "sgtest:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** A Redis server of the test's own, on a free port. */
    public static PrivateRedis startPrivate() {
        try {
            int port = freePort();
            RedisServer server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
            return new PrivateRedis(server, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded Redis", e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public record PrivateRedis(RedisServer server, int port) {
        public String address() {
            return "redis://127.0.0.1:" + port;
        }

        public void stop() {
            try {
                server.stop();
            } catch (IOException ignored) {
                // already gone
            }
        }

        public void restart() {
            try {
                server.start();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
