package dev.streamgate.gateway.auth.jwt;

import dev.streamgate.adapters.MutableClock;
import static dev.streamgate.gateway.auth.TestTokens.AUDIENCE;
import static dev.streamgate.gateway.auth.TestTokens.ISSUER;
import static dev.streamgate.gateway.auth.TestTokens.claims;
import static dev.streamgate.gateway.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.streamgate.gateway.auth.AuthenticationFailure;
import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.auth.ManualTicker;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.auth.TenantResolver;
import dev.streamgate.gateway.auth.TestTenants;
import dev.streamgate.gateway.auth.TestTokens;
import dev.streamgate.gateway.auth.internal.LookupCache;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The JWT validation matrix against keys from configuration. */
class JwtAuthenticatorTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final RSAKey RSA = TestTokens.RSA;
    private static final ECKey EC = TestTokens.EC;
    private static final JWKSet KEYS = new JWKSet(List.of(RSA, EC));

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final TenantResolver tenants = new TenantResolver(new TestTenants().with("acme", false).with("off", true));

    private JwtAuthenticator authenticator(List<String> algorithms, String tenantClaim, String rolesClaim) {
        var settings = new JwtSettings(ISSUER, List.of(AUDIENCE, "other-audience"), algorithms, Duration.ofSeconds(60),
                tenantClaim, rolesClaim, null, KEYS.toPublicJWKSet().toString(), null, null, null, null);
        return new JwtAuthenticator(settings, ConfiguredJwkSetSource.fromJwks(settings.jwks()), tenants, clock);
    }

    private final JwtAuthenticator jwt = authenticator(null, null, null);

    private JWTClaimsSet.Builder valid() {
        return claims(clock.instant(), "acme", "reader", "writer");
    }

    @Test
    void acceptsRs256AndEs256TokensAndReadsTenantSubjectAndRoles() {
        for (var key : List.of(RSA, EC)) {
            Principal principal = jwt.authenticate(sign(key, valid().build())).block(LIMIT);

            assertThat(principal.tenantId()).isEqualTo("acme");
            assertThat(principal.subject()).isEqualTo("user-1");
            assertThat(principal.keyId()).isNull();
            assertThat(principal.roles()).containsExactlyInAnyOrder("reader", "writer");
            assertThat(principal.plan()).isEqualTo(TestTenants.PLAN);
        }
    }

    @Test
    void refusesUnsignedTokens() {
        refused(new PlainJWT(valid().build()).serialize(), Reason.TOKEN_ALGORITHM);
        // alg "none" with a real signature glued on is not a token either
        String signed = sign(RSA, valid().build());
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"kid\":\"rsa-1\"}".getBytes(StandardCharsets.UTF_8));
        refused(header + signed.substring(signed.indexOf('.')), Reason.MALFORMED_TOKEN);
    }

    @Test
    void refusesHs256SignedWithThePublicKeyAsSecret() throws Exception {
        var forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), valid().build());
        forged.sign(new MACSigner(RSA.toRSAPublicKey().getEncoded()));

        refused(forged.serialize(), Reason.TOKEN_ALGORITHM);
    }

    @Test
    void refusesAlgorithmsOutsideTheAllowList() {
        refused(sign(RSA, JWSAlgorithm.RS384, "rsa-1", valid().build()), Reason.TOKEN_ALGORITHM);
        refused(sign(RSA, JWSAlgorithm.PS256, "rsa-1", valid().build()), Reason.TOKEN_ALGORITHM);

        JwtAuthenticator rsaOnly = authenticator(List.of("RS256"), null, null);
        assertThat(rsaOnly.authenticate(sign(RSA, valid().build())).block(LIMIT).tenantId()).isEqualTo("acme");
        StepVerifier.create(rsaOnly.authenticate(sign(EC, valid().build())))
                .expectErrorSatisfies(e -> assertReason(e, Reason.TOKEN_ALGORITHM))
                .verify(LIMIT);
    }

    @Test
    void refusesExpiredTokensAfterTheClockSkew() {
        Instant now = clock.instant();
        String expiredRecently = sign(RSA, valid().expirationTime(Date.from(now.minusSeconds(59))).build());
        String expiredLongAgo = sign(RSA, valid().expirationTime(Date.from(now.minusSeconds(61))).build());

        assertThat(jwt.authenticate(expiredRecently).block(LIMIT)).isNotNull();
        refused(expiredLongAgo, Reason.TOKEN_EXPIRED);

        // the injected clock decides: the valid token expires 300 s + 60 s skew later
        String token = sign(RSA, valid().build());
        clock.advance(Duration.ofSeconds(361));
        refused(token, Reason.TOKEN_EXPIRED);
    }

    @Test
    void refusesTokensNotYetValid() {
        refused(sign(EC, valid().notBeforeTime(Date.from(clock.instant().plusSeconds(120))).build()),
                Reason.TOKEN_CLAIMS);
    }

    @Test
    void refusesWrongOrMissingIssuerAudienceAndExpiry() {
        refused(sign(RSA, valid().issuer("https://evil.example.test/").build()), Reason.TOKEN_CLAIMS);
        refused(sign(RSA, valid().audience("someone-else").build()), Reason.TOKEN_CLAIMS);
        refused(sign(RSA, valid().issuer(null).build()), Reason.TOKEN_CLAIMS);
        refused(sign(RSA, valid().audience((String) null).build()), Reason.TOKEN_CLAIMS);
        refused(sign(RSA, valid().expirationTime(null).build()), Reason.TOKEN_CLAIMS);
        // any one accepted audience is enough
        assertThat(jwt.authenticate(sign(RSA, valid().audience(List.of("x", "other-audience")).build()))
                .block(LIMIT)).isNotNull();
    }

    @Test
    void refusesUnknownKeyIdsAndBadSignatures() {
        refused(sign(RSA, JWSAlgorithm.RS256, "rsa-unknown", valid().build()), Reason.TOKEN_UNKNOWN_KEY);
        // same kid, different key
        refused(sign(TestTokens.RSA_IMPOSTOR, valid().build()), Reason.TOKEN_SIGNATURE);
        // an ES256 header pointing at the RSA key finds no usable key
        refused(sign(EC, JWSAlgorithm.ES256, "rsa-1", valid().build()), Reason.TOKEN_UNKNOWN_KEY);

        String[] parts = sign(RSA, valid().build()).split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(clock.instant(), "acme", "admin").build().toString().getBytes(StandardCharsets.UTF_8));
        refused(parts[0] + "." + otherPayload + "." + parts[2], Reason.TOKEN_SIGNATURE);
    }

    @Test
    void aKeyWhoseKeyOpsLackVerifyVerifiesNothing() {
        // RFC 7517 §4.3: key_ops lists what a key may be used for; "use":"sig" alone must not override it
        RSAKey signOnly = new RSAKey.Builder(RSA.toPublicJWK()).keyUse(KeyUse.SIGNATURE)
                .keyOperations(Set.of(KeyOperation.SIGN)).build();
        RSAKey encryptOnly = new RSAKey.Builder(RSA.toPublicJWK()).keyUse(null)
                .keyOperations(Set.of(KeyOperation.ENCRYPT, KeyOperation.WRAP_KEY)).build();
        for (RSAKey restricted : List.of(signOnly, encryptOnly)) {
            StepVerifier.create(withKeys(new JWKSet(restricted)).authenticate(sign(RSA, valid().build())))
                    .expectErrorSatisfies(e -> assertReason(e, Reason.TOKEN_UNKNOWN_KEY))
                    .verify(LIMIT);
        }
        RSAKey verifying = new RSAKey.Builder(RSA.toPublicJWK()).keyOperations(Set.of(KeyOperation.VERIFY)).build();
        assertThat(withKeys(new JWKSet(verifying)).authenticate(sign(RSA, valid().build())).block(LIMIT).tenantId())
                .isEqualTo("acme");
    }

    private JwtAuthenticator withKeys(JWKSet keys) {
        var settings = new JwtSettings(ISSUER, List.of(AUDIENCE), null, Duration.ofSeconds(60), null, null, null,
                keys.toString(), null, null, null, null);
        return new JwtAuthenticator(settings, ConfiguredJwkSetSource.fromJwks(settings.jwks()), tenants, clock);
    }

    @Test
    void refusesGarbage() {
        refused("abc.def.ghi", Reason.MALFORMED_TOKEN);
        refused("..", Reason.MALFORMED_TOKEN);
        refused(encode("{}") + "." + encode("{}") + ".c2ln", Reason.MALFORMED_TOKEN);
        refused(encode("[1,2]") + "." + encode("{}") + ".c2ln", Reason.MALFORMED_TOKEN);
        refused(encode("{\"alg\":\"RS256\"}") + ".%%%.c2ln", Reason.MALFORMED_TOKEN);
        refused(encode("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}") + "." + encode("not json") + ".c2ln",
                Reason.MALFORMED_TOKEN);
    }

    @Test
    void acceptsAccessTokenTypesButNoOthers() throws Exception {
        assertThat(jwt.authenticate(signWithType(new JOSEObjectType("at+jwt"))).block(LIMIT)).isNotNull();
        assertThat(jwt.authenticate(signWithType(JOSEObjectType.JWT)).block(LIMIT)).isNotNull();
        refused(signWithType(new JOSEObjectType("secevent+jwt")), Reason.TOKEN_UNKNOWN_KEY);
    }

    @Test
    void bindsToTheTenantAndHonoursItsState() {
        refused(sign(RSA, claims(clock.instant(), "off").build()), Reason.TENANT_DISABLED);
        refused(sign(RSA, claims(clock.instant(), "ghost").build()), Reason.UNKNOWN_TENANT);
        refused(sign(RSA, claims(clock.instant(), null, "reader").build()), Reason.TOKEN_CLAIMS);
        refused(sign(RSA, valid().claim("roles", Map.of("not", "a list")).build()), Reason.TOKEN_CLAIMS);
    }

    @Test
    void anAdminTokenWithoutTenantIsAnAdminBoundToNoTenant() {
        Principal admin = jwt.authenticate(sign(EC, claims(clock.instant(), null, "admin").build())).block(LIMIT);

        assertThat(admin.isAdmin()).isTrue();
        assertThat(admin.tenantId()).isNull();
        assertThat(admin.plan()).isNull();
    }

    @Test
    void readsConfiguredClaimNamesIncludingNestedPathsAndSpaceSeparatedRoles() {
        JwtAuthenticator custom = authenticator(null, "org.id", "scope");
        JWTClaimsSet claims = claims(clock.instant(), null)
                .claim("org", Map.of("id", "acme"))
                .claim("scope", "chat:write  models:read")
                .build();

        Principal principal = custom.authenticate(sign(RSA, claims)).block(LIMIT);

        assertThat(principal.tenantId()).isEqualTo("acme");
        assertThat(principal.roles()).containsExactlyInAnyOrder("chat:write", "models:read");
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private String signWithType(JOSEObjectType type) throws Exception {
        var token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").type(type).build(),
                valid().build());
        token.sign(new RSASSASigner(RSA));
        return token.serialize();
    }

    private void refused(String token, Reason reason) {
        StepVerifier.create(jwt.authenticate(token))
                .expectErrorSatisfies(e -> assertReason(e, reason))
                .verify(LIMIT);
    }

    private static void assertReason(Throwable e, Reason reason) {
        assertThat(e).isInstanceOfSatisfying(AuthenticationFailure.class, failure -> {
            assertThat(failure.reason()).isEqualTo(reason);
            assertThat(failure.toGatewayException().status()).isEqualTo(reason.status());
        });
    }
}
