package dev.streamgate.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server on a data folder of its own: first start, restarts, and the ways a previous run can end. One
 * folder serves the whole story, because creating a cluster is the slow part; {@link DataDirectoryRecoveryTest}
 * covers the remaining cases of a folder left behind.
 */
class EmbeddedDatabaseIT {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @TempDir
    Path home;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void keepsItsDataThroughRestartsStalePidFilesAndAKilledGateway() throws Exception {
        Path dir = home.resolve("pg");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, STARTUP)) {
            assertThat(SchemaMigrator.migrate(db.endpoint(), 0).migrationsApplied()).isGreaterThanOrEqualTo(2);
            insertPlan(db, "kept");
            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, 0, STARTUP)).hasMessageContaining("already in use");
        }

        // A reboot leaves postmaster.pid naming a process that is gone...
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        writePidFile(dir, gone.pid());
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, STARTUP)) {
            assertThat(SchemaMigrator.migrate(db.endpoint(), 0).migrationsApplied()).isZero();
            assertThat(planIds(db)).containsExactly("kept");
        }

        // A gateway killed with SIGKILL leaves its PostgreSQL running on the folder.
        long orphanPid = runGatewayAndKillIt(dir);
        Optional<ProcessHandle> orphan = ProcessHandle.of(orphanPid);
        assertThat(orphan).isPresent();
        assertThat(orphan.get().isAlive()).as("PostgreSQL outlives the killed gateway").isTrue();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, STARTUP)) {
            assertThat(orphan.get().isAlive()).isFalse();
            assertThat(planIds(db)).containsExactly("kept", "orphan");
        }
    }

    /** Runs {@link OrphaningGateway} in a child JVM, kills it once its database is up, returns the server's pid. */
    private static long runGatewayAndKillIt(Path dir) throws Exception {
        Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OrphaningGateway.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null && !line.equals("READY"); ) {
                output.add(line);
            }
            assertThat(gateway.isAlive()).as("child output: %s", output).isTrue();
            gateway.destroyForcibly().waitFor();
        }
        return Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).getFirst().strip());
    }

    private static void writePidFile(Path dir, long pid) throws Exception {
        Files.writeString(dir.resolve("postmaster.pid"), pid + "\n" + dir + "\n1700000000\n5432\n");
    }

    private static void insertPlan(EmbeddedDatabase db, String id) throws SQLException {
        try (Connection c = connect(db)) {
            c.createStatement().execute("insert into plans (id, name, tenant_rpm, tenant_tpm, tenant_concurrent,"
                    + " key_rpm, key_tpm, key_concurrent) values ('" + id + "', 'Plan', 1, 1, 1, 1, 1, 1)");
        }
    }

    private static List<String> planIds(EmbeddedDatabase db) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = connect(db); ResultSet rs = c.createStatement().executeQuery(
                "select id from plans order by id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static Connection connect(EmbeddedDatabase db) throws SQLException {
        return DriverManager.getConnection(db.endpoint().jdbcUrl(), db.endpoint().username(), null);
    }
}
