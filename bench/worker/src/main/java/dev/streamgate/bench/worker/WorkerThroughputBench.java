package dev.streamgate.bench.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import dev.streamgate.worker.BundledModel;
import dev.streamgate.worker.WorkerOptions;
import dev.streamgate.worker.WorkerRuntime;
import dev.streamgate.worker.server.WorkerServer;

/**
 * {@code bench/worker-throughput.sh}: the worker's output tokens/s at several concurrencies with continuous batching
 * against the same requests served one at a time, its single-stream decode speed against this machine's
 * memory-bandwidth bound, and Jlama on the same checkpoints, for a generated random-weight ~110M Llama (bf16) and
 * the bundled demo-chat. Everything runs in this process over loopback HTTP; the results table comes last.
 *
 * <p>Options: {@code --work DIR} (where the random checkpoint is written; required), {@code --sg-bench PATH} (the
 * engine's bench tool, for the bandwidth; required), {@code --requests 32}, {@code --max-tokens 32},
 * {@code --concurrency 1,8,32}, {@code --jlama-requests 8}.
 */
public final class WorkerThroughputBench {
    private static final long SEED = 42;
    /** Each side of a comparison serves at least this many requests (1 stream: four rounds). */
    private static final int MIN_REQUESTS_PER_SIDE = 4;

    private WorkerThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        // The worker's log settings (INFO, no wire dumps), before the first logger exists.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "streamgate-worker-logback.xml");
        }
        BenchOptions options = BenchOptions.parse(args);
        String loadBefore = loadAverage();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Path demoChat = BundledModel.folder(BundledModel.DEMO_CHAT);
        System.out.println("writing the random checkpoint to " + options.work());
        Path random = RandomLlamaCheckpoint.write(options.work().resolve("random-llama-110m"), LlamaShape.SMALL_110M,
                SEED, demoChat);

        List<String> prompts = BenchPrompts.mixed(options.requests());
        ModelResult randomResult = bench("random-llama-110m", random, prompts, options);
        ModelResult demoResult = bench(BundledModel.DEMO_CHAT, demoChat, prompts, options);

        System.out.println();
        System.out.print(ResultsTable.render(List.of(randomResult, demoResult), options, started, loadBefore,
                loadAverage()));
        System.exit(0);
    }

    private static ModelResult bench(String name, Path folder, List<String> prompts, BenchOptions options) {
        CheckpointWeights weights = CheckpointWeights.of(folder);
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf("%s: %.1fM parameters (%s), %d requests of %d output tokens%n", name,
                weights.parameters() / 1e6, weights.dtype(), prompts.size(), options.maxTokens());
        WorkerOptions workerOptions = WorkerOptions.DEFAULTS.withServedModelName(name)
                .withEngine(WorkerOptions.DEFAULTS.engine().withKvCacheBytes(1L << 30))
                .withMaxNumSeqs(Math.max(64, prompts.size()));
        // Jlama first, alone on the machine; the worker then serves its prompts with the lengths it produced.
        List<String> jlamaPrompts = prompts.subList(0, options.jlamaRequests());
        System.out.printf("  Jlama, %d requests one at a time%n", jlamaPrompts.size());
        JlamaRun.Outcome jlama = JlamaRun.run(folder, jlamaPrompts, options.maxTokens());
        if (jlama.failure() != null) {
            System.out.println("  Jlama: " + jlama.failure());
        }
        List<RequestTiming> matchedToJlama = List.of();
        List<Comparison> comparisons = new ArrayList<>();
        double[] bandwidth = new double[2];
        long preemptions;
        String backend;
        try (WorkerRuntime runtime = WorkerRuntime.builder(folder).options(workerOptions).start();
             WorkerServer server = WorkerServer.start("127.0.0.1", 0, () -> "", Clock.systemUTC())) {
            server.attach(runtime);
            backend = runtime.engineInfo().backend();
            WorkerLoad load = new WorkerLoad(server.port(), name, options.maxTokens());
            load.oneAtATime(prompts.subList(0, 2));
            bandwidth[0] = MemoryBandwidth.measure(options.sgBench(), threads);
            System.out.printf("  read bandwidth %.2f GB/s%n", bandwidth[0]);
            for (int streams : options.concurrency()) {
                int rounds = Math.ceilDiv(MIN_REQUESTS_PER_SIDE, streams);
                System.out.printf("  %d streams: %d round(s) of one at a time, then at once%n", streams, rounds);
                List<List<RequestTiming>> alone = new ArrayList<>();
                List<List<RequestTiming>> together = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    alone.add(load.oneAtATime(prompts.subList(0, streams)));
                    together.add(load.together(prompts.subList(0, streams)));
                }
                comparisons.add(new Comparison(streams, together, alone));
            }
            bandwidth[1] = MemoryBandwidth.measure(options.sgBench(), threads);
            if (jlama.failure() == null) {
                System.out.println("  Jlama's requests, one at a time");
                matchedToJlama = load.oneAtATime(jlamaPrompts,
                        jlama.timings().stream().map(t -> Math.max(1, t.outputTokens())).toList());
            }
            preemptions = runtime.state().preemptions();
        }
        return new ModelResult(name, weights, backend, comparisons, bandwidth, preemptions, jlama, matchedToJlama);
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
