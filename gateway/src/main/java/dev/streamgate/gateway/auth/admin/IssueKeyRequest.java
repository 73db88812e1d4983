package dev.streamgate.gateway.auth.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streamgate.gateway.error.GatewayException;

/**
 * Body of {@code POST /admin/v1/tenants/{tenantId}/keys}; every field is optional. {@code expires_at} is Unix
 * seconds or an ISO-8601 date-time with an offset.
 */
public record IssueKeyRequest(String name, List<String> scopes, @JsonProperty("expires_at") String expiresAt) {
    static final IssueKeyRequest EMPTY = new IssueKeyRequest(null, null, null);

    Instant expiry() {
        if (expiresAt == null || expiresAt.isBlank()) {
            return null;
        }
        String value = expiresAt.trim();
        try {
            if (value.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochSecond(Long.parseLong(value));
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw GatewayException.invalidRequest("expires_at", "invalid_expires_at",
                    "expires_at must be Unix seconds or an ISO-8601 date-time with an offset.");
        }
    }
}
