package dev.streamgate.bench.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * This machine's read bandwidth right now, measured by the engine's {@code sg_bench --bandwidth-mib}: threads
 * summing a buffer far larger than the caches, best of five passes. Native code, because a decode step is bound by
 * how fast the engine's kernels can stream weights, which a JIT-compiled loop need not match.
 */
final class MemoryBandwidth {
    private static final int BUFFER_MIB = 1024;

    private MemoryBandwidth() {
    }

    /** Gigabytes (1e9 bytes) per second with {@code threads} threads. */
    static double measure(Path sgBench, int threads) {
        try {
            Process process = new ProcessBuilder(sgBench.toString(), "--bandwidth-mib", Integer.toString(BUFFER_MIB),
                    "--threads", Integer.toString(threads)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0
                    || !output.startsWith("read_bandwidth_gbs ")) {
                throw new IllegalStateException(sgBench + " failed: " + output);
            }
            return Double.parseDouble(output.split(" ")[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + sgBench, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
