package dev.streamgate.gateway.persistence;

import java.nio.file.Path;

import dev.streamgate.gateway.persistence.SchemaMigrator.DatabaseSchema;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The database beans, in the order they must exist: the server (external or embedded), the migrated schema, then the
 * R2DBC pool and the {@link DatabaseClient} every repository uses. Boot's own R2DBC auto-configuration is excluded
 * in {@code application.yml} so that {@code spring.r2dbc.*} cannot silently open a second, unmigrated pool.
 * Destruction runs the other way round: the pool closes, then the embedded server stops; anything that must write
 * on shutdown depends on the {@link DatabaseClient} and so finishes first.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    public DatabaseServer databaseServer(DatabaseProperties properties,
                                         @Value("${streamgate.home:${user.home}/.streamgate}") Path home) {
        DatabaseServer server;
        if (properties.embeddedMode()) {
            server = EmbeddedDatabase.start(home.resolve("pg"), properties.embedded().port(),
                    properties.embedded().startupTimeout());
        } else {
            server = new ExternalDatabase(
                    DatabaseEndpoint.parse(properties.url(), properties.username(), properties.password()));
        }
        log.info("Database: {}", server.description());
        return server;
    }

    @Bean
    public DatabaseSchema databaseSchema(DatabaseServer server, DatabaseProperties properties) {
        return SchemaMigrator.migrate(server.endpoint(), properties.connectRetries());
    }

    /** Takes the schema as a parameter only so that no connection is handed out before migration finished. */
    @Bean(destroyMethod = "dispose")
    public ConnectionPool connectionFactory(DatabaseServer server, DatabaseSchema schema,
                                            DatabaseProperties properties) {
        return PostgresConnectionPools.create(server.endpoint(), properties.pool());
    }

    @Bean
    public DatabaseClient databaseClient(ConnectionFactory connectionFactory) {
        return DatabaseClient.create(connectionFactory);
    }
}
