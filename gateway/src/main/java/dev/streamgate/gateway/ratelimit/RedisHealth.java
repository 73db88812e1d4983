package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether Redis is up, judged from the outcomes of admissions' attempts: it is declared down after a run of
 * {@code failureThreshold} consecutive failed attempts (one slow answer on a cold or busy machine is not an
 * outage), and up again as soon as an attempt gets an answer. While it is down admissions do not ask it, except
 * one probe every {@code retryInterval}. Every transition is reported once to the {@link RedisOutageReporter}.
 */
final class RedisHealth {
    private final Clock clock;
    private final int failureThreshold;
    private final long retryMillis;
    private final RedisOutageReporter reporter;
    private final AtomicReference<State> state = new AtomicReference<>(State.UP);

    /** {@code failures}: consecutive failed attempts; {@code nextProbeAt}/{@code downSince}: epoch millis while down. */
    private record State(boolean down, int failures, long nextProbeAt, long downSince) {
        static final State UP = new State(false, 0, 0, 0);
    }

    RedisHealth(Clock clock, int failureThreshold, Duration retryInterval, RedisOutageReporter reporter) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
        }
        this.clock = clock;
        this.failureThreshold = failureThreshold;
        this.retryMillis = retryInterval.toMillis();
        this.reporter = reporter;
    }

    /** Whether an admission should ask Redis: always while it is up; while it is down, one per retry interval. */
    boolean shouldTry() {
        while (true) {
            State current = state.get();
            if (!current.down()) {
                return true;
            }
            long now = clock.millis();
            if (now < current.nextProbeAt()) {
                return false;
            }
            State probing = new State(true, current.failures(), now + retryMillis, current.downSince());
            if (state.compareAndSet(current, probing)) {
                return true;
            }
        }
    }

    boolean up() {
        return !state.get().down();
    }

    /** An attempt got Redis' answer (an admission or a refusal alike). */
    void answered() {
        while (true) {
            State current = state.get();
            if (current == State.UP) {
                return;
            }
            if (state.compareAndSet(current, State.UP)) {
                if (current.down()) {
                    reporter.recovered(Duration.ofMillis(Math.max(0, clock.millis() - current.downSince())));
                }
                return;
            }
        }
    }

    /** An attempt got no answer in time, or an error. A failed probe keeps Redis down until the next one. */
    void failed(Throwable cause) {
        while (true) {
            State current = state.get();
            if (current.down()) {
                return;
            }
            int failures = current.failures() + 1;
            long now = clock.millis();
            State next = failures >= failureThreshold
                    ? new State(true, failures, now + retryMillis, now)
                    : new State(false, failures, 0, 0);
            if (state.compareAndSet(current, next)) {
                if (next.down()) {
                    reporter.degraded(failures, cause);
                }
                return;
            }
        }
    }
}
