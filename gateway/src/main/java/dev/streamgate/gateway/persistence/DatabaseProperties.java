package dev.streamgate.gateway.persistence;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code streamgate.database.*}. Without a {@code url} the gateway runs its own embedded PostgreSQL whose data lives
 * under {@code streamgate.home}.
 *
 * @param url            {@code postgresql://host:port/db}, {@code postgres://user:pass@host/db}, a JDBC URL or an
 *                       R2DBC URL; blank means embedded
 * @param username       overrides a user given in the URL; {@code postgres} when neither says
 * @param password       overrides a password given in the URL
 * @param connectRetries how often start-up retries reaching the database (with back-off) before giving up, so that a
 *                       gateway started next to its database waits for it
 */
@ConfigurationProperties("streamgate.database")
public record DatabaseProperties(String url, String username, String password,
                                 @DefaultValue("5") int connectRetries,
                                 @DefaultValue Pool pool,
                                 @DefaultValue Embedded embedded) {

    public DatabaseProperties {
        if (connectRetries < 0) {
            throw new IllegalArgumentException("streamgate.database.connect-retries must not be negative");
        }
    }

    public boolean embeddedMode() {
        return url == null || url.isBlank();
    }

    /** The R2DBC pool every repository shares. */
    public record Pool(@DefaultValue("2") int initialSize,
                       @DefaultValue("20") int maxSize,
                       @DefaultValue("30m") Duration maxIdleTime,
                       @DefaultValue("5s") Duration maxAcquireTime,
                       @DefaultValue("10s") Duration connectTimeout) {
        public Pool {
            if (initialSize < 0) {
                throw new IllegalArgumentException("streamgate.database.pool.initial-size must not be negative");
            }
            if (maxSize < 1 || maxSize < initialSize) {
                throw new IllegalArgumentException(
                        "streamgate.database.pool.max-size must be at least 1 and at least initial-size");
            }
            positive(maxIdleTime, "max-idle-time");
            positive(maxAcquireTime, "max-acquire-time");
            positive(connectTimeout, "connect-timeout");
        }

        private static void positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("streamgate.database.pool." + name + " must be positive");
            }
        }
    }

    /** The embedded server: {@code port} 0 picks a free port on each start. */
    public record Embedded(@DefaultValue("0") int port, @DefaultValue("60s") Duration startupTimeout) {
        public Embedded {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("streamgate.database.embedded.port must be within 0..65535");
            }
            if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("streamgate.database.embedded.startup-timeout must be positive");
            }
        }
    }
}
