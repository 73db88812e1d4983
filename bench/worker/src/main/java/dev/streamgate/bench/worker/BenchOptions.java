package dev.streamgate.bench.worker;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The bench's command line (see {@link WorkerThroughputBench}). */
record BenchOptions(Path work, Path sgBench, int requests, int maxTokens, List<Integer> concurrency,
                    int jlamaRequests) {

    static BenchOptions parse(String... args) {
        Path work = null;
        Path sgBench = null;
        int requests = 32;
        int maxTokens = 32;
        List<Integer> concurrency = List.of(1, 8, 32);
        int jlamaRequests = 8;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--work" -> work = Path.of(value);
                case "--sg-bench" -> sgBench = Path.of(value);
                case "--requests" -> requests = Integer.parseInt(value);
                case "--max-tokens" -> maxTokens = Integer.parseInt(value);
                case "--concurrency" -> concurrency = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "--jlama-requests" -> jlamaRequests = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null || sgBench == null) {
            throw new IllegalArgumentException("--work DIR and --sg-bench PATH are required");
        }
        int most = concurrency.stream().mapToInt(Integer::intValue).max().orElse(1);
        if (requests < most || jlamaRequests > requests || jlamaRequests < 1) {
            throw new IllegalArgumentException("--requests must cover the highest concurrency and --jlama-requests");
        }
        return new BenchOptions(work, sgBench, requests, maxTokens, concurrency, jlamaRequests);
    }
}
