package dev.streamgate.gateway.persistence;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;

/**
 * Run in a child JVM by {@link EmbeddedDatabaseIT}: starts the embedded database (already migrated), writes a row,
 * says READY and waits to be killed, leaving its PostgreSQL behind as a killed gateway would.
 */
public final class OrphaningGateway {
    private OrphaningGateway() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]), 0, Duration.ofSeconds(60));
        try (Connection c = DriverManager.getConnection(db.endpoint().jdbcUrl(), "postgres", null)) {
            c.createStatement().execute("insert into plans (id, name, tenant_rpm, tenant_tpm, tenant_concurrent, "
                    + "key_rpm, key_tpm, key_concurrent) values ('orphan', 'Orphan', 1, 1, 1, 1, 1, 1)");
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
