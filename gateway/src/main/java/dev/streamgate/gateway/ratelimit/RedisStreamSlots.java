package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Concurrent-stream slots in Redis as leases: one sorted set per subject, member = lease id, score = the instant
 * the lease lapses. Acquiring first purges lapsed leases, so the slots of a gateway instance that crashed come
 * back after one lease period; live streams renew theirs. Releasing removes the member, which is naturally
 * idempotent. Each operation is one script, one round trip, with the limit taken from the caller's current plan.
 *
 * <p>Why not a Bucket4j bucket as a semaphore: a bucket cannot tell a crashed holder from a long stream, so it
 * either leaks the slot forever or has to refill on a timer and over-admit long streams. Why not Redisson's
 * {@code RPermitExpirableSemaphore}: its permit count lives in Redis and must be initialised and kept in step with
 * the plan separately, and it publishes on every release.
 */
final class RedisStreamSlots {
    // Returns held+1 when the lease was taken, -held when the subject is at its limit.
    static final String ACQUIRE = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
            local held = redis.call('ZCARD', KEYS[1])
            if held >= tonumber(ARGV[4]) then
              return -held
            end
            redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return held + 1
            """;
    // Renews only a lease that still exists: one purged during an outage is not resurrected above the limit.
    static final String RENEW = """
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
              return 1
            end
            return 0
            """;

    private final RScript script;
    private final Clock clock;
    private final String leaseMillis;

    RedisStreamSlots(RedissonClient redisson, Clock clock, Duration lease) {
        this.script = redisson.getScript(StringCodec.INSTANCE);
        this.clock = clock;
        this.leaseMillis = Long.toString(lease.toMillis());
    }

    CompletionStage<LimitStore.SlotResult> acquire(String slotKey, long limit, String leaseId) {
        CompletionStage<Long> result = script.evalAsync(slotKey, RScript.Mode.READ_WRITE, ACQUIRE,
                RScript.ReturnType.LONG, List.of(slotKey), leaseId, now(), leaseMillis, Long.toString(limit));
        return result.thenApply(held -> held > 0
                ? new LimitStore.SlotResult(true, held)
                : new LimitStore.SlotResult(false, -held));
    }

    CompletionStage<Long> renew(String slotKey, String leaseId) {
        return script.evalAsync(slotKey, RScript.Mode.READ_WRITE, RENEW, RScript.ReturnType.LONG,
                List.of(slotKey), leaseId, now(), leaseMillis);
    }

    CompletionStage<Boolean> release(String slotKey, String leaseId) {
        return script.evalAsync(slotKey, RScript.Mode.READ_WRITE, "return redis.call('ZREM', KEYS[1], ARGV[1])",
                RScript.ReturnType.BOOLEAN, List.of(slotKey), leaseId);
    }

    // The caller's clock rather than Redis' TIME: tests drive lease expiry without sleeping, and instances'
    // clock skew (milliseconds under NTP) is negligible against a lease of tens of seconds.
    private String now() {
        return Long.toString(clock.millis());
    }
}
