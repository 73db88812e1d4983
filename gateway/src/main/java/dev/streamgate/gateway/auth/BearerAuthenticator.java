package dev.streamgate.gateway.auth;

import java.security.MessageDigest;
import java.util.Set;

import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.auth.apikey.ApiKeyFormat;
import reactor.core.publisher.Mono;

/**
 * Reads {@code Authorization: Bearer <credential>} and hands the credential to the right authenticator: the
 * bootstrap admin key (compared in constant time), a JWT (three dot-separated parts) or an API key (anything
 * else).
 */
public final class BearerAuthenticator {
    /** The subject of the principal the bootstrap admin key authenticates as. */
    public static final String ADMIN_KEY_SUBJECT = "bootstrap-admin-key";

    private static final String SCHEME = "Bearer ";

    private final CredentialAuthenticator apiKeys;
    private final CredentialAuthenticator jwts;
    private final byte[] adminKeyHash;

    /**
     * @param jwts     null when JWT authentication is not configured
     * @param adminKey null when there is no bootstrap admin key
     */
    public BearerAuthenticator(CredentialAuthenticator apiKeys, CredentialAuthenticator jwts, String adminKey) {
        this.apiKeys = apiKeys;
        this.jwts = jwts;
        this.adminKeyHash = adminKey == null || adminKey.isEmpty() ? null : ApiKeyFormat.hash(adminKey);
    }

    public Mono<Principal> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return fail(Reason.MISSING_CREDENTIALS,
                    "You didn't provide an API key. Send it in the header 'Authorization: Bearer <key>'.");
        }
        if (!authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return fail(Reason.MALFORMED_CREDENTIALS, "The Authorization header must use the Bearer scheme.");
        }
        String credential = authorization.substring(SCHEME.length()).trim();
        if (credential.isEmpty()) {
            return fail(Reason.MISSING_CREDENTIALS,
                    "You didn't provide an API key. Send it in the header 'Authorization: Bearer <key>'.");
        }
        // hashing first makes the comparison independent of where, and whether, the lengths differ
        if (adminKeyHash != null && MessageDigest.isEqual(adminKeyHash, ApiKeyFormat.hash(credential))) {
            return Mono.just(new Principal(null, null, ADMIN_KEY_SUBJECT, Set.of(Principal.ADMIN), null));
        }
        if (ApiKeyFormat.looksLikeJwt(credential)) {
            return jwts != null ? jwts.authenticate(credential)
                    : fail(Reason.JWT_NOT_CONFIGURED, "JWT bearer tokens are not accepted by this gateway.");
        }
        return apiKeys.authenticate(credential);
    }

    private static Mono<Principal> fail(Reason reason, String message) {
        return Mono.error(new AuthenticationFailure(reason, message));
    }
}
