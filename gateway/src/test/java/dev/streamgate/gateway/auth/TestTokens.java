package dev.streamgate.gateway.auth;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Keys and signed tokens for JWT tests, made with Nimbus. */
public final class TestTokens {
    public static final String ISSUER = "https://idp.example.test/";
    public static final String AUDIENCE = "streamgate";

    /** RSA key generation is slow: every test class in the JVM shares these. */
    public static final RSAKey RSA = rsaKey("rsa-1");
    /** Another RSA key under the same key id, for forged signatures. */
    public static final RSAKey RSA_IMPOSTOR = rsaKey("rsa-1");
    public static final ECKey EC = ecKey("ec-1");

    private TestTokens() {
    }

    /** {@code key} under another key id. */
    public static RSAKey withKeyId(RSAKey key, String kid) {
        return new RSAKey.Builder(key).keyID(kid).build();
    }

    public static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims every check accepts at {@code now}: issuer, audience, five minutes to live, tenant and roles. */
    public static JWTClaimsSet.Builder claims(Instant now, String tenant, String... roles) {
        var builder = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("user-1")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
        if (tenant != null) {
            builder.claim("tenant_id", tenant);
        }
        if (roles.length > 0) {
            builder.claim("roles", List.of(roles));
        }
        return builder;
    }

    public static String sign(JWK key, JWTClaimsSet claims) {
        JWSAlgorithm algorithm = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
        return sign(key, algorithm, key.getKeyID(), claims);
    }

    public static String sign(JWK key, JWSAlgorithm algorithm, String kid, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
            var jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
