package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Buckets in Redis through Bucket4j's Redisson proxy manager (compare-and-swap, async API only: nothing here
 * blocks a thread), stream slots as {@link RedisStreamSlots leases}. Every call is waited for at most
 * {@code timeout}; a late or failed answer becomes a {@link RateLimitStoreException}.
 *
 * <p>A call the caller stopped waiting for (timed out or cancelled) may still land in Redis. Its answer is
 * therefore always read: a late {@code tryConsume} that took tokens gives them back and a late slot acquisition
 * releases its lease, so that an abandoned call never holds capacity nobody uses; a late failure is counted and
 * logged (throttled), never dropped.
 *
 * <p>Compare-and-swap retries when two writers race on one bucket, and a tenant's bucket is exactly where every
 * request of the tenant races. Bucket4j's batching optimization sends the calls this instance makes on a bucket
 * while one is in flight as one batch, so a hot bucket sees one writer per instance rather than one per request.
 * That needs one proxy per bucket, kept while the bucket is in use.
 */
final class RedisLimitStore implements LimitStore {
    /** Idle buckets expire once they would have refilled completely, plus this margin. */
    static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
    /** A proxy not used during a whole interval is dropped; the bucket's state is in Redis, not in the proxy. */
    static final Duration PROXY_IDLE_INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(RedisLimitStore.class);

    private final RedissonClient redisson;
    private final AsyncProxyManager<String> buckets;
    private final RedisStreamSlots slots;
    private final Duration timeout;
    private final Scheduler timer;
    private final RateLimitMetrics metrics;
    private final ThrottledLog lateFailures;
    private final ThrottledLog undoFailures;
    private final ConcurrentHashMap<String, Proxy> proxies = new ConcurrentHashMap<>();
    private final Disposable proxySweeper;
    /**
     * Whether Redisson has connected once. Until then a command can block its caller: the client initialises
     * lazily (so the gateway starts while Redis is down), and the first command waits for that connection. Those
     * commands are sent from a thread that may block, never from an event loop.
     */
    private volatile boolean connected;

    /**
     * {@code scheduler} runs the proxy sweeper, {@code timer} the per-call timeouts; {@code logInterval} throttles
     * the log lines of late failures.
     */
    RedisLimitStore(RedissonClient redisson, Clock clock, Duration timeout, Duration streamLease, Scheduler scheduler,
                    Scheduler timer, RateLimitMetrics metrics, Duration logInterval) {
        this.redisson = redisson;
        // No Bucket4j request timeout: its future must tell what really happened in Redis, so that a call this
        // store stopped waiting for can be undone once it lands. Redisson's own command timeout still bounds it.
        this.buckets = Bucket4jRedisson.casBasedBuilder(((Redisson) redisson).getCommandExecutor())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(EXPIRY_MARGIN))
                .clientClock(new ClockTimeMeter(clock))
                .build()
                .asAsync();
        this.slots = new RedisStreamSlots(redisson, clock, streamLease);
        this.timeout = timeout;
        this.timer = timer;
        this.metrics = metrics;
        this.lateFailures = new ThrottledLog(log, clock, logInterval);
        this.undoFailures = new ThrottledLog(log, clock, logInterval);
        long every = PROXY_IDLE_INTERVAL.toMillis();
        this.proxySweeper = scheduler.schedulePeriodically(this::dropIdleProxies, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public Mono<ConsumptionProbe> tryConsume(String bucketKey, long perMinute, long tokens) {
        return call("tryConsume", bucketKey, () -> bucket(bucketKey, perMinute).tryConsumeAndReturnRemaining(tokens),
                probe -> probe.isConsumed() ? addTokens(bucketKey, perMinute, tokens) : null);
    }

    @Override
    public Mono<Void> addTokens(String bucketKey, long perMinute, long tokens) {
        return call("addTokens", bucketKey, () -> bucket(bucketKey, perMinute).addTokens(tokens), null);
    }

    @Override
    public Mono<Void> consumeIgnoringLimits(String bucketKey, long perMinute, long tokens) {
        return call("consumeIgnoringRateLimits", bucketKey,
                () -> bucket(bucketKey, perMinute).consumeIgnoringRateLimits(tokens), null).then();
    }

    @Override
    public Mono<SlotResult> acquireSlot(String slotKey, long limit, String leaseId) {
        return call("acquire slot", slotKey, () -> slots.acquire(slotKey, limit, leaseId),
                result -> result.acquired() ? releaseSlot(slotKey, leaseId) : null);
    }

    @Override
    public Mono<Void> renewSlot(String slotKey, String leaseId) {
        return call("renew slot", slotKey, () -> slots.renew(slotKey, leaseId), null).then();
    }

    @Override
    public Mono<Void> releaseSlot(String slotKey, String leaseId) {
        return call("release slot", slotKey, () -> slots.release(slotKey, leaseId), null).then();
    }

    @Override
    public boolean leasesExpire() {
        return true;
    }

    /**
     * Connects the client: one round trip, sent from a thread that may block (the lazy first connection can),
     * waited for up to {@code patience} rather than the per-call timeout.
     */
    Mono<Void> connect(Duration patience) {
        return Mono.<Boolean>create(sink -> send("connect", "streamgate:warm-up", patience,
                        () -> redisson.getBucket("streamgate:warm-up").isExistsAsync(), null, sink))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnSuccess(exists -> connected = true)
                .then();
    }

    /** The Redisson client belongs to whoever created it (a Spring bean) and is not closed here. */
    @Override
    public void close() {
        proxySweeper.dispose();
    }

    void dropIdleProxies() {
        proxies.values().removeIf(proxy -> !proxy.used().getAndSet(false));
    }

    int proxyCount() {
        return proxies.size();
    }

    private AsyncBucketProxy bucket(String bucketKey, long perMinute) {
        Proxy proxy = proxies.computeIfAbsent(bucketKey, key -> new Proxy(buckets.builder()
                .withOptimization(Optimizations.batching())
                .build(key, () -> CompletableFuture.completedFuture(PerMinuteBandwidth.configuration(perMinute))),
                new AtomicBoolean()));
        proxy.used().set(true);
        return proxy.bucket();
    }

    private record Proxy(AsyncBucketProxy bucket, AtomicBoolean used) {
    }

    /**
     * Sends {@code command} and answers its result, or a {@link RateLimitStoreException} once {@code timeout}
     * passed. Whichever of answer, timeout and cancellation comes first settles the call; an answer that comes
     * after is handled by {@link #late}. {@code undo} maps a late answer to the call that reverses it (null: none
     * needed).
     */
    private <T> Mono<T> call(String operation, String key, Supplier<? extends CompletionStage<T>> command,
                             Function<T, Mono<Void>> undo) {
        Mono<T> sent = Mono.create(sink -> send(operation, key, timeout, command, undo, sink));
        if (!connected) {
            sent = sent.subscribeOn(Schedulers.boundedElastic()).doOnSuccess(answer -> connected = true);
        }
        return sent;
    }

    private <T> void send(String operation, String key, Duration patience,
                          Supplier<? extends CompletionStage<T>> command, Function<T, Mono<Void>> undo,
                          MonoSink<T> sink) {
        AtomicBoolean settled = new AtomicBoolean();
        CompletionStage<T> answer;
        try {
            answer = command.get();
        } catch (RuntimeException e) {
            // Bucket4j and Redisson may throw instead of failing the future (a closed client, for one).
            sink.error(failure(operation, key, e));
            return;
        }
        Disposable timeoutTask = timer.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                sink.error(new RateLimitStoreException("Redis " + operation + " on " + key + " failed: no answer within "
                        + patience.toMillis() + " ms", null));
            }
        }, patience.toMillis(), TimeUnit.MILLISECONDS);
        sink.onCancel(() -> {
            if (settled.compareAndSet(false, true)) {
                timeoutTask.dispose();
            }
        });
        answer.whenComplete((value, error) -> {
            if (settled.compareAndSet(false, true)) {
                timeoutTask.dispose();
                if (error != null) {
                    sink.error(failure(operation, key, error));
                } else {
                    sink.success(value);
                }
            } else {
                late(operation, key, value, error, undo);
            }
        });
    }

    /** An answer nobody waits for any more: reverse what it took, or record that it failed. */
    private <T> void late(String operation, String key, T value, Throwable error, Function<T, Mono<Void>> undo) {
        if (error != null) {
            metrics.lateAnswer(RateLimitMetrics.LATE_FAILED);
            lateFailures.warn("{} Redis call(s) failed after their admission had stopped waiting for them; latest: "
                    + "{} on {}: {}", operation, key, error.toString());
            return;
        }
        Mono<Void> reversal = value == null || undo == null ? null : undo.apply(value);
        if (reversal == null) {
            metrics.lateAnswer(RateLimitMetrics.LATE_KEPT);
            return;
        }
        metrics.lateAnswer(RateLimitMetrics.LATE_UNDONE);
        reversal.subscribe(null, undoError -> {
            metrics.lateAnswer(RateLimitMetrics.LATE_UNDO_FAILED);
            undoFailures.warn("{} late Redis answer(s) could not be reversed (tokens come back on refill, a "
                    + "slot lease lapses on its own); latest: {} on {}: {}", operation, key, undoError.toString());
        });
    }

    private RateLimitStoreException failure(String operation, String key, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return new RateLimitStoreException("Redis " + operation + " on " + key + " failed: " + cause, cause);
    }
}
