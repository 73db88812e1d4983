package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * One kind of recurring log line, written at most once per {@code interval} with the number of occurrences since
 * the previous line, so that an error repeated on every request cannot flood the log while still being seen.
 */
final class ThrottledLog {
    private final Logger log;
    private final Clock clock;
    private final long intervalMillis;
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);

    ThrottledLog(Logger log, Clock clock, Duration interval) {
        this.log = log;
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /**
     * Counts one occurrence and writes a WARN if none was written during the interval: {@code message} gets the
     * number of occurrences since the previous line as its first argument, then {@code arguments}.
     */
    void warn(String message, Object... arguments) {
        long occurrences = unreported.incrementAndGet();
        long now = clock.millis();
        long due = nextAt.get();
        if (now >= due && nextAt.compareAndSet(due, now + intervalMillis)) {
            unreported.addAndGet(-occurrences);
            Object[] all = new Object[arguments.length + 1];
            all[0] = occurrences;
            System.arraycopy(arguments, 0, all, 1, arguments.length);
            log.warn(message, all);
        }
    }
}
