package dev.streamgate.bench;

/** Reads the output of {@code jcmd <pid> GC.class_histogram}. */
final class HeapHistogram {
    private HeapHistogram() {
    }

    /**
     * The bytes of its {@code Total} line ({@code Total <instances> <bytes>}), which counts every live object: the
     * histogram is taken after a full collection.
     */
    static long totalBytes(String histogram) {
        for (String line : histogram.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("Total ")) {
                String[] parts = trimmed.split("\\s+");
                if (parts.length == 3) {
                    return Long.parseLong(parts[2]);
                }
            }
        }
        throw new IllegalArgumentException("no 'Total <instances> <bytes>' line in the class histogram: "
                + histogram.lines().limit(5).toList());
    }
}
