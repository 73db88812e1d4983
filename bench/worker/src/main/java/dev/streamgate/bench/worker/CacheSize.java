package dev.streamgate.bench.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The largest CPU cache, from Linux's sysfs. Weights that fit in it are not streamed from memory at every decode
 * step, so the memory-bandwidth bound says nothing about them.
 */
final class CacheSize {
    private CacheSize() {
    }

    /** Bytes of the last-level cache, 0 when the system does not say. */
    static long lastLevelBytes() {
        Path caches = Path.of("/sys/devices/system/cpu/cpu0/cache");
        if (!Files.isDirectory(caches)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(caches)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("index"))
                    .mapToLong(CacheSize::bytes).max().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long bytes(Path index) {
        try {
            String size = Files.readString(index.resolve("size")).trim();
            long value = Long.parseLong(size.replaceAll("[^0-9]", ""));
            return size.endsWith("K") ? value << 10 : size.endsWith("M") ? value << 20 : value;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
