package dev.streamgate.gateway.tenancy;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import reactor.core.publisher.Mono;

/**
 * Looks tenants (with their plans) up on the request path. Answers come from a cache that forgets each entry
 * {@code ttl} after it was loaded, so a change made on any instance (plan limits, a disabled tenant) takes effect
 * everywhere within {@code ttl} (revocation promises 5 s); the instance that made the change forgets at once through
 * {@link #invalidate}. Unknown tenants are cached too, so a caller with a dangling tenant id cannot turn every
 * request into a query. Concurrent lookups of one tenant share a single query.
 */
public final class CachedTenantDirectory implements TenantDirectory {
    private final AsyncLoadingCache<String, Optional<Tenant>> cache;

    public CachedTenantDirectory(TenantRepository tenants, Duration ttl, long maximumSize, Ticker ticker) {
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(maximumSize)
                .ticker(ticker)
                .buildAsync((id, executor) -> tenants.find(id).map(Optional::of)
                        .defaultIfEmpty(Optional.empty()).toFuture());
    }

    @Override
    public Mono<Tenant> find(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            return Mono.empty();
        }
        // suppressCancel: one caller going away must not cancel the load other callers wait for.
        return Mono.fromFuture(cache.get(tenantId), true).flatMap(Mono::justOrEmpty);
    }

    /** Forgets one tenant, after it was changed through this instance. */
    public void invalidate(String tenantId) {
        cache.synchronous().invalidate(tenantId);
    }

    /** Forgets every tenant, after a plan was changed through this instance. */
    public void invalidateAll() {
        cache.synchronous().invalidateAll();
    }
}
