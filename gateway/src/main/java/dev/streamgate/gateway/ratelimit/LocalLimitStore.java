package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Buckets and stream slots in this instance's memory (Bucket4j's lock-free local buckets): the embedded default,
 * and the fallback while Redis is down. Limits hold per instance only. Slots are plain counters: they die with the
 * instance, so nothing can leak them across a crash.
 */
final class LocalLimitStore implements LimitStore.Immediate {
    /** A full bucket is indistinguishable from a new one, so idle full buckets are dropped to bound memory. */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final ClockTimeMeter timeMeter;
    private final ConcurrentHashMap<String, Entry> buckets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> slots = new ConcurrentHashMap<>();
    private final Disposable sweeper;

    LocalLimitStore(Clock clock, Scheduler scheduler) {
        this.timeMeter = new ClockTimeMeter(clock);
        long every = SWEEP_INTERVAL.toMillis();
        this.sweeper = scheduler.schedulePeriodically(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public ConsumptionProbe tryConsumeNow(String bucketKey, long perMinute, long tokens) {
        return bucket(bucketKey, perMinute).tryConsumeAndReturnRemaining(tokens);
    }

    @Override
    public void addTokensNow(String bucketKey, long perMinute, long tokens) {
        bucket(bucketKey, perMinute).addTokens(tokens);
    }

    @Override
    public void consumeIgnoringLimitsNow(String bucketKey, long perMinute, long tokens) {
        bucket(bucketKey, perMinute).consumeIgnoringRateLimits(tokens);
    }

    @Override
    public SlotResult acquireSlotNow(String slotKey, long limit, String leaseId) {
        SlotResult[] result = new SlotResult[1];
        slots.compute(slotKey, (key, held) -> {
            long now = held == null ? 0 : held;
            if (now >= limit) {
                result[0] = new SlotResult(false, now);
                return held;
            }
            result[0] = new SlotResult(true, now + 1);
            return now + 1;
        });
        return result[0];
    }

    @Override
    public Mono<Void> renewSlot(String slotKey, String leaseId) {
        return Mono.empty();
    }

    @Override
    public void releaseSlotNow(String slotKey, String leaseId) {
        slots.computeIfPresent(slotKey, (key, held) -> held <= 1 ? null : held - 1);
    }

    @Override
    public boolean leasesExpire() {
        return false;
    }

    /**
     * Drops buckets that have refilled completely. A consumption racing with the drop lands on the dropped bucket
     * and is forgotten: at most one request per idle key per sweep, which a per-instance limit can afford.
     */
    void sweep() {
        buckets.values().removeIf(entry -> entry.bucket().getAvailableTokens() >= entry.capacity());
    }

    int bucketCount() {
        return buckets.size();
    }

    long slotsHeld(String slotKey) {
        return slots.getOrDefault(slotKey, 0L);
    }

    @Override
    public void close() {
        sweeper.dispose();
    }

    private Bucket bucket(String bucketKey, long perMinute) {
        return buckets.computeIfAbsent(bucketKey, key -> new Entry(Bucket.builder()
                .addLimit(PerMinuteBandwidth.of(perMinute))
                .withCustomTimePrecision(timeMeter)
                .build(), perMinute)).bucket();
    }

    private record Entry(Bucket bucket, long capacity) {
    }
}
