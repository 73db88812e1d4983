package dev.streamgate.gateway.auth.jwt;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import reactor.core.publisher.Mono;

/** Keys from configuration: an inline JWK set or PEM public keys/certificates. Never changes. */
public final class ConfiguredJwkSetSource implements JwkSetSource {
    private final Mono<JWKSet> keys;

    public ConfiguredJwkSetSource(JWKSet keys) {
        // only public keys: a symmetric ("oct") key in the set could otherwise verify an HS* token
        this.keys = Mono.just(keys.toPublicJWKSet());
    }

    /** Parses an inline JWK set. */
    public static ConfiguredJwkSetSource fromJwks(String json) {
        try {
            return new ConfiguredJwkSetSource(JWKSet.parse(json));
        } catch (ParseException e) {
            throw new IllegalArgumentException("streamgate.auth.jwt.jwks is not a valid JWK set: " + e.getMessage(), e);
        }
    }

    /** Parses PEM public keys ({@code BEGIN PUBLIC KEY}) or X.509 certificates ({@code BEGIN CERTIFICATE}). */
    public static ConfiguredJwkSetSource fromPem(List<JwtSettings.ConfiguredKey> configured) {
        var keys = new ArrayList<JWK>();
        for (int i = 0; i < configured.size(); i++) {
            try {
                keys.add(parsePem(configured.get(i)));
            } catch (GeneralSecurityException | JOSEException | IllegalArgumentException e) {
                throw new IllegalArgumentException("streamgate.auth.jwt.public-keys[" + i + "] is not a PEM RSA or EC "
                        + "public key or certificate: " + e.getMessage(), e);
            }
        }
        return new ConfiguredJwkSetSource(new JWKSet(keys));
    }

    @Override
    public Mono<JWKSet> keys() {
        return keys;
    }

    @Override
    public Mono<JWKSet> keysWith(String keyId) {
        return keys;
    }

    private static JWK parsePem(JwtSettings.ConfiguredKey configured) throws GeneralSecurityException, JOSEException {
        String pem = configured.pem() == null ? "" : configured.pem();
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", ""));
        PublicKey key;
        if (pem.contains("BEGIN CERTIFICATE")) {
            var cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            key = cert.getPublicKey();
        } else if (pem.contains("BEGIN PUBLIC KEY")) {
            key = publicKey(der);
        } else {
            throw new IllegalArgumentException("expected BEGIN PUBLIC KEY or BEGIN CERTIFICATE");
        }
        JWK jwk = switch (key) {
            case RSAPublicKey rsa -> new RSAKey.Builder(rsa).keyUse(KeyUse.SIGNATURE).build();
            case ECPublicKey ec -> new ECKey.Builder(curve(ec), ec).keyUse(KeyUse.SIGNATURE).build();
            default -> throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
        };
        String kid = configured.kid() != null && !configured.kid().isBlank()
                ? configured.kid() : jwk.computeThumbprint().toString();
        return switch (jwk) {
            case RSAKey rsa -> new RSAKey.Builder(rsa).keyID(kid).build();
            case ECKey ec -> new ECKey.Builder(ec).keyID(kid).build();
            default -> throw new IllegalStateException();
        };
    }

    private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                last = e;
            }
        }
        throw last;
    }

    private static Curve curve(ECPublicKey key) {
        Curve curve = Curve.forECParameterSpec(key.getParams());
        if (curve == null) {
            throw new IllegalArgumentException("unsupported elliptic curve");
        }
        return curve;
    }
}
