package dev.streamgate.gateway.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server the gateway runs itself, for the embedded default: its data folder is kept between runs so
 * tenants, keys and usage survive a restart. Listens on the loopback interface only.
 */
public final class EmbeddedDatabase implements DatabaseServer {
    public static final String DATABASE = "streamgate";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final DatabaseEndpoint endpoint;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.endpoint = new DatabaseEndpoint("localhost", postgres.getPort(), DATABASE, "postgres", null, null);
    }

    /**
     * Starts PostgreSQL on {@code dataDirectory}, creating the cluster on first use and recovering from a previous
     * run that did not shut down cleanly (see {@link DataDirectoryRecovery}).
     *
     * @param port 0 for a free port
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port, Duration startupTimeout) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir.getParent());
            DataDirectoryRecovery.prepare(dir, startupTimeout);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    // Spring stops the server after the usage buffer is flushed; a JVM shutdown hook of its own
                    // would race that flush and lose the last records.
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(startupTimeout)
                    // The library defaults to synchronous_commit=off, which may lose acknowledged billing data.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("listen_addresses", "localhost");
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            createDatabaseIfAbsent(postgres);
            return new EmbeddedDatabase(postgres, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dir, e);
        }
    }

    private static void createDatabaseIfAbsent(EmbeddedPostgres postgres) throws IOException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                s.execute("create database " + DATABASE);
                log.info("Created database {} in the embedded PostgreSQL", DATABASE);
            }
        } catch (SQLException e) {
            throw new IOException("cannot create database " + DATABASE, e);
        }
    }

    @Override
    public DatabaseEndpoint endpoint() {
        return endpoint;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public String description() {
        return "embedded PostgreSQL " + endpoint.describe() + ", data in " + dataDirectory;
    }

    @Override
    public void close() {
        try {
            postgres.close();
            log.info("Stopped the embedded PostgreSQL (data in {})", dataDirectory);
        } catch (IOException e) {
            log.warn("Could not stop the embedded PostgreSQL cleanly (data in {})", dataDirectory, e);
        }
    }
}
