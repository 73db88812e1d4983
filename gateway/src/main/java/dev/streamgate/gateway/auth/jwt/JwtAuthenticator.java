package dev.streamgate.gateway.auth.jwt;

import java.text.ParseException;
import java.time.Clock;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.streamgate.gateway.auth.AuthenticationFailure;
import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.auth.CredentialAuthenticator;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.auth.TenantResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Verifies JWT bearer tokens with Nimbus. The key set is obtained reactively from a {@link JwkSetSource}
 * (fetched again for an unknown {@code kid}, rate-limited), then the token is checked synchronously against that
 * in-memory set by a {@link DefaultJWTProcessor}: allow-listed algorithms only (so {@code none} and an HS256
 * token "signed" with the public key are refused), a valid signature, and {@code exp}, {@code iss}, {@code aud}
 * present and accepted, with the configured clock skew.
 *
 * <p>The tenant comes from the tenant claim; a token without one is accepted only when it carries the
 * {@code admin} role, and then yields an admin principal bound to no tenant.
 */
public final class JwtAuthenticator implements CredentialAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(JwtAuthenticator.class);
    private static final Set<String> REQUIRED_CLAIMS = Set.of("exp", "iss", "aud");

    private final JwtSettings settings;
    private final JwkSetSource keys;
    private final TenantResolver tenants;
    private final Set<JWSAlgorithm> algorithms;
    private final DefaultJWTProcessor<KeySnapshot> processor;

    /** The key set a token is verified against, handed to Nimbus as its security context. */
    private record KeySnapshot(JWKSet keys) implements SecurityContext {
    }

    public JwtAuthenticator(JwtSettings settings, JwkSetSource keys, TenantResolver tenants, Clock clock) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("JWT settings are not enabled (no issuer)");
        }
        this.settings = settings;
        this.keys = keys;
        this.tenants = tenants;
        this.algorithms = settings.acceptedAlgorithms();

        var claims = new DefaultJWTClaimsVerifier<KeySnapshot>(Set.copyOf(settings.audiences()),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), REQUIRED_CLAIMS, null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew(Math.toIntExact(settings.clockSkew().toSeconds()));

        processor = new DefaultJWTProcessor<>();
        // RFC 9068 access tokens say typ "at+jwt"; plain ID-style tokens say "JWT" or nothing
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        // Nimbus's selector checks a key's "use" (must be "sig" if present) but not its "key_ops": a key whose
        // key_ops does not include "verify" must not verify signatures either (RFC 7517 §4.2, §4.3).
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms,
                (selector, context) -> selector.select(context.keys()).stream()
                        .filter(JwtAuthenticator::mayVerify)
                        .toList()));
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** No {@code key_ops} means any operation; otherwise {@code verify} must be among them. */
    private static boolean mayVerify(JWK key) {
        return key.getKeyOperations() == null || key.getKeyOperations().contains(KeyOperation.VERIFY);
    }

    @Override
    public Mono<Principal> authenticate(String token) {
        SignedJWT jwt;
        try {
            JWT parsed = JWTParser.parse(token);
            if (!(parsed instanceof SignedJWT signed)) {
                return fail(Reason.TOKEN_ALGORITHM, "Unsigned and encrypted tokens are not accepted.");
            }
            jwt = signed;
            jwt.getJWTClaimsSet(); // a payload that is not a JSON object is malformed, not a claims problem
        } catch (ParseException | RuntimeException e) {
            // untrusted input: whatever the parser trips over, the answer is the same
            return fail(Reason.MALFORMED_TOKEN, "The bearer token is not a well-formed JWT.");
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!algorithms.contains(algorithm)) {
            return fail(Reason.TOKEN_ALGORITHM, "The bearer token's signature algorithm is not accepted.");
        }
        String keyId = jwt.getHeader().getKeyID();
        Mono<JWKSet> keySet = keyId == null ? keys.keys() : keys.keysWith(keyId);
        return keySet.flatMap(set -> {
            if (keyId != null && set.getKeyByKeyId(keyId) == null) {
                return fail(Reason.TOKEN_UNKNOWN_KEY, "The bearer token is signed by an unknown key.");
            }
            JWTClaimsSet claims;
            try {
                claims = processor.process(jwt, new KeySnapshot(set));
            } catch (BadJOSEException | JOSEException e) {
                return Mono.error(refusal(e));
            }
            return principal(claims);
        });
    }

    private Mono<Principal> principal(JWTClaimsSet claims) {
        Set<String> roles = roles(claimAt(claims, settings.rolesClaim()));
        if (roles == null) {
            return fail(Reason.TOKEN_CLAIMS, "The '" + settings.rolesClaim() + "' claim must be a string or an array "
                    + "of strings.");
        }
        String subject = claims.getSubject() != null ? claims.getSubject() : "anonymous";
        Object tenant = claimAt(claims, settings.tenantClaim());
        if (tenant == null && roles.contains(Principal.ADMIN)) {
            return Mono.just(new Principal(null, null, subject, roles, null));
        }
        if (!(tenant instanceof String tenantId) || tenantId.isBlank()) {
            return fail(Reason.TOKEN_CLAIMS, "The bearer token has no '" + settings.tenantClaim() + "' claim.");
        }
        return tenants.principal(tenantId, null, subject, roles);
    }

    private static AuthenticationFailure refusal(Exception e) {
        if (e instanceof ExpiredJWTException) {
            return new AuthenticationFailure(Reason.TOKEN_EXPIRED, "The bearer token has expired.");
        }
        if (e instanceof BadJWTException) {
            // Nimbus' message names the claim at fault but also the expected values: for operators, not callers
            log.debug("JWT claims refused: {}", e.getMessage());
            return new AuthenticationFailure(Reason.TOKEN_CLAIMS,
                    "The bearer token's claims are not accepted (issuer, audience, validity or required claims).");
        }
        if (e instanceof BadJWSException || e instanceof JOSEException) {
            return new AuthenticationFailure(Reason.TOKEN_SIGNATURE, "The bearer token's signature is invalid.");
        }
        return new AuthenticationFailure(Reason.TOKEN_UNKNOWN_KEY,
                "No accepted key matches the bearer token's key id, algorithm and type.");
    }

    /** A claim by name, or by a dotted path into nested objects when no claim has the literal name. */
    private static Object claimAt(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        if (value != null || name.indexOf('.') < 0) {
            return value;
        }
        Object node = claims.getClaims();
        for (String part : name.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return node;
    }

    /** Roles from an array of strings or a space-separated string; null when the claim has another shape. */
    private static Set<String> roles(Object claim) {
        if (claim == null) {
            return Set.of();
        }
        Collection<?> values = claim instanceof String s ? List.of(s.trim().split("\\s+")) : null;
        if (claim instanceof Collection<?> c) {
            values = c;
        }
        if (values == null) {
            return null;
        }
        var roles = new LinkedHashSet<String>();
        for (Object value : values) {
            if (!(value instanceof String role)) {
                return null;
            }
            if (!role.isBlank()) {
                roles.add(role);
            }
        }
        return roles;
    }

    private static <T> Mono<T> fail(Reason reason, String message) {
        return Mono.error(new AuthenticationFailure(reason, message));
    }
}
