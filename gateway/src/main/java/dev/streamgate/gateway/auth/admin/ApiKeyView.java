package dev.streamgate.gateway.auth.admin;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streamgate.gateway.auth.apikey.ApiKey;
import dev.streamgate.gateway.auth.apikey.IssuedApiKey;

/**
 * An API key in admin responses. Times are Unix seconds, as in OpenAI's API. {@code key} (the plaintext) is only
 * present in the response that issued it; the hash never leaves the database.
 */
public record ApiKeyView(
        String id,
        String object,
        @JsonProperty("tenant_id") String tenantId,
        String name,
        String prefix,
        List<String> scopes,
        String status,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("expires_at") Long expiresAt,
        @JsonProperty("revoked_at") Long revokedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String key) {

    static ApiKeyView of(ApiKey key, Instant now) {
        return of(key, now, null);
    }

    static ApiKeyView of(IssuedApiKey issued, Instant now) {
        return of(issued.key(), now, issued.secret());
    }

    private static ApiKeyView of(ApiKey key, Instant now, String secret) {
        return new ApiKeyView(key.id(), "api_key", key.tenantId(), key.name(), key.prefix(),
                key.scopes().stream().sorted().toList(), key.status(now).name().toLowerCase(java.util.Locale.ROOT),
                key.createdAt().getEpochSecond(), seconds(key.expiresAt()), seconds(key.revokedAt()), secret);
    }

    private static Long seconds(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    @Override
    public String toString() {
        return "ApiKeyView[id=" + id + ", tenantId=" + tenantId + ", prefix=" + prefix + ", status=" + status + "]";
    }
}
