package dev.streamgate.gateway.deployments;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code streamgate.catalog.*}.
 *
 * @param pollInterval how often each instance checks the database for deployment changes: the most a change made
 *                     elsewhere takes to reach this instance's router
 */
@ConfigurationProperties("streamgate.catalog")
public record CatalogProperties(@DefaultValue("2s") Duration pollInterval) {
    public CatalogProperties {
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("streamgate.catalog.poll-interval must be positive");
        }
    }
}
