package dev.streamgate.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Closed-loop load: each of N virtual users sends its next request as soon as the previous one completes, so N
 * requests are always in flight. Finds the most the target can serve on N connections; latency then includes the
 * queueing that throughput forces.
 */
final class ClosedLoop {
    private ClosedLoop() {
    }

    /**
     * Runs until {@code endNanos} (no request is started after it), then waits for the requests in flight.
     *
     * @param maxRequests requests to send at most, warm-up included
     */
    static void run(ChatRequester requester, Results results, int users, long endNanos, long maxRequests,
                    Duration drainTimeout) {
        AtomicLong started = new AtomicLong(users);
        Mono<Outcome> one = Mono.defer(() -> {
            long start = System.nanoTime();
            return requester.send().doOnNext(outcome -> results.record(start, outcome));
        });
        Duration untilEnd = Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
        Flux.range(0, users)
                .flatMap(user -> one.repeat(() -> System.nanoTime() < endNanos
                        && started.incrementAndGet() <= maxRequests), users)
                .blockLast(untilEnd.plus(drainTimeout));
    }
}
