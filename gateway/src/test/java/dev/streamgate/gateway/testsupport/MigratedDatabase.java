package dev.streamgate.gateway.testsupport;

import dev.streamgate.gateway.persistence.DatabaseEndpoint;
import dev.streamgate.gateway.persistence.DatabaseProperties;
import dev.streamgate.gateway.persistence.PostgresConnectionPools;
import dev.streamgate.gateway.persistence.SchemaMigrator;
import io.r2dbc.pool.ConnectionPool;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * A fresh test database with the gateway's schema and a small R2DBC pool, built the way the application builds
 * them, for repository and handler tests that need no Spring context.
 */
public record MigratedDatabase(TestPostgres.Database database, DatabaseEndpoint endpoint, ConnectionPool pool,
                               DatabaseClient client) implements AutoCloseable {

    public static MigratedDatabase create() {
        TestPostgres.Database db = TestPostgres.newDatabase();
        DatabaseEndpoint endpoint = new DatabaseEndpoint(db.host(), db.port(), db.name(), db.user(), db.password(),
                null);
        SchemaMigrator.migrate(endpoint, 0);
        ConnectionPool pool = PostgresConnectionPools.create(endpoint, smallPool());
        return new MigratedDatabase(db, endpoint, pool, DatabaseClient.create(pool));
    }

    /** A pool of a few connections, the size tests need. */
    public static DatabaseProperties.Pool smallPool() {
        return new DatabaseProperties.Pool(0, 4, java.time.Duration.ofMinutes(1), java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
