package dev.streamgate.gateway.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.SpringApplication;

/**
 * PostgreSQL for integration tests. With {@code STREAMGATE_TEST_POSTGRES} set (a JDBC URL of a server whose user
 * may create databases, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}) tests use that
 * server; otherwise one embedded server is started per JVM. Every call to {@link #newDatabase()} creates a fresh,
 * empty database so that test classes never see each other's rows.
 */
public final class TestPostgres {
    public static final String ENV = "STREAMGATE_TEST_POSTGRES";

    private static Server server;

    private TestPostgres() {
    }

    /** A database on a server: what a test needs to build JDBC and R2DBC URLs. */
    public record Database(String host, int port, String name, String user, String password) {
        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }

        public String r2dbcUrl() {
            return "r2dbc:postgresql://" + host + ":" + port + "/" + name;
        }
    }

    private record Server(String host, int port, String user, String password, String adminJdbcUrl) {
    }

    public static synchronized Database newDatabase() {
        Server s = server();
        String name = "sg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(s.adminJdbcUrl(), s.user(), s.password())) {
            c.createStatement().execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + s.adminJdbcUrl(), e);
        }
        return new Database(s.host(), s.port(), name, s.user(), s.password());
    }

    private static Server server() {
        if (server != null) {
            return server;
        }
        String url = System.getenv(ENV);
        if (url != null && !url.isBlank()) {
            var parsed = java.net.URI.create(url.substring("jdbc:".length()));
            String user = queryParam(parsed.getQuery(), "user", "postgres");
            String password = queryParam(parsed.getQuery(), "password", "");
            int port = parsed.getPort() < 0 ? 5432 : parsed.getPort();
            String admin = "jdbc:postgresql://" + parsed.getHost() + ":" + port + parsed.getPath();
            server = new Server(parsed.getHost(), port, user, password, admin);
        } else {
            try {
                // Without the library's own JVM shutdown hook: a Boot shutdown handler runs after every application
                // context of the JVM has closed, so the gateways under test flush their usage records before the
                // server goes; a JVM shutdown hook runs alongside Spring's and stopped it first.
                EmbeddedPostgres pg = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
                SpringApplication.getShutdownHandlers().add(() -> {
                    try {
                        pg.close();
                    } catch (java.io.IOException ignored) {
                        // the JVM is exiting; the temporary data folder is removed with it
                    }
                });
                server = new Server("localhost", pg.getPort(), "postgres", "",
                        "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres");
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
        }
        return server;
    }

    private static String queryParam(String query, String key, String fallback) {
        if (query == null) {
            return fallback;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equals(key)) {
                return part.substring(eq + 1);
            }
        }
        return fallback;
    }
}
