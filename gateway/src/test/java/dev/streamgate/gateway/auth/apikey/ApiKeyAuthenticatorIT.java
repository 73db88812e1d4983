package dev.streamgate.gateway.auth.apikey;

import dev.streamgate.adapters.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import dev.streamgate.gateway.auth.AuthTestDatabase;
import dev.streamgate.gateway.auth.AuthenticationFailure;
import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.auth.ManualTicker;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.auth.TenantResolver;
import dev.streamgate.gateway.auth.internal.LookupCache;
import dev.streamgate.gateway.error.GatewayException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** API keys against a real PostgreSQL: issue, authenticate, cache, expire, revoke (on two instances). */
class ApiKeyAuthenticatorIT {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final LookupCache.Settings CACHE =
            new LookupCache.Settings(Duration.ofSeconds(3), Duration.ofSeconds(2), 1_000);

    private static AuthTestDatabase database;
    private static ApiKeyRepository repository;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private Instance a;
    private Instance b;

    /** One gateway instance: its own caches over the shared database. */
    private final class Instance {
        final ManualTicker ticker = new ManualTicker();
        final ApiKeyAuthenticator authenticator =
                new ApiKeyAuthenticator(repository, new TenantResolver(database), CACHE, ticker, clock);
        final ApiKeyIssuer issuer =
                new ApiKeyIssuer(repository, database, authenticator, clock, new SplittableRandom(seed++));

        Principal authenticate(String key) {
            return authenticator.authenticate(key).block(LIMIT);
        }

        void refused(String key, Reason reason) {
            StepVerifier.create(authenticator.authenticate(key))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(AuthenticationFailure.class,
                            f -> assertThat(f.reason()).isEqualTo(reason)))
                    .verify(LIMIT);
        }
    }

    private static long seed = 100;

    @BeforeAll
    static void database() {
        database = new AuthTestDatabase();
        database.addTenant("acme", false);
        database.addTenant("globex", false);
        repository = new ApiKeyRepository(database.client());
    }

    @BeforeEach
    void instances() {
        a = new Instance();
        b = new Instance();
    }

    @Test
    void anIssuedKeyAuthenticatesAsItsTenantWithItsScopes() {
        IssuedApiKey issued = a.issuer.issue("acme", "ci", List.of("chat", "models:read"), null).block(LIMIT);

        Principal principal = b.authenticate(issued.secret());

        assertThat(principal.tenantId()).isEqualTo("acme");
        assertThat(principal.keyId()).isEqualTo(issued.key().id());
        assertThat(principal.subject()).isEqualTo(issued.key().id());
        assertThat(principal.roles()).containsExactlyInAnyOrder("chat", "models:read");
        assertThat(principal.plan().id()).isEqualTo("basic");
        assertThat(principal.isAdmin()).isFalse();
    }

    @Test
    void onlyTheHashIsStored() {
        IssuedApiKey issued = a.issuer.issue("acme", "stored", null, null).block(LIMIT);

        StoredApiKey stored = repository.findByPrefix(issued.key().prefix()).block(LIMIT);
        assertThat(stored.secretHash()).isEqualTo(ApiKeyFormat.hash(issued.secret()));
        Long rowsHoldingTheSecret = database.client()
                .sql("select count(*) from api_keys where position(:secret in concat_ws(' ', id, prefix, name, "
                        + "encode(secret_hash, 'escape'), array_to_string(scopes, ' '))) > 0")
                .bind("secret", issued.secret().substring(19))
                .map(row -> row.get(0, Long.class)).one().block(LIMIT);
        assertThat(rowsHoldingTheSecret).isZero();
    }

    @Test
    void wrongSecretsUnknownPrefixesAndGarbageAreRefused() {
        IssuedApiKey issued = a.issuer.issue("acme", null, null, null).block(LIMIT);
        String secret = issued.secret();
        char last = secret.charAt(secret.length() - 1);

        a.refused(secret.substring(0, secret.length() - 1) + (last == 'a' ? 'b' : 'a'), Reason.WRONG_SECRET);
        a.refused(ApiKeyFormat.generate(new SplittableRandom(9)).plaintext(), Reason.UNKNOWN_API_KEY);
        a.refused("nope", Reason.MALFORMED_CREDENTIALS);
        StepVerifier.create(a.authenticator.authenticate("nope"))
                .expectErrorSatisfies(e -> {
                    GatewayException g = ((AuthenticationFailure) e).toGatewayException();
                    assertThat(g.status()).isEqualTo(401);
                    assertThat(g.code()).isEqualTo("invalid_api_key");
                })
                .verify(LIMIT);
    }

    @Test
    void aKeyExpiresAtItsExpiryTime() {
        IssuedApiKey issued = a.issuer.issue("acme", null, null, clock.instant().plusSeconds(60)).block(LIMIT);
        assertThat(a.authenticate(issued.secret()).keyId()).isEqualTo(issued.key().id());

        clock.advance(Duration.ofSeconds(60));

        a.refused(issued.secret(), Reason.EXPIRED_API_KEY);
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceWhereItWasRevokedAndWithinTheTtlOnEveryOtherInstance() {
        IssuedApiKey issued = a.issuer.issue("acme", null, null, null).block(LIMIT);
        assertThat(a.authenticate(issued.secret())).isNotNull();
        assertThat(b.authenticate(issued.secret())).isNotNull();

        ApiKey revoked = a.issuer.revoke(issued.key().id()).block(LIMIT);
        assertThat(revoked.revokedAt()).isEqualTo(clock.instant());

        a.refused(issued.secret(), Reason.REVOKED_API_KEY);
        // b still holds the row it read before the revocation: that is the cache doing its job ...
        b.ticker.advance(Duration.ofMillis(2_900));
        assertThat(b.authenticate(issued.secret()).keyId()).isEqualTo(issued.key().id());
        // ... and once the TTL (3 s, well inside the 5 s promise) has passed, b reads the revocation
        b.ticker.advance(Duration.ofMillis(100));
        b.refused(issued.secret(), Reason.REVOKED_API_KEY);
    }

    @Test
    void revokingTwiceKeepsTheFirstTimeAndUnknownIdsAre404() {
        IssuedApiKey issued = a.issuer.issue("acme", null, null, null).block(LIMIT);
        Instant first = a.issuer.revoke(issued.key().id()).block(LIMIT).revokedAt();
        clock.advance(Duration.ofMinutes(5));

        assertThat(a.issuer.revoke(issued.key().id()).block(LIMIT).revokedAt()).isEqualTo(first);
        StepVerifier.create(a.issuer.revoke("key_does_not_exist"))
                .expectErrorSatisfies(e -> assertThat(((GatewayException) e).status()).isEqualTo(404))
                .verify(LIMIT);
    }

    @Test
    void unknownKeysAreRememberedBrieflySoFloodsDoNotReachTheDatabase() {
        ApiKeyFormat.Generated future = ApiKeyFormat.generate(new SplittableRandom(77));
        a.refused(future.plaintext(), Reason.UNKNOWN_API_KEY);

        // the row appears behind the cache's back: the negative entry still answers ...
        repository.insert(new StoredApiKey(new ApiKey("key_future", "acme", future.prefix(), "", Set.of(), null, null,
                clock.instant()), ApiKeyFormat.hash(future.plaintext()))).block(LIMIT);
        a.refused(future.plaintext(), Reason.UNKNOWN_API_KEY);

        // ... until the negative TTL (2 s) has passed
        a.ticker.advance(Duration.ofSeconds(2));
        assertThat(a.authenticate(future.plaintext()).keyId()).isEqualTo("key_future");
    }

    @Test
    void aDisabledTenantGets403() {
        database.addTenant("initech", false);
        IssuedApiKey issued = a.issuer.issue("initech", null, null, null).block(LIMIT);
        assertThat(a.authenticate(issued.secret()).tenantId()).isEqualTo("initech");

        database.setDisabled("initech", true);
        a.ticker.advance(Duration.ofSeconds(3));

        StepVerifier.create(a.authenticator.authenticate(issued.secret()))
                .expectErrorSatisfies(e -> {
                    AuthenticationFailure failure = (AuthenticationFailure) e;
                    assertThat(failure.reason()).isEqualTo(Reason.TENANT_DISABLED);
                    assertThat(failure.toGatewayException().status()).isEqualTo(403);
                })
                .verify(LIMIT);
    }

    @Test
    void issuingValidatesEveryFieldAndTheTenant() {
        assertInvalid(a.issuer.issue("acme", "x".repeat(201), null, null), 400, "name");
        assertInvalid(a.issuer.issue("acme", null, List.of("Not A Scope"), null), 400, "scopes");
        assertInvalid(a.issuer.issue("acme", null, null, clock.instant()), 400, "expires_at");
        assertInvalid(a.issuer.issue("nobody", null, null, null), 404, "tenant_id");
        assertInvalid(a.issuer.list("nobody").then(), 404, "tenant_id");
    }

    @Test
    void listsATenantsKeysOldestFirstAndNoOtherTenants() {
        database.addTenant("umbrella", false);
        IssuedApiKey first = a.issuer.issue("umbrella", "first", null, null).block(LIMIT);
        clock.advance(Duration.ofSeconds(1));
        IssuedApiKey second = a.issuer.issue("umbrella", "second", null, null).block(LIMIT);
        a.issuer.issue("globex", "other", null, null).block(LIMIT);

        assertThat(a.issuer.list("umbrella").collectList().block(LIMIT))
                .containsExactly(first.key(), second.key());
    }

    private static void assertInvalid(Mono<?> call, int status, String param) {
        StepVerifier.create(call)
                .expectErrorSatisfies(e -> {
                    GatewayException g = (GatewayException) e;
                    assertThat(g.status()).isEqualTo(status);
                    assertThat(g.param()).isEqualTo(param);
                })
                .verify(LIMIT);
    }
}
