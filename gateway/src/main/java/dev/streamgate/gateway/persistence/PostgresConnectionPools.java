package dev.streamgate.gateway.persistence;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ValidationDepth;

/** Builds the gateway's R2DBC pool for an endpoint. */
public final class PostgresConnectionPools {
    private PostgresConnectionPools() {
    }

    public static ConnectionPool create(DatabaseEndpoint endpoint, DatabaseProperties.Pool pool) {
        PostgresqlConnectionConfiguration.Builder connection = PostgresqlConnectionConfiguration.builder()
                .host(endpoint.host())
                .port(endpoint.port())
                .database(endpoint.database())
                .username(endpoint.username())
                .applicationName("streamgate-gateway")
                .connectTimeout(pool.connectTimeout());
        if (endpoint.password() != null) {
            connection.password(endpoint.password());
        }
        if (endpoint.sslMode() != null) {
            connection.sslMode(SSLMode.fromValue(endpoint.sslMode()));
        }
        ConnectionPoolConfiguration configuration = ConnectionPoolConfiguration
                .builder(new PostgresqlConnectionFactory(connection.build()))
                .name("streamgate")
                .initialSize(pool.initialSize())
                .maxSize(pool.maxSize())
                .maxIdleTime(pool.maxIdleTime())
                .maxAcquireTime(pool.maxAcquireTime())
                .maxCreateConnectionTime(pool.connectTimeout())
                // A connection broken while the database was away is found on acquire and replaced, so the first
                // query after an outage does not fail on a dead socket.
                .validationDepth(ValidationDepth.LOCAL)
                .build();
        return new ConnectionPool(configuration);
    }
}
