package dev.streamgate.gateway.auth;

import dev.streamgate.adapters.MutableClock;
import static dev.streamgate.gateway.auth.TestTokens.AUDIENCE;
import static dev.streamgate.gateway.auth.TestTokens.ISSUER;
import static dev.streamgate.gateway.auth.TestTokens.claims;
import static dev.streamgate.gateway.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.auth.internal.LookupCache;
import dev.streamgate.gateway.auth.jwt.ConfiguredJwkSetSource;
import dev.streamgate.gateway.auth.jwt.JwtAuthenticator;
import dev.streamgate.gateway.auth.jwt.JwtSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The filter in front of a few tiny routes, driven over HTTP semantics with WebTestClient. */
class AuthFilterTest {
    private static final String ADMIN_KEY = "bootstrap-admin-key-for-tests-0123456789";
    private static final String TENANT_KEY = "sk-sg-tenantkey0001_" + "a".repeat(43);
    private static final String TENANT_ADMIN_KEY = "sk-sg-tenantkey0002_" + "b".repeat(43);
    private static final RSAKey RSA = TestTokens.RSA;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger upstreamCalls = new AtomicInteger();
    private final WebTestClient client = client();

    private WebTestClient client() {
        var tenants = new TenantResolver(new TestTenants().with("acme", false).with("off", true));
        Map<String, Principal> keys = Map.of(
                TENANT_KEY, new Principal("acme", "key_1", "key_1", Set.of("chat"), TestTenants.PLAN),
                TENANT_ADMIN_KEY, new Principal("acme", "key_2", "key_2", Set.of(Principal.ADMIN), TestTenants.PLAN));
        CredentialAuthenticator apiKeys = key -> keys.containsKey(key) ? Mono.just(keys.get(key))
                : Mono.error(new AuthenticationFailure(Reason.UNKNOWN_API_KEY, "Incorrect API key provided."));
        var settings = new JwtSettings(ISSUER, List.of(AUDIENCE), null, null, null, null, null,
                new com.nimbusds.jose.jwk.JWKSet(RSA).toPublicJWKSet().toString(), null, null, null, null);
        var jwts = new JwtAuthenticator(settings, ConfiguredJwkSetSource.fromJwks(settings.jwks()), tenants, clock);
        var filter = new AuthFilter(new BearerAuthenticator(apiKeys, jwts, ADMIN_KEY),
                new RouteAccess(RouteAccess.DEFAULT_PUBLIC_PATHS), meters);

        RouterFunction<ServerResponse> routes = RouterFunctions.route()
                .GET("/v1/whoami", request -> {
                    Principal principal = (Principal) request.attribute(Principal.ATTRIBUTE).orElseThrow();
                    return ServerResponse.ok().bodyValue(principal.tenantId() + "|" + principal.subject()
                            + "|" + String.join(",", principal.roles().stream().sorted().toList()));
                })
                .POST("/v1/chat/completions", request -> {
                    upstreamCalls.incrementAndGet();
                    return ServerResponse.ok().bodyValue("streamed");
                })
                .GET("/admin/ping", request -> ServerResponse.ok().bodyValue("pong"))
                .GET("/actuator/env", request -> ServerResponse.ok().bodyValue("env"))
                .GET("/health", request -> ServerResponse.ok().bodyValue("up"))
                .GET("/actuator/health/**", request -> ServerResponse.ok().bodyValue("up"))
                .GET("/actuator/prometheus", request -> ServerResponse.ok().bodyValue("metrics"))
                .GET("/other", request -> ServerResponse.ok().bodyValue("other"))
                .build();
        return WebTestClient.bindToRouterFunction(routes)
                .handlerStrategies(HandlerStrategies.builder().webFilter(filter)
                        .exceptionHandler(new TestErrorHandler()).build())
                .build();
    }

    @Test
    void publicPathsNeedNoCredentials() {
        for (String path : List.of("/health", "/actuator/health", "/actuator/health/liveness", "/actuator/prometheus")) {
            client.get().uri(path).exchange().expectStatus().isOk();
        }
    }

    @Test
    void everythingElseNeedsABearerCredential() {
        client.get().uri("/v1/whoami").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_api_key");
        for (String path : List.of("/admin/ping", "/actuator/env", "/other", "/nowhere")) {
            client.get().uri(path).exchange().expectStatus().isUnauthorized();
        }
        client.get().uri("/v1/whoami").header(HttpHeaders.AUTHORIZATION, "Basic dXNlcjpwYXNz").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
        call("/v1/whoami", "sk-sg-not-a-key-we-know-of-000000").expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
    }

    @Test
    void pathTricksDoNotMakeAProtectedRoutePublic() {
        client.get().uri("/v1;jsessionid=x/whoami").exchange().expectStatus().isUnauthorized();
        client.get().uri("/actuator/health/../../v1/whoami").exchange().expectStatus().isUnauthorized();
        client.get().uri("/V1/whoami").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void anApiKeyResolvesThePrincipalIntoTheExchangeAttributes() {
        call("/v1/whoami", TENANT_KEY).expectStatus().isOk()
                .expectBody(String.class).isEqualTo("acme|key_1|chat");
        // the scheme is case-insensitive, as RFC 9110 says
        client.get().uri("/v1/whoami").header(HttpHeaders.AUTHORIZATION, "bearer " + TENANT_KEY).exchange()
                .expectStatus().isOk();
    }

    @Test
    void aJwtResolvesThePrincipalToo() {
        call("/v1/whoami", sign(RSA, claims(clock.instant(), "acme", "reader").build())).expectStatus().isOk()
                .expectBody(String.class).isEqualTo("acme|user-1|reader");
    }

    @Test
    void badTokensGet401AndNeverReachTheUpstream() throws Exception {
        Instant now = clock.instant();
        var forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                claims(now, "acme").build());
        forged.sign(new MACSigner(RSA.toRSAPublicKey().getEncoded()));
        List<String> tokens = List.of(
                new PlainJWT(claims(now, "acme").build()).serialize(),
                forged.serialize(),
                sign(RSA, claims(now, "acme").expirationTime(Date.from(now.minusSeconds(3600))).build()),
                sign(RSA, claims(now, "acme").audience("elsewhere").build()),
                sign(RSA, claims(now, "acme").issuer("https://evil.example.test/").build()),
                sign(RSA, JWSAlgorithm.RS256, "rsa-unknown", claims(now, "acme").build()),
                sign(TestTokens.RSA_IMPOSTOR, claims(now, "acme").build()));

        for (String token : tokens) {
            client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                    .bodyValue("{}").exchange()
                    .expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.error.code").isEqualTo("invalid_token");
        }
        assertThat(upstreamCalls).hasValue(0);
        client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + TENANT_KEY)
                .bodyValue("{}").exchange().expectStatus().isOk();
        assertThat(upstreamCalls).hasValue(1);
    }

    @Test
    void adminRoutesNeedTheAdminRole() {
        call("/admin/ping", TENANT_KEY).expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("admin_required");
        call("/actuator/env", TENANT_KEY).expectStatus().isForbidden();
        call("/admin/ping", sign(RSA, claims(clock.instant(), "acme", "reader").build())).expectStatus().isForbidden();

        call("/admin/ping", TENANT_ADMIN_KEY).expectStatus().isOk();
        call("/admin/ping", ADMIN_KEY).expectStatus().isOk();
        call("/admin/ping", sign(RSA, claims(clock.instant(), null, "admin").build())).expectStatus().isOk();
        call("/actuator/env", ADMIN_KEY).expectStatus().isOk();
    }

    @Test
    void theBootstrapAdminKeyIsAnAdminOfNoTenant() {
        call("/v1/whoami", ADMIN_KEY).expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("tenant_required");
        call("/v1/whoami", ADMIN_KEY + "x").expectStatus().isUnauthorized();
        call("/other", ADMIN_KEY).expectStatus().isOk();
    }

    @Test
    void aDisabledTenantGets403() {
        call("/v1/whoami", sign(RSA, claims(clock.instant(), "off").build())).expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("tenant_disabled");
    }

    @Test
    void corsPreflightsWithoutCredentialsDoNotReachAHandler() {
        // a functional POST route matches a preflight by its Access-Control-Request-Method header
        client.method(HttpMethod.OPTIONS).uri("/v1/chat/completions")
                .header(HttpHeaders.ORIGIN, "https://app.example.test")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange()
                .expectStatus().isUnauthorized();
        assertThat(upstreamCalls).hasValue(0);
    }

    @Test
    void failuresAreCountedByReason() {
        client.get().uri("/v1/whoami").exchange().expectStatus().isUnauthorized();
        client.get().uri("/v1/whoami").exchange().expectStatus().isUnauthorized();
        call("/v1/whoami", "sk-sg-not-a-key-we-know-of-000000").expectStatus().isUnauthorized();
        call("/admin/ping", TENANT_KEY).expectStatus().isForbidden();
        call("/v1/whoami", TENANT_KEY).expectStatus().isOk();

        assertThat(failures("missing_credentials")).isEqualTo(2);
        assertThat(failures("unknown_api_key")).isEqualTo(1);
        assertThat(failures("admin_required")).isEqualTo(1);
        assertThat(meters.find(AuthFilter.FAILURES_METRIC).counters())
                .extracting(counter -> counter.getId().getTag("reason"))
                .containsExactlyInAnyOrder("missing_credentials", "unknown_api_key", "admin_required");
    }

    private double failures(String reason) {
        return meters.get(AuthFilter.FAILURES_METRIC).tag("reason", reason).counter().count();
    }

    private WebTestClient.ResponseSpec call(String path, String credential) {
        return client.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + credential).exchange();
    }
}
