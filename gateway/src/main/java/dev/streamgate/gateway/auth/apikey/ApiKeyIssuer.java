package dev.streamgate.gateway.auth.apikey;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.tenancy.Tenant;
import dev.streamgate.gateway.tenancy.TenantDirectory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Issues, lists and revokes API keys. The plaintext of a key exists only in the {@link IssuedApiKey} returned by
 * {@link #issue}; the database holds its hash. Changes evict this instance's cache entry at once; other
 * instances see them within their cache TTL.
 */
public final class ApiKeyIssuer {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_SCOPES = 32;
    private static final Pattern SCOPE = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");

    private final ApiKeyRepository repository;
    private final TenantDirectory tenants;
    private final ApiKeyAuthenticator authenticator;
    private final Clock clock;
    private final RandomGenerator random;

    /** {@code random} must be a cryptographically strong generator, e.g. {@link java.security.SecureRandom}. */
    public ApiKeyIssuer(ApiKeyRepository repository, TenantDirectory tenants, ApiKeyAuthenticator authenticator,
                        Clock clock, RandomGenerator random) {
        this.repository = repository;
        this.tenants = tenants;
        this.authenticator = authenticator;
        this.clock = clock;
        this.random = random;
    }

    /**
     * A new key for the tenant. {@code name} may be null (no name), {@code scopes} null or empty (no scopes),
     * {@code expiresAt} null (never expires).
     */
    public Mono<IssuedApiKey> issue(String tenantId, String name, Collection<String> scopes, Instant expiresAt) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            String checkedName = checkName(name);
            Set<String> checkedScopes = checkScopes(scopes);
            if (expiresAt != null && !expiresAt.isAfter(now)) {
                throw GatewayException.invalidRequest("expires_at", "invalid_expires_at",
                        "expires_at must be in the future.");
            }
            ApiKeyFormat.Generated generated = ApiKeyFormat.generate(random);
            var key = new ApiKey(ApiKeyFormat.newKeyId(random), tenantId, generated.prefix(), checkedName,
                    checkedScopes, expiresAt, null, now);
            return existingTenant(tenantId)
                    .then(repository.insert(new StoredApiKey(key, ApiKeyFormat.hash(generated.plaintext()))))
                    .doOnSuccess(ignored -> authenticator.evict(key.prefix()))
                    .thenReturn(new IssuedApiKey(key, generated.plaintext()));
        });
    }

    /** The tenant's keys, oldest first. */
    public Flux<ApiKey> list(String tenantId) {
        return existingTenant(tenantId).thenMany(repository.findByTenant(tenantId));
    }

    /** Revokes the key (keeping the first revocation time if it was already revoked). */
    public Mono<ApiKey> revoke(String keyId) {
        return Mono.defer(() -> repository.revoke(keyId, clock.instant()))
                .doOnNext(key -> authenticator.evict(key.prefix()))
                .switchIfEmpty(Mono.error(() -> GatewayException.notFound("key_id", "api_key_not_found",
                        "No API key with id '" + keyId + "'.")));
    }

    /**
     * Makes sure a key with the given plaintext exists for the tenant, storing only its hash; used for keys an
     * operator chooses (the demo key), so that the same value works across restarts. A key revoked earlier stays
     * revoked. Fails when the plaintext cannot be a key or its prefix belongs to a different key.
     */
    public Mono<ApiKey> ensure(String tenantId, String name, String plaintext) {
        return Mono.defer(() -> {
            String prefix = ApiKeyFormat.lookupPrefix(plaintext).orElseThrow(() -> new IllegalArgumentException(
                    "an API key must be " + ApiKeyFormat.MIN_OPAQUE_LENGTH + " to " + ApiKeyFormat.MAX_LENGTH
                            + " visible ASCII characters and not shaped like a JWT"));
            byte[] hash = ApiKeyFormat.hash(plaintext);
            var key = new ApiKey(ApiKeyFormat.newKeyId(random), tenantId, prefix, checkName(name), Set.of(), null,
                    null, clock.instant());
            return existingTenant(tenantId)
                    .then(repository.insertIfPrefixAbsent(new StoredApiKey(key, hash)))
                    .map(stored -> {
                        if (!stored.key().tenantId().equals(tenantId) || !ApiKeyFormat.matches(stored.secretHash(),
                                plaintext)) {
                            throw new IllegalStateException("another API key already uses prefix " + prefix);
                        }
                        authenticator.evict(prefix);
                        return stored.key();
                    });
        });
    }

    private Mono<Tenant> existingTenant(String tenantId) {
        return tenants.find(tenantId).switchIfEmpty(Mono.error(() -> GatewayException.notFound("tenant_id",
                "tenant_not_found", "No tenant with id '" + tenantId + "'.")));
    }

    private static String checkName(String name) {
        if (name == null) {
            return "";
        }
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw GatewayException.invalidRequest("name", "invalid_name",
                    "name must be at most " + MAX_NAME_LENGTH + " characters without control characters.");
        }
        return name;
    }

    private static Set<String> checkScopes(Collection<String> scopes) {
        if (scopes == null) {
            return Set.of();
        }
        if (scopes.size() > MAX_SCOPES) {
            throw GatewayException.invalidRequest("scopes", "invalid_scopes",
                    "At most " + MAX_SCOPES + " scopes are allowed.");
        }
        var checked = new TreeSet<String>();
        for (String scope : scopes) {
            if (scope == null || !SCOPE.matcher(scope).matches()) {
                throw GatewayException.invalidRequest("scopes", "invalid_scopes",
                        "Each scope must match " + SCOPE.pattern() + ".");
            }
            checked.add(scope);
        }
        return checked;
    }
}
