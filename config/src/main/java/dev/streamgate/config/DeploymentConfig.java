package dev.streamgate.config;

import java.net.URI;
import java.util.Map;

/**
 * One backend serving a model alias. Several deployments may serve the same alias; {@code weight} splits traffic
 * between them (canaries get a small weight). {@code options} holds provider-specific settings such as the echo
 * model's {@code tokenDelayMs}.
 */
public record DeploymentConfig(String id, String model, ProviderKind provider, URI baseUrl, String apiKey,
                               String upstreamModel, int weight, Price price, PoolSettings pool,
                               UpstreamTimeouts timeouts, Map<String, String> options) {
    public DeploymentConfig {
        Checks.nonBlank(id, "deployment.id");
        Checks.nonBlank(model, "deployment.model");
        if (provider == null) {
            throw new ConfigException("deployment.provider is required for " + id);
        }
        if (provider == ProviderKind.OPENAI && baseUrl == null) {
            throw new ConfigException("deployment.baseUrl is required for OpenAI-compatible deployment " + id);
        }
        Checks.notNegative(weight, "deployment.weight");
        upstreamModel = upstreamModel == null || upstreamModel.isBlank() ? model : upstreamModel;
        price = price == null ? Price.FREE : price;
        pool = pool == null ? PoolSettings.DEFAULT : pool;
        timeouts = timeouts == null ? UpstreamTimeouts.DEFAULT : timeouts;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }
}
