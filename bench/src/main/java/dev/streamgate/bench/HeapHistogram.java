package dev.streamgate.bench;

/** Reads the output of {@code jcmd <pid> GC.class_histogram}. */
final class HeapHistogram {
    private HeapHistogram() {
    }

    /**
     * The live bytes: its {@code Total} line ({@code Total <instances> <bytes>}, taken after a full collection)
     * less the heap's filler objects ({@code jdk.internal.vm.FillerElement[]}, {@code jdk.internal.vm.FillerObject}),
     * which the collector puts in holes it leaves (G1 fills the unused ends of its allocation buffers under load)
     * and which the histogram lists, though nothing references them. Counting them made a JVM's heap per open
     * stream jump by megabytes between runs.
     */
    static long totalBytes(String histogram) {
        long fillers = 0;
        for (String line : histogram.split("\n")) {
            String trimmed = line.strip();
            String[] parts = trimmed.split("\\s+");
            if (trimmed.startsWith("Total ")) {
                if (parts.length == 3) {
                    return Long.parseLong(parts[2]) - fillers;
                }
            } else if (parts.length >= 4 && parts[0].endsWith(":") && isFiller(parts[3])) {
                fillers += Long.parseLong(parts[2]);
            }
        }
        throw new IllegalArgumentException("no 'Total <instances> <bytes>' line in the class histogram: "
                + histogram.lines().limit(5).toList());
    }

    private static boolean isFiller(String className) {
        return className.equals("[Ljdk.internal.vm.FillerElement;") || className.equals("jdk.internal.vm.FillerObject");
    }
}
