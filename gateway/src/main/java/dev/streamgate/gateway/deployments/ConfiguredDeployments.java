package dev.streamgate.gateway.deployments;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.PoolSettings;
import dev.streamgate.config.Price;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.config.UpstreamTimeouts;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Deployments defined in configuration: the operator's ({@code streamgate.deployments[n]}) and the built-in
 * ones ({@code streamgate.builtin-deployments.deployments[n]}: {@code echo} and {@code demo-chat}, from
 * application.yml). They live under separate properties because Spring binds a list from one source as a whole:
 * an operator's {@code --streamgate.deployments[0].*} would otherwise silently replace the built-ins. A built-in
 * is served unless {@code streamgate.builtin-deployments.enabled} is false, or an operator's deployment has its
 * id or serves its model (the operator's then replaces it). Unset pool and timeout values take the defaults of
 * {@link PoolSettings} and {@link UpstreamTimeouts}; durations use Spring's forms ({@code 5s}, {@code 200ms}).
 */
@ConfigurationProperties("streamgate")
public record ConfiguredDeployments(@DefaultValue List<Entry> deployments, @DefaultValue Builtin builtinDeployments) {

    /** {@code streamgate.builtin-deployments.*}. */
    public record Builtin(@DefaultValue("true") boolean enabled, @DefaultValue List<Entry> deployments) {
    }

    /** The deployments to serve, validated; a bad entry fails start-up with a message naming it. */
    public List<DeploymentConfig> toConfigs() {
        List<DeploymentConfig> configs = new ArrayList<>(validated(deployments, "streamgate.deployments"));
        if (builtinDeployments.enabled()) {
            for (DeploymentConfig builtin : validated(builtinDeployments.deployments(),
                    "streamgate.builtin-deployments.deployments")) {
                boolean replaced = configs.stream().anyMatch(own -> own.id().equals(builtin.id())
                        || own.model().equals(builtin.model()));
                if (!replaced) {
                    configs.add(builtin);
                }
            }
        }
        return List.copyOf(configs);
    }

    private static List<DeploymentConfig> validated(List<Entry> entries, String property) {
        List<DeploymentConfig> configs = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                configs.add(entries.get(i).toConfig());
            } catch (ConfigException e) {
                throw new ConfigException(property + "[" + i + "]: " + e.getMessage());
            }
        }
        return configs;
    }

    public record Entry(String id, String model, ProviderKind provider, URI baseUrl, String apiKey,
                        String upstreamModel, @DefaultValue("1") int weight, PriceEntry price, PoolEntry pool,
                        TimeoutsEntry timeouts, Map<String, String> options) {

        DeploymentConfig toConfig() {
            return new DeploymentConfig(id, model, provider, baseUrl, apiKey, upstreamModel, weight,
                    price == null ? Price.FREE : price.toPrice(),
                    pool == null ? PoolSettings.DEFAULT : pool.over(PoolSettings.DEFAULT),
                    timeouts == null ? UpstreamTimeouts.DEFAULT : timeouts.over(UpstreamTimeouts.DEFAULT),
                    options);
        }
    }

    public record PriceEntry(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
        Price toPrice() {
            return new Price(inputPerMillion == null ? BigDecimal.ZERO : inputPerMillion,
                    outputPerMillion == null ? BigDecimal.ZERO : outputPerMillion);
        }
    }

    public record PoolEntry(Integer maxConnections, Integer pendingAcquireMax, Duration pendingAcquireTimeout,
                            Duration maxIdleTime) {
        PoolSettings over(PoolSettings base) {
            return new PoolSettings(maxConnections == null ? base.maxConnections() : maxConnections,
                    pendingAcquireMax == null ? base.pendingAcquireMax() : pendingAcquireMax,
                    pendingAcquireTimeout == null ? base.pendingAcquireTimeout() : pendingAcquireTimeout,
                    maxIdleTime == null ? base.maxIdleTime() : maxIdleTime);
        }
    }

    public record TimeoutsEntry(Duration connect, Duration firstToken, Duration betweenChunks, Duration total) {
        UpstreamTimeouts over(UpstreamTimeouts base) {
            return new UpstreamTimeouts(connect == null ? base.connect() : connect,
                    firstToken == null ? base.firstToken() : firstToken,
                    betweenChunks == null ? base.betweenChunks() : betweenChunks,
                    total == null ? base.total() : total);
        }
    }
}
