package dev.streamgate.gateway.auth.jwt;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How JWT bearer tokens are verified ({@code streamgate.auth.jwt.*}). JWT authentication is on when
 * {@code issuer} is set; then {@code audiences} and exactly one key source are required: a JWKS URL, an inline
 * JWK set, or PEM public keys (or certificates).
 *
 * @param issuer                  the exact {@code iss} a token must carry
 * @param audiences               a token's {@code aud} must contain at least one of these
 * @param algorithms              accepted signature algorithms, a subset of RS256 and ES256
 * @param clockSkew               leeway for {@code exp} and {@code nbf}
 * @param tenantClaim             claim holding the tenant id (a dotted path reaches into nested objects)
 * @param rolesClaim              claim holding the roles: an array of strings or a space-separated string
 * @param jwksUrl                 where to fetch the JWK set from
 * @param jwks                    an inline JWK set (JSON)
 * @param publicKeys              PEM public keys or certificates, each with an optional {@code kid}
 * @param jwksMaxAge              how long a fetched JWK set is used before it is fetched again
 * @param jwksMinRefetchInterval  at most one fetch per this interval when a token names an unknown {@code kid}
 * @param jwksTimeout             time limit for one JWKS fetch
 */
public record JwtSettings(
        String issuer,
        List<String> audiences,
        @DefaultValue({"RS256", "ES256"}) List<String> algorithms,
        @DefaultValue("60s") Duration clockSkew,
        @DefaultValue("tenant_id") String tenantClaim,
        @DefaultValue("roles") String rolesClaim,
        URI jwksUrl,
        String jwks,
        List<ConfiguredKey> publicKeys,
        @DefaultValue("10m") Duration jwksMaxAge,
        @DefaultValue("30s") Duration jwksMinRefetchInterval,
        @DefaultValue("5s") Duration jwksTimeout) {

    /** Signature algorithms the gateway can be configured to accept; anything else (none, HS*) never is. */
    public static final Set<JWSAlgorithm> SUPPORTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** A PEM-encoded public key or X.509 certificate; {@code kid} defaults to the key's RFC 7638 thumbprint. */
    public record ConfiguredKey(String kid, String pem) {
    }

    public JwtSettings {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        algorithms = algorithms == null ? List.of("RS256", "ES256") : List.copyOf(algorithms);
        publicKeys = publicKeys == null ? List.of() : List.copyOf(publicKeys);
        clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
        tenantClaim = tenantClaim == null ? "tenant_id" : tenantClaim;
        rolesClaim = rolesClaim == null ? "roles" : rolesClaim;
        jwksMaxAge = jwksMaxAge == null ? Duration.ofMinutes(10) : jwksMaxAge;
        jwksMinRefetchInterval = jwksMinRefetchInterval == null ? Duration.ofSeconds(30) : jwksMinRefetchInterval;
        jwksTimeout = jwksTimeout == null ? Duration.ofSeconds(5) : jwksTimeout;
        validate(issuer, audiences, algorithms, clockSkew, jwksUrl, jwks, publicKeys);
    }

    /** No JWT settings: JWT bearer tokens are refused. */
    public static JwtSettings disabled() {
        return new JwtSettings(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean enabled() {
        return issuer != null && !issuer.isBlank();
    }

    public Set<JWSAlgorithm> acceptedAlgorithms() {
        var accepted = new LinkedHashSet<JWSAlgorithm>();
        for (String name : algorithms) {
            accepted.add(JWSAlgorithm.parse(name));
        }
        return Set.copyOf(accepted);
    }

    private static void validate(String issuer, List<String> audiences, List<String> algorithms, Duration skew,
                                 URI jwksUrl, String jwks, List<ConfiguredKey> publicKeys) {
        int sources = (jwksUrl != null ? 1 : 0) + (jwks != null && !jwks.isBlank() ? 1 : 0)
                + (publicKeys.isEmpty() ? 0 : 1);
        if (issuer == null || issuer.isBlank()) {
            if (sources > 0 || !audiences.isEmpty()) {
                throw new IllegalArgumentException(
                        "streamgate.auth.jwt.issuer is required when JWT keys or audiences are configured");
            }
            return;
        }
        if (audiences.isEmpty() || audiences.stream().anyMatch(a -> a == null || a.isBlank())) {
            throw new IllegalArgumentException("streamgate.auth.jwt.audiences must list at least one audience");
        }
        if (sources != 1) {
            throw new IllegalArgumentException("streamgate.auth.jwt needs exactly one of jwks-url, jwks, public-keys");
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("streamgate.auth.jwt.algorithms must not be empty");
        }
        for (String name : algorithms) {
            if (!SUPPORTED.contains(JWSAlgorithm.parse(name))) {
                throw new IllegalArgumentException("streamgate.auth.jwt.algorithms: '" + name
                        + "' is not accepted; choose from RS256, ES256");
            }
        }
        if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("streamgate.auth.jwt.clock-skew must be between 0 and 10m");
        }
        if (jwksUrl != null && !("https".equals(jwksUrl.getScheme()) || "http".equals(jwksUrl.getScheme()))) {
            throw new IllegalArgumentException("streamgate.auth.jwt.jwks-url must be an http(s) URL");
        }
    }
}
