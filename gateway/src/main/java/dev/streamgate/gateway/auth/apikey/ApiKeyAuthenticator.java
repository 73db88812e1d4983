package dev.streamgate.gateway.auth.apikey;

import java.time.Clock;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.streamgate.gateway.auth.AuthenticationFailure;
import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.auth.CredentialAuthenticator;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.auth.TenantResolver;
import dev.streamgate.gateway.auth.internal.LookupCache;
import reactor.core.publisher.Mono;

/**
 * Authenticates API keys. Rows are looked up by prefix through a short-lived cache (hits and misses), so a busy
 * key costs one query per TTL per instance and a revoked key is refused on every instance within the TTL. The
 * presented key is hashed and compared with the stored hash in constant time on every request.
 *
 * <p>Unknown keys and wrong secrets get the same answer, so probing tells nothing; "expired" and "revoked" are
 * only said to a caller who presented the right secret.
 */
public final class ApiKeyAuthenticator implements CredentialAuthenticator {
    private static final String INCORRECT = "Incorrect API key provided.";

    private final LookupCache<StoredApiKey> keys;
    private final TenantResolver tenants;
    private final Clock clock;

    public ApiKeyAuthenticator(ApiKeyRepository repository, TenantResolver tenants, LookupCache.Settings cache,
                               Ticker ticker, Clock clock) {
        this.keys = new LookupCache<>(repository::findByPrefix, cache, ticker);
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public Mono<Principal> authenticate(String presented) {
        Optional<String> prefix = ApiKeyFormat.lookupPrefix(presented);
        if (prefix.isEmpty()) {
            return Mono.error(new AuthenticationFailure(Reason.MALFORMED_CREDENTIALS, INCORRECT));
        }
        return keys.get(prefix.get()).flatMap(found -> {
            if (found.isEmpty()) {
                return Mono.error(new AuthenticationFailure(Reason.UNKNOWN_API_KEY, INCORRECT));
            }
            StoredApiKey stored = found.get();
            if (!ApiKeyFormat.matches(stored.secretHash(), presented)) {
                return Mono.error(new AuthenticationFailure(Reason.WRONG_SECRET, INCORRECT));
            }
            ApiKey key = stored.key();
            return switch (key.status(clock.instant())) {
                case REVOKED -> Mono.error(new AuthenticationFailure(Reason.REVOKED_API_KEY,
                        "This API key has been revoked."));
                case EXPIRED -> Mono.error(new AuthenticationFailure(Reason.EXPIRED_API_KEY,
                        "This API key has expired."));
                case ACTIVE -> tenants.principal(key.tenantId(), key.id(), key.id(), key.scopes());
            };
        });
    }

    /** Forgets the cached row for a prefix, so a change made on this instance applies here at once. */
    public void evict(String prefix) {
        keys.evict(prefix);
    }
}
