package dev.streamgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Looks inside a running JVM the same way whatever it runs, with the JDK's {@code jcmd}: its live heap (after a full
 * collection, {@code GC.class_histogram}) and its allocation (a Flight Recorder recording of nothing but
 * {@code jdk.ThreadAllocationStatistics}, each thread's bytes allocated so far, once a second). Nothing has to be
 * set on the target's command line, so every JVM compared runs with the same flags.
 */
final class JvmProbe {
    /** The recording's only event: cheap (one counter read per thread per second), and not a sample. */
    static final String ALLOCATION_SETTINGS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="allocation" description="Bytes allocated by each thread">
              <event name="jdk.ThreadAllocationStatistics">
                <setting name="enabled">true</setting>
                <setting name="period">1 s</setting>
              </event>
            </configuration>
            """;
    private static final long TIMEOUT_SECONDS = 60;

    private final Path jcmd;
    private final long pid;

    JvmProbe(Path jcmd, long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, was " + pid);
        }
        this.jcmd = jcmd;
        this.pid = pid;
    }

    long pid() {
        return pid;
    }

    /** Bytes of live objects: a full collection, then the class histogram's total. */
    long liveHeapBytes() {
        return HeapHistogram.totalBytes(jcmd("GC.class_histogram"));
    }

    /** Starts a recording named {@code name} of each thread's allocation, once a second. */
    void startAllocationRecording(String name, Path dir) {
        try {
            Path settings = dir.resolve(name + ".jfc");
            Files.writeString(settings, ALLOCATION_SETTINGS, StandardCharsets.UTF_8);
            jcmd("JFR.start", "name=" + name, "settings=" + settings.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the recording's settings in " + dir, e);
        }
    }

    /** Stops the recording and has the target write it to {@code file}. */
    void stopAllocationRecording(String name, Path file) {
        jcmd("JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
    }

    private String jcmd(String... command) {
        List<String> line = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
        line.addAll(List.of(command));
        String what = "jcmd " + pid + " " + String.join(" ", command);
        Path output = null;
        try {
            // To a file, not a pipe: a jcmd that hangs (a target that does not answer the attach) is then bounded
            // by the wait below instead of by a read that never ends.
            output = Files.createTempFile("streamgate-jcmd", ".txt");
            Process process = new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " did not end in " + TIMEOUT_SECONDS + "s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (" + process.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // a temporary file left behind in the temporary folder: nothing to report
                }
            }
        }
    }
}
