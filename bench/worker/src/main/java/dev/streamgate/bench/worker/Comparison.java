package dev.streamgate.bench.worker;

import java.util.List;

/**
 * The same first {@code streams} requests, sent at once (continuous batching) and one at a time, measured back to
 * back so that both see the same machine; a round is one such pair, and small concurrencies get several rounds
 * because one short request says little on a busy machine.
 */
record Comparison(int streams, List<List<RequestTiming>> together, List<List<RequestTiming>> oneAtATime) {

    /** Output tokens over the wall time of every round, first start to last end within a round. */
    double togetherThroughput() {
        long tokens = 0;
        long nanos = 0;
        for (List<RequestTiming> round : together) {
            tokens += round.stream().mapToLong(RequestTiming::outputTokens).sum();
            nanos += round.stream().mapToLong(RequestTiming::end).max().orElse(0)
                    - round.stream().mapToLong(RequestTiming::start).min().orElse(0);
        }
        return tokens / (nanos / 1e9);
    }

    double oneAtATimeThroughput() {
        return sequentialThroughput(oneAtATime.stream().flatMap(List::stream).toList());
    }

    /** Output tokens per second of requests served one after another: their tokens over their summed times. */
    static double sequentialThroughput(List<RequestTiming> timings) {
        long tokens = timings.stream().mapToLong(RequestTiming::outputTokens).sum();
        long nanos = timings.stream().mapToLong(t -> t.end() - t.start()).sum();
        return tokens / (nanos / 1e9);
    }
}
