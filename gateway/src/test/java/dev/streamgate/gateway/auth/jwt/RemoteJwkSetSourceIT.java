package dev.streamgate.gateway.auth.jwt;

import dev.streamgate.adapters.MutableClock;
import static dev.streamgate.gateway.auth.TestTokens.AUDIENCE;
import static dev.streamgate.gateway.auth.TestTokens.ISSUER;
import static dev.streamgate.gateway.auth.TestTokens.claims;
import static dev.streamgate.gateway.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.streamgate.gateway.auth.AuthenticationFailure;
import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.auth.ManualTicker;
import dev.streamgate.gateway.auth.TenantResolver;
import dev.streamgate.gateway.auth.TestTenants;
import dev.streamgate.gateway.auth.TestTokens;
import dev.streamgate.gateway.auth.internal.LookupCache;
import dev.streamgate.gateway.error.GatewayException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** JWKS fetched from a real Reactor Netty server: caching, key rotation, rate-limited re-fetches, failures. */
class RemoteJwkSetSourceIT {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Duration MIN_REFETCH = Duration.ofSeconds(30);
    private static final RSAKey OLD_KEY = TestTokens.withKeyId(TestTokens.RSA, "2029-key");
    private static final ECKey NEW_KEY = TestTokens.ecKey("2030-key");

    private static final AtomicReference<String> served = new AtomicReference<>();
    private static final AtomicInteger status = new AtomicInteger(200);
    private static final AtomicInteger fetches = new AtomicInteger();
    private static final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
    private static DisposableServer server;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final TenantResolver tenants = new TenantResolver(new TestTenants().with("acme", false));

    @BeforeAll
    static void jwksServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/jwks", (request, response) -> {
                    fetches.incrementAndGet();
                    return Mono.delay(delay.get()).then(status.get() != 200
                            ? response.status(status.get()).send()
                            : response.header("Content-Type", "application/json")
                                    .sendString(Mono.just(served.get())).then());
                }))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow();
    }

    @BeforeEach
    void reset() {
        serve(OLD_KEY);
        status.set(200);
        fetches.set(0);
        delay.set(Duration.ZERO);
    }

    private RemoteJwkSetSource source(Duration timeout) {
        return new RemoteJwkSetSource(HttpClient.create(), URI.create("http://127.0.0.1:" + server.port() + "/jwks"),
                clock, Duration.ofMinutes(10), MIN_REFETCH, timeout);
    }

    private JwtAuthenticator authenticator(RemoteJwkSetSource source) {
        var settings = new JwtSettings(ISSUER, List.of(AUDIENCE), null, null, null, null,
                URI.create("http://127.0.0.1:" + server.port() + "/jwks"), null, null, null, null, null);
        return new JwtAuthenticator(settings, source, tenants, clock);
    }

    @Test
    void fetchesOnceThenVerifiesFromMemory() {
        JwtAuthenticator jwt = authenticator(source(Duration.ofSeconds(2)));
        String token = sign(OLD_KEY, claims(clock.instant(), "acme").build());

        for (int i = 0; i < 5; i++) {
            assertThat(jwt.authenticate(token).block(LIMIT).tenantId()).isEqualTo("acme");
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void anUnknownKidTriggersARefetchButAtMostOncePerInterval() {
        JwtAuthenticator jwt = authenticator(source(Duration.ofSeconds(2)));
        assertThat(jwt.authenticate(sign(OLD_KEY, claims(clock.instant(), "acme").build())).block(LIMIT)).isNotNull();

        // the issuer rotates: the new key is published, but we fetched a moment ago
        serve(OLD_KEY, NEW_KEY);
        refused(jwt, sign(NEW_KEY, claims(clock.instant(), "acme").build()), Reason.TOKEN_UNKNOWN_KEY);
        assertThat(fetches).hasValue(1);

        clock.advance(MIN_REFETCH);
        assertThat(jwt.authenticate(sign(NEW_KEY, claims(clock.instant(), "acme").build())).block(LIMIT).tenantId())
                .isEqualTo("acme");
        assertThat(fetches).hasValue(2);

        // a flood of made-up key ids right after costs no fetch at all ...
        String madeUp = TestTokens.sign(NEW_KEY, com.nimbusds.jose.JWSAlgorithm.ES256, "made-up",
                claims(clock.instant(), "acme").build());
        for (int i = 0; i < 20; i++) {
            refused(jwt, madeUp, Reason.TOKEN_UNKNOWN_KEY);
        }
        assertThat(fetches).hasValue(2);

        // ... and once the interval has passed, a concurrent flood costs exactly one
        clock.advance(MIN_REFETCH);
        StepVerifier.create(Flux.range(0, 20).flatMap(i -> jwt.authenticate(madeUp)
                        .map(p -> "accepted")
                        .onErrorResume(AuthenticationFailure.class, f -> Mono.just(f.reason().name()))))
                .expectNextCount(20)
                .verifyComplete();
        assertThat(fetches).hasValue(3);
    }

    @Test
    void refetchesWhenTheSetIsOldAndKeepsTheLastGoodSetWhenTheEndpointFails() {
        JwtAuthenticator jwt = authenticator(source(Duration.ofSeconds(2)));
        String token = sign(OLD_KEY, claims(clock.instant(), "acme").build());
        assertThat(jwt.authenticate(token).block(LIMIT)).isNotNull();

        status.set(500);
        clock.advance(Duration.ofMinutes(10));
        token = sign(OLD_KEY, claims(clock.instant(), "acme").build());

        assertThat(jwt.authenticate(token).block(LIMIT).tenantId()).isEqualTo("acme");
        assertThat(fetches).hasValue(2);
        // the failed fetch is not retried at once
        assertThat(jwt.authenticate(token).block(LIMIT)).isNotNull();
        assertThat(fetches).hasValue(2);
    }

    @Test
    void withoutAnyKeysAFailingEndpointIs503AndIsNotHammered() {
        status.set(503);
        JwtAuthenticator jwt = authenticator(source(Duration.ofSeconds(2)));
        String token = sign(OLD_KEY, claims(clock.instant(), "acme").build());

        unavailable(jwt, token);
        unavailable(jwt, token);
        assertThat(fetches).hasValue(1);

        status.set(200);
        clock.advance(MIN_REFETCH);
        assertThat(jwt.authenticate(token).block(LIMIT).tenantId()).isEqualTo("acme");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aSlowEndpointTimesOut() {
        delay.set(Duration.ofSeconds(5));
        JwtAuthenticator jwt = authenticator(source(Duration.ofMillis(300)));

        unavailable(jwt, sign(OLD_KEY, claims(clock.instant(), "acme").build()));
    }

    @Test
    void servedSymmetricKeysAreIgnored() {
        served.set("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"mac\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}");
        RemoteJwkSetSource source = source(Duration.ofSeconds(2));

        assertThat(source.keysWith("mac").block(LIMIT).getKeys()).isEmpty();
    }

    private static void serve(JWK... keys) {
        served.set(new JWKSet(List.of(keys)).toPublicJWKSet().toString());
    }

    private static void refused(JwtAuthenticator jwt, String token, Reason reason) {
        StepVerifier.create(jwt.authenticate(token))
                .expectErrorSatisfies(e -> assertThat(((AuthenticationFailure) e).reason()).isEqualTo(reason))
                .verify(LIMIT);
    }

    private static void unavailable(JwtAuthenticator jwt, String token) {
        StepVerifier.create(jwt.authenticate(token))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(GatewayException.class);
                    assertThat(((GatewayException) e).status()).isEqualTo(503);
                    assertThat(((GatewayException) e).code()).isEqualTo("jwks_unavailable");
                })
                .verify(LIMIT);
    }
}
