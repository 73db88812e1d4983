package dev.streamgate.gateway.ratelimit;

import io.github.bucket4j.ConsumptionProbe;
import reactor.core.publisher.Mono;

/**
 * Where buckets and stream slots live: Redis (shared by every gateway instance) or this instance's memory.
 * Buckets hold {@code perMinute} tokens and refill greedily over a minute. A store that cannot answer signals a
 * {@link RateLimitStoreException}; the admission policy above it decides what that means.
 */
interface LimitStore extends AutoCloseable {
    Mono<ConsumptionProbe> tryConsume(String bucketKey, long perMinute, long tokens);

    /** Gives tokens back; a bucket never fills beyond its capacity. */
    Mono<Void> addTokens(String bucketKey, long perMinute, long tokens);

    /** Charges tokens even if the bucket runs into debt: the work has already been done. */
    Mono<Void> consumeIgnoringLimits(String bucketKey, long perMinute, long tokens);

    Mono<SlotResult> acquireSlot(String slotKey, long limit, String leaseId);

    /** Extends a held slot's lease; only meaningful where {@link #leasesExpire()}. */
    Mono<Void> renewSlot(String slotKey, String leaseId);

    Mono<Void> releaseSlot(String slotKey, String leaseId);

    /** Whether slots are leases that lapse unless renewed, so that a crashed holder cannot keep them. */
    boolean leasesExpire();

    @Override
    void close();

    /** Whether a slot was taken, and how many are held under that key now (including it, when taken). */
    record SlotResult(boolean acquired, long held) {
    }

    /**
     * A store that answers in place, without I/O (this instance's memory): admission asks it directly, since the
     * reactive form of six synchronous answers cost some thirty operators and their subscriptions per request.
     */
    interface Immediate extends LimitStore {
        ConsumptionProbe tryConsumeNow(String bucketKey, long perMinute, long tokens);

        SlotResult acquireSlotNow(String slotKey, long limit, String leaseId);

        void addTokensNow(String bucketKey, long perMinute, long tokens);

        void consumeIgnoringLimitsNow(String bucketKey, long perMinute, long tokens);

        void releaseSlotNow(String slotKey, String leaseId);

        @Override
        default Mono<ConsumptionProbe> tryConsume(String bucketKey, long perMinute, long tokens) {
            return Mono.fromSupplier(() -> tryConsumeNow(bucketKey, perMinute, tokens));
        }

        @Override
        default Mono<SlotResult> acquireSlot(String slotKey, long limit, String leaseId) {
            return Mono.fromSupplier(() -> acquireSlotNow(slotKey, limit, leaseId));
        }

        @Override
        default Mono<Void> addTokens(String bucketKey, long perMinute, long tokens) {
            return Mono.fromRunnable(() -> addTokensNow(bucketKey, perMinute, tokens));
        }

        @Override
        default Mono<Void> consumeIgnoringLimits(String bucketKey, long perMinute, long tokens) {
            return Mono.fromRunnable(() -> consumeIgnoringLimitsNow(bucketKey, perMinute, tokens));
        }

        @Override
        default Mono<Void> releaseSlot(String slotKey, String leaseId) {
            return Mono.fromRunnable(() -> releaseSlotNow(slotKey, leaseId));
        }
    }
}
