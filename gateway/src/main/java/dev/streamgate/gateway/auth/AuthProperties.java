package dev.streamgate.gateway.auth;

import java.time.Duration;
import java.util.List;

import dev.streamgate.gateway.auth.internal.LookupCache;
import dev.streamgate.gateway.auth.jwt.JwtSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Authentication settings ({@code streamgate.auth.*}).
 *
 * @param adminKey         bootstrap admin key ({@code STREAMGATE_ADMIN_KEY}); authenticates as an admin bound to
 *                         no tenant; at least 20 characters; unset means no such key
 * @param cacheTtl         how long a looked-up API key or tenant is reused; at most 4 s, so that a revoked key is
 *                         refused on every instance within 5 s (the TTL plus one query)
 * @param negativeCacheTtl how long "no such key" is remembered, to blunt floods of made-up keys
 * @param cacheMaximumSize entries per cache
 * @param publicPaths      path patterns that need no credentials
 * @param jwt              JWT bearer token settings
 */
@ConfigurationProperties("streamgate.auth")
public record AuthProperties(
        String adminKey,
        @DefaultValue("3s") Duration cacheTtl,
        @DefaultValue("2s") Duration negativeCacheTtl,
        @DefaultValue("100000") long cacheMaximumSize,
        @DefaultValue({"/health", "/actuator/health/**", "/actuator/prometheus"}) List<String> publicPaths,
        @DefaultValue JwtSettings jwt) {

    public static final int MIN_ADMIN_KEY_LENGTH = 20;
    public static final Duration MAX_CACHE_TTL = Duration.ofSeconds(4);

    public AuthProperties {
        adminKey = adminKey == null || adminKey.isBlank() ? null : adminKey;
        if (adminKey != null && adminKey.length() < MIN_ADMIN_KEY_LENGTH) {
            throw new IllegalArgumentException("streamgate.auth.admin-key (STREAMGATE_ADMIN_KEY) must be at least "
                    + MIN_ADMIN_KEY_LENGTH + " characters");
        }
        cacheTtl = cacheTtl == null ? Duration.ofSeconds(3) : cacheTtl;
        negativeCacheTtl = negativeCacheTtl == null ? Duration.ofSeconds(2) : negativeCacheTtl;
        if (cacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
            throw new IllegalArgumentException("streamgate.auth.cache-ttl must be at most " + MAX_CACHE_TTL.toSeconds()
                    + "s: a revoked key must be refused on every instance within 5 s");
        }
        publicPaths = publicPaths == null ? RouteAccess.DEFAULT_PUBLIC_PATHS : List.copyOf(publicPaths);
        jwt = jwt == null ? JwtSettings.disabled() : jwt;
        cacheSettings(cacheTtl, negativeCacheTtl, cacheMaximumSize);
    }

    public LookupCache.Settings cache() {
        return cacheSettings(cacheTtl, negativeCacheTtl, cacheMaximumSize);
    }

    private static LookupCache.Settings cacheSettings(Duration ttl, Duration negativeTtl, long maximumSize) {
        try {
            return new LookupCache.Settings(ttl, negativeTtl, maximumSize);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("streamgate.auth cache settings: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "AuthProperties[adminKey=" + (adminKey == null ? "unset" : "<redacted>") + ", cacheTtl=" + cacheTtl
                + ", negativeCacheTtl=" + negativeCacheTtl + ", cacheMaximumSize=" + cacheMaximumSize
                + ", publicPaths=" + publicPaths + ", jwt=" + jwt + "]";
    }
}
