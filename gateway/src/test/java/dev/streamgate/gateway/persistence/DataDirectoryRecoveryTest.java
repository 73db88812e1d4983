package dev.streamgate.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What recovery does to a data folder before PostgreSQL starts on it; {@link EmbeddedDatabaseIT} starts one. */
class DataDirectoryRecoveryTest {
    private static final Duration STOP = Duration.ofSeconds(5);

    @TempDir
    Path home;

    private Path cluster() throws Exception {
        Path dir = Files.createDirectories(home.resolve("pg"));
        Files.writeString(dir.resolve("postgresql.conf"), "# cluster\n");
        return dir;
    }

    private List<String> homeEntries() throws Exception {
        try (Stream<Path> entries = Files.list(home)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void leavesAMissingOrEmptyFolderForInitdb() throws Exception {
        DataDirectoryRecovery.prepare(home.resolve("pg"), STOP);
        assertThat(homeEntries()).isEmpty();

        Path dir = Files.createDirectories(home.resolve("pg"));
        DataDirectoryRecovery.prepare(dir, STOP);
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void removesALoneLockFileSoInitdbFindsTheFolderEmpty() throws Exception {
        Path dir = Files.createDirectories(home.resolve("pg"));
        Files.createFile(dir.resolve(DataDirectoryRecovery.LOCK_FILE));

        DataDirectoryRecovery.prepare(dir, STOP);

        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void movesAnIncompletelyCreatedClusterAside() throws Exception {
        Path dir = Files.createDirectories(home.resolve("pg").resolve("base")).getParent();
        Files.writeString(dir.resolve("PG_VERSION"), "17\n");

        DataDirectoryRecovery.prepare(dir, STOP);

        assertThat(homeEntries()).hasSize(1).allMatch(n -> n.startsWith("pg.incomplete-"));
        Path aside = home.resolve(homeEntries().getFirst());
        assertThat(aside.resolve("PG_VERSION")).exists();
    }

    @Test
    void removesAPidFileWhoseProcessIsGone() throws Exception {
        Path dir = cluster();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dir.resolve(DataDirectoryRecovery.PID_FILE), gone.pid() + "\n" + dir + "\n");

        DataDirectoryRecovery.prepare(dir, STOP);

        assertThat(dir.resolve(DataDirectoryRecovery.PID_FILE)).doesNotExist();
        assertThat(dir.resolve("postgresql.conf")).exists();
    }

    @Test
    void removesAPidFileWhoseIdNowBelongsToAnotherProgramAndLeavesThatProgramAlone() throws Exception {
        Path dir = cluster();
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(dir.resolve(DataDirectoryRecovery.PID_FILE), sleeper.pid() + "\n" + dir + "\n");

            DataDirectoryRecovery.prepare(dir, STOP);

            assertThat(dir.resolve(DataDirectoryRecovery.PID_FILE)).doesNotExist();
            assertThat(sleeper.isAlive()).isTrue();
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void refusesAFolderWhoseLockIsHeld() throws Exception {
        Path dir = cluster();
        try (FileChannel channel = FileChannel.open(dir.resolve(DataDirectoryRecovery.LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            assertThatThrownBy(() -> DataDirectoryRecovery.prepare(dir, STOP))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already in use");
        }
    }
}
