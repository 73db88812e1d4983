package dev.streamgate.bench.worker;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The results as Markdown tables, ready for the README. */
final class ResultsTable {
    private ResultsTable() {
    }

    static String render(List<ModelResult> results, BenchOptions options, Instant started, String loadBefore,
                         String loadAfter) {
        StringBuilder out = new StringBuilder();
        line(out, "### Worker throughput, %s", started);
        line(out, "");
        line(out, "Machine: %d CPUs (%s), load average (1/5/15 min) %s before and %s after the run. %d requests of "
                        + "8 to 48 words, %d output tokens each (greedy, `ignore_eos`), streamed over loopback HTTP; "
                        + "each concurrency's requests served one at a time right before they are sent at once.",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), loadBefore, loadAfter,
                options.requests(), options.maxTokens());
        line(out, "");
        line(out, "| model | streams | continuous batching tok/s | one at a time tok/s | speed-up |");
        line(out, "|---|---:|---:|---:|---:|");
        for (ModelResult r : results) {
            for (Comparison c : r.comparisons()) {
                double batched = c.togetherThroughput();
                double alone = c.oneAtATimeThroughput();
                line(out, "| %s | %d | %.1f | %.1f | %.2fx |", r.name(), c.streams(), batched, alone,
                        batched / alone);
            }
        }
        line(out, "");
        line(out, "| model | parameters | weights read per token | single-stream decode tok/s | read bandwidth GB/s "
                + "(before / after) | bandwidth bound tok/s | of bound |");
        line(out, "|---|---:|---:|---:|---:|---:|---:|");
        long cache = CacheSize.lastLevelBytes();
        for (ModelResult r : results) {
            double decode = ModelResult.medianDecode(r.servedAlone());
            double bound = r.boundTokensPerSecond();
            String boundCells = r.weights().bytesPerDecode() <= cache
                    ? String.format(Locale.ROOT, "n/a: the weights fit in the %d MiB cache | n/a", cache >> 20)
                    : String.format(Locale.ROOT, "%.1f | %.0f%%", bound, 100 * decode / bound);
            line(out, "| %s (%s, %s) | %.1fM | %.1f MB | %.1f | %.2f / %.2f | %s |", r.name(), r.weights().dtype(),
                    r.backend(), r.weights().parameters() / 1e6, r.weights().bytesPerDecode() / 1e6, decode,
                    r.bandwidthGbs()[0], r.bandwidthGbs()[1], boundCells);
        }
        line(out, "");
        line(out, "| model | Jlama 0.8.4 one at a time tok/s | worker, same prompts and output lengths, tok/s | "
                + "worker / Jlama | Jlama decode tok/s | worker decode tok/s | worker / Jlama |");
        line(out, "|---|---:|---:|---:|---:|---:|---:|");
        for (ModelResult r : results) {
            JlamaRun.Outcome jlama = r.jlama();
            if (jlama.failure() != null) {
                line(out, "| %s | could not run: %s | | | | | |", r.name(), jlama.failure().replace("|", "\\|"));
                continue;
            }
            List<RequestTiming> worker = r.matchedToJlama();
            double jlamaThroughput = Comparison.sequentialThroughput(jlama.timings());
            double workerThroughput = Comparison.sequentialThroughput(worker);
            double jlamaDecode = ModelResult.medianDecode(jlama.timings());
            double workerDecode = ModelResult.medianDecode(worker);
            line(out, "| %s | %.1f (%d requests, %d output tokens) | %.1f (%d output tokens) | %.2fx | %.1f | %.1f "
                            + "| %.2fx |", r.name(), jlamaThroughput, jlama.timings().size(),
                    outputTokens(jlama.timings()), workerThroughput, outputTokens(worker), workerThroughput / jlamaThroughput, jlamaDecode,
                    workerDecode, workerDecode / jlamaDecode);
        }
        line(out, "");
        for (ModelResult r : results) {
            line(out, "%s: %d preemptions during the run.", r.name(), r.preemptions());
        }
        return out.toString();
    }

    private static int outputTokens(List<RequestTiming> timings) {
        return timings.stream().mapToInt(RequestTiming::outputTokens).sum();
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
