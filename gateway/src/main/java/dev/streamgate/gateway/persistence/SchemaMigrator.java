package dev.streamgate.gateway.persistence;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with Flyway ({@code classpath:db/migration}) over a short-lived JDBC connection, before
 * anything opens the reactive pool. Flyway is blocking and runs once at start-up, on the main thread.
 */
public final class SchemaMigrator {
    public static final String LOCATION = "classpath:db/migration";
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

    private SchemaMigrator() {
    }

    public static DatabaseSchema migrate(DatabaseEndpoint endpoint, int connectRetries) {
        Flyway flyway = Flyway.configure()
                .dataSource(endpoint.jdbcUrl(), endpoint.username(), endpoint.password())
                .locations(LOCATION)
                .connectRetries(connectRetries)
                .load();
        MigrateResult result = flyway.migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                : flyway.info().current() == null ? "none" : flyway.info().current().getVersion().getVersion();
        log.info("Database schema at version {} ({} migration(s) applied now)", version, result.migrationsExecuted);
        return new DatabaseSchema(version, result.migrationsExecuted);
    }

    /** The schema after migration: its version and how many migrations this start applied. */
    public record DatabaseSchema(String version, int migrationsApplied) {
    }
}
