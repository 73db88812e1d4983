package dev.streamgate.gateway.auth.jwt;

import dev.streamgate.adapters.MutableClock;
import static dev.streamgate.gateway.auth.TestTokens.AUDIENCE;
import static dev.streamgate.gateway.auth.TestTokens.ISSUER;
import static dev.streamgate.gateway.auth.TestTokens.claims;
import static dev.streamgate.gateway.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import dev.streamgate.gateway.auth.ManualTicker;
import dev.streamgate.gateway.auth.TenantResolver;
import dev.streamgate.gateway.auth.TestTenants;
import dev.streamgate.gateway.auth.TestTokens;
import dev.streamgate.gateway.auth.internal.LookupCache;
import org.junit.jupiter.api.Test;

/** Keys from configuration: PEM public keys, PEM certificates and inline JWK sets. */
class ConfiguredJwkSetSourceTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final TenantResolver tenants = new TenantResolver(new TestTenants().with("acme", false));

    @Test
    void pemPublicKeysVerifyTokensUnderTheConfiguredOrTheThumbprintKeyId() throws Exception {
        var source = ConfiguredJwkSetSource.fromPem(List.of(
                new JwtSettings.ConfiguredKey("issuer-rsa", pem("PUBLIC KEY", TestTokens.RSA.toPublicKey())),
                new JwtSettings.ConfiguredKey(null, pem("PUBLIC KEY", TestTokens.EC.toPublicKey()))));
        JwtAuthenticator jwt = authenticator(source);
        String thumbprint = TestTokens.EC.computeThumbprint().toString();

        assertThat(source.keys().block(LIMIT).getKeys()).extracting(JWK::getKeyID)
                .containsExactly("issuer-rsa", thumbprint);
        assertThat(jwt.authenticate(sign(TestTokens.RSA, com.nimbusds.jose.JWSAlgorithm.RS256, "issuer-rsa",
                claims(clock.instant(), "acme").build())).block(LIMIT).tenantId()).isEqualTo("acme");
        assertThat(jwt.authenticate(sign(TestTokens.EC, com.nimbusds.jose.JWSAlgorithm.ES256, thumbprint,
                claims(clock.instant(), "acme").build())).block(LIMIT).tenantId()).isEqualTo("acme");
    }

    @Test
    void pemCertificatesVerifyTokensSignedByTheirKey() throws Exception {
        var store = KeyStore.getInstance("PKCS12");
        try (InputStream in = getClass().getResourceAsStream("/auth/signer.p12")) {
            store.load(in, "test-only".toCharArray());
        }
        var certificate = (X509Certificate) store.getCertificate("signer");
        var privateKey = (ECPrivateKey) store.getKey("signer", "test-only".toCharArray());
        var signer = new ECKey.Builder(Curve.P_256, (ECPublicKey) certificate.getPublicKey())
                .privateKey(privateKey).keyID("cert-key").build();
        String certificatePem;
        try (InputStream in = getClass().getResourceAsStream("/auth/signer.pem")) {
            certificatePem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }

        JwtAuthenticator jwt = authenticator(ConfiguredJwkSetSource.fromPem(
                List.of(new JwtSettings.ConfiguredKey("cert-key", certificatePem))));

        assertThat(jwt.authenticate(sign(signer, claims(clock.instant(), "acme").build())).block(LIMIT).tenantId())
                .isEqualTo("acme");
    }

    @Test
    void inlineSetsKeepOnlyPublicAsymmetricKeys() {
        var set = new JWKSet(List.of(TestTokens.EC,
                new OctetSequenceKey.Builder("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
                        .keyID("hmac").build()));

        List<JWK> keys = ConfiguredJwkSetSource.fromJwks(set.toString(false)).keys().block(LIMIT).getKeys();

        assertThat(keys).extracting(JWK::getKeyID).containsExactly("ec-1");
        assertThat(keys).noneMatch(JWK::isPrivate);
    }

    @Test
    void refusesWhatIsNotAKey() {
        assertThatThrownBy(() -> ConfiguredJwkSetSource.fromPem(List.of(
                new JwtSettings.ConfiguredKey("a", pem("PUBLIC KEY", TestTokens.RSA.toPublicKey())),
                new JwtSettings.ConfiguredKey("b", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public-keys[1]");
        assertThatThrownBy(() -> ConfiguredJwkSetSource.fromPem(List.of(
                new JwtSettings.ConfiguredKey("c", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public-keys[0]");
        assertThatThrownBy(() -> ConfiguredJwkSetSource.fromJwks("{\"keys\":"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamgate.auth.jwt.jwks");
    }

    private JwtAuthenticator authenticator(ConfiguredJwkSetSource source) {
        var settings = new JwtSettings(ISSUER, List.of(AUDIENCE), null, null, null, null, null, "{\"keys\":[]}", null,
                null, null, null);
        return new JwtAuthenticator(settings, source, tenants, clock);
    }

    private static String pem(String type, PublicKey key) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END " + type + "-----\n";
    }
}
