package dev.streamgate.gateway.auth;

import java.util.Set;

import dev.streamgate.config.Plan;

/**
 * Who is calling: the tenant, the API key (null for JWT callers), the subject (key id or the token's
 * {@code sub}), roles and the tenant's plan. Stored in the exchange attributes under {@link #ATTRIBUTE}.
 */
public record Principal(String tenantId, String keyId, String subject, Set<String> roles, Plan plan) {
    public static final String ATTRIBUTE = Principal.class.getName();
    public static final String ADMIN = "admin";

    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains(ADMIN);
    }

    /** The subject rate limits and usage are counted against inside the tenant. */
    public String limitKey() {
        return keyId != null ? keyId : "sub:" + subject;
    }
}
