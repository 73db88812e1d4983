package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Buckets in Redis through Bucket4j's Redisson proxy manager (compare-and-swap, async API only: nothing here
 * blocks a thread), stream slots as {@link RedisStreamSlots leases}. Every call is bounded by {@code timeout};
 * a late or failed answer becomes a {@link RateLimitStoreException}.
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

    private final AsyncProxyManager<String> buckets;
    private final RedisStreamSlots slots;
    private final Duration timeout;
    private final ConcurrentHashMap<String, Proxy> proxies = new ConcurrentHashMap<>();
    private final Disposable proxySweeper;
    private final Disposable warmUp;
    /**
     * Whether Redisson has connected once. Until then a command can block its caller: the client initialises
     * lazily (so the gateway starts while Redis is down), and the first command waits for that connection. Those
     * commands are sent from a thread that may block, never from an event loop.
     */
    private volatile boolean connected;

    RedisLimitStore(RedissonClient redisson, Clock clock, Duration timeout, Duration streamLease, Scheduler scheduler) {
        this.buckets = Bucket4jRedisson.casBasedBuilder(((Redisson) redisson).getCommandExecutor())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(EXPIRY_MARGIN))
                .clientClock(new ClockTimeMeter(clock))
                .requestTimeout(timeout)
                .build()
                .asAsync();
        this.slots = new RedisStreamSlots(redisson, clock, streamLease);
        this.timeout = timeout;
        long every = PROXY_IDLE_INTERVAL.toMillis();
        this.proxySweeper = scheduler.schedulePeriodically(this::dropIdleProxies, every, every, TimeUnit.MILLISECONDS);
        // Connects now, off the request path, so the first requests need not wait for it.
        this.warmUp = Mono.fromCompletionStage(() -> redisson.getBucket("streamgate:warm-up").isExistsAsync())
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(exists -> connected = true, error -> {
                    // Redis is down at start: the failure policy answers until it is back.
                });
    }

    @Override
    public Mono<ConsumptionProbe> tryConsume(String bucketKey, long perMinute, long tokens) {
        return call("tryConsume", bucketKey, () -> bucket(bucketKey, perMinute).tryConsumeAndReturnRemaining(tokens));
    }

    @Override
    public Mono<Void> addTokens(String bucketKey, long perMinute, long tokens) {
        return call("addTokens", bucketKey, () -> bucket(bucketKey, perMinute).addTokens(tokens));
    }

    @Override
    public Mono<Void> consumeIgnoringLimits(String bucketKey, long perMinute, long tokens) {
        return call("consumeIgnoringRateLimits", bucketKey,
                () -> bucket(bucketKey, perMinute).consumeIgnoringRateLimits(tokens)).then();
    }

    @Override
    public Mono<SlotResult> acquireSlot(String slotKey, long limit, String leaseId) {
        return call("acquire slot", slotKey, () -> slots.acquire(slotKey, limit, leaseId));
    }

    @Override
    public Mono<Void> renewSlot(String slotKey, String leaseId) {
        return call("renew slot", slotKey, () -> slots.renew(slotKey, leaseId)).then();
    }

    @Override
    public Mono<Void> releaseSlot(String slotKey, String leaseId) {
        return call("release slot", slotKey, () -> slots.release(slotKey, leaseId)).then();
    }

    @Override
    public boolean leasesExpire() {
        return true;
    }

    /** The Redisson client belongs to whoever created it (a Spring bean) and is not closed here. */
    @Override
    public void close() {
        proxySweeper.dispose();
        warmUp.dispose();
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

    // A timed-out call detaches from a copy of the future: cancelling Bucket4j's own future could disturb its
    // batching, and the late answer is neither waited for nor reported as an error nobody handles.
    private <T> Mono<T> call(String operation, String key, Supplier<? extends CompletionStage<T>> command) {
        Mono<T> sent = Mono.fromFuture(() -> command.get().toCompletableFuture().copy());
        if (!connected) {
            sent = sent.subscribeOn(Schedulers.boundedElastic()).doOnSuccess(answer -> connected = true);
        }
        return sent
                .timeout(timeout)
                .onErrorMap(error -> new RateLimitStoreException("Redis " + operation + " on " + key + " failed: "
                        + (isTimeout(error) ? "no answer within " + timeout.toMillis() + " ms" : error), error));
    }

    // Ours (Reactor's) or Bucket4j's own request timeout, whichever fired first.
    private static boolean isTimeout(Throwable error) {
        return error instanceof TimeoutException
                || error instanceof CompletionException && error.getCause() instanceof TimeoutException;
    }
}
