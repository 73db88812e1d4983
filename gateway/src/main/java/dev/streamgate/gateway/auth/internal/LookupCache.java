package dev.streamgate.gateway.auth.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import reactor.core.publisher.Mono;

/**
 * A bounded, short-lived cache in front of a reactive lookup. Hits and misses are both cached: a found value for
 * {@code ttl}, an absent one for {@code negativeTtl} (so floods of unknown keys do not reach the database).
 * Concurrent lookups of one key share one load; failed loads are not cached. Because every entry expires after at
 * most {@code ttl}, a change in the database is seen by every gateway instance within {@code ttl} plus one query,
 * without any cross-instance invalidation.
 */
public final class LookupCache<V> {
    /** How long entries live and how many there may be. */
    public record Settings(Duration ttl, Duration negativeTtl, long maximumSize) {
        public Settings {
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl must be positive");
            }
            if (negativeTtl == null || negativeTtl.isNegative() || negativeTtl.compareTo(ttl) > 0) {
                throw new IllegalArgumentException("negativeTtl must be between 0 and ttl");
            }
            if (maximumSize <= 0) {
                throw new IllegalArgumentException("maximumSize must be positive");
            }
        }
    }

    private final AsyncLoadingCache<String, Optional<V>> cache;

    public LookupCache(Function<String, Mono<V>> loader, Settings settings, Ticker ticker) {
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                .maximumSize(settings.maximumSize())
                .expireAfter(Expiry.<String, Optional<V>>writing(
                        (key, value) -> value.isPresent() ? settings.ttl() : settings.negativeTtl()))
                .buildAsync((key, executor) -> loader.apply(key)
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty())
                        .toFuture());
    }

    /** The cached or freshly loaded value; empty Optional when the lookup found nothing. */
    public Mono<Optional<V>> get(String key) {
        // suppressCancel: one caller going away must not cancel the load other callers share
        return Mono.defer(() -> Mono.fromFuture(cache.get(key), true));
    }

    /** Drops the entry so that this instance sees a change at once (other instances see it within the TTL). */
    public void evict(String key) {
        cache.synchronous().invalidate(key);
    }
}
