package dev.streamgate.bench.worker;

import java.util.Arrays;
import java.util.List;

/**
 * Everything measured on one checkpoint.
 *
 * @param comparisons  one per concurrency, smallest first
 * @param bandwidthGbs read bandwidth measured before the first comparison and after the last
 * @param jlama        Jlama's one-at-a-time timings on the first prompts, or why there are none
 * @param matchedToJlama the worker serving Jlama's prompts one at a time with the output lengths Jlama produced
 *                       (Jlama stops at EOS and has no {@code ignore_eos}); empty when Jlama could not run
 */
record ModelResult(String name, CheckpointWeights weights, String backend, List<Comparison> comparisons,
                   double[] bandwidthGbs, long preemptions, JlamaRun.Outcome jlama,
                   List<RequestTiming> matchedToJlama) {

    /** Every request the worker served alone, in the order served. */
    List<RequestTiming> servedAlone() {
        return comparisons.stream().flatMap(c -> c.oneAtATime().stream()).flatMap(List::stream).toList();
    }

    /** The median single-stream decode speed. */
    static double medianDecode(List<RequestTiming> timings) {
        double[] speeds = timings.stream().mapToDouble(RequestTiming::decodeTokensPerSecond)
                .filter(Double::isFinite).sorted().toArray();
        return speeds.length == 0 ? Double.NaN : speeds[speeds.length / 2];
    }

    /** Decode tokens per second if a step only had to read the weights once at the best measured bandwidth. */
    double boundTokensPerSecond() {
        return Arrays.stream(bandwidthGbs).max().orElse(Double.NaN) * 1e9 / weights.bytesPerDecode();
    }
}
