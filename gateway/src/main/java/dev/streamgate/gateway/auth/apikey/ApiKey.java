package dev.streamgate.gateway.auth.apikey;

import java.time.Instant;
import java.util.Set;

/**
 * An API key as admins see it: never the secret or its hash. {@code expiresAt} and {@code revokedAt} are null
 * when the key never expires or is not revoked.
 */
public record ApiKey(String id, String tenantId, String prefix, String name, Set<String> scopes,
                     Instant expiresAt, Instant revokedAt, Instant createdAt) {
    public ApiKey {
        scopes = Set.copyOf(scopes);
    }

    public enum Status { ACTIVE, EXPIRED, REVOKED }

    /** Revocation wins over expiry; a key expires at {@code expiresAt} exactly. */
    public Status status(Instant now) {
        if (revokedAt != null && !now.isBefore(revokedAt)) {
            return Status.REVOKED;
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return Status.EXPIRED;
        }
        return Status.ACTIVE;
    }
}
