package dev.streamgate.gateway.tenancy;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code streamgate.tenancy.*}.
 *
 * @param cacheTtl  how long a looked-up tenant is trusted: the most a change made on another instance takes to apply
 * @param cacheSize how many tenants are kept at most
 */
@ConfigurationProperties("streamgate.tenancy")
public record TenancyProperties(@DefaultValue("3s") Duration cacheTtl, @DefaultValue("100000") long cacheSize) {
    public TenancyProperties {
        if (cacheTtl == null || cacheTtl.isNegative() || cacheTtl.isZero()) {
            throw new IllegalArgumentException("streamgate.tenancy.cache-ttl must be positive");
        }
        if (cacheSize < 1) {
            throw new IllegalArgumentException("streamgate.tenancy.cache-size must be at least 1");
        }
    }
}
