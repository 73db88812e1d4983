package dev.streamgate.gateway.admin;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.PoolSettings;
import dev.streamgate.config.Price;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.config.UpstreamTimeouts;
import dev.streamgate.gateway.deployments.DeploymentSettings;
import dev.streamgate.gateway.deployments.StoredDeployment;
import dev.streamgate.gateway.error.GatewayException;

/**
 * A model deployment as the admin API reads and writes it. {@code api_key} is write-only (responses say
 * {@code api_key_set}); {@code object}, {@code api_key_set} and {@code source} are read-only and ignored in requests,
 * so a fetched deployment can be sent back as an update. Prices are per million tokens, as strings or numbers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentJson(String id, String object, String model, String provider,
                             @JsonProperty("base_url") String baseUrl,
                             @JsonProperty("api_key") String apiKey,
                             @JsonProperty("api_key_set") Boolean apiKeySet,
                             @JsonProperty("upstream_model") String upstreamModel,
                             Integer weight, PriceJson price, DeploymentSettings.Pool pool,
                             DeploymentSettings.Timeouts timeouts, Map<String, String> options, Boolean enabled,
                             String source) {
    public static final String SOURCE_CONFIG = "config";
    public static final String SOURCE_DATABASE = "database";

    public record PriceJson(@JsonProperty("input_per_million") String inputPerMillion,
                            @JsonProperty("output_per_million") String outputPerMillion) {
        static PriceJson of(Price price) {
            return new PriceJson(plain(price.inputPerMillion()), plain(price.outputPerMillion()));
        }

        Price over(Price base) {
            return new Price(amount(inputPerMillion, base.inputPerMillion(), "price.input_per_million"),
                    amount(outputPerMillion, base.outputPerMillion(), "price.output_per_million"));
        }
    }

    public static DeploymentJson of(DeploymentConfig d, boolean enabled, String source) {
        return new DeploymentJson(d.id(), "deployment", d.model(), d.provider().name().toLowerCase(Locale.ROOT),
                d.baseUrl() == null ? null : d.baseUrl().toString(), null, d.apiKey() != null, d.upstreamModel(),
                d.weight(), PriceJson.of(d.price()), DeploymentSettings.Pool.of(d.pool()),
                DeploymentSettings.Timeouts.of(d.timeouts()), d.options(), enabled, source);
    }

    /** A new deployment from a create request; enabled unless it says otherwise. */
    StoredDeployment toNew() {
        ProviderKind kind = provider(Fields.text(provider, "provider"));
        return build(Fields.id(id, "id"), Fields.text(model, "model"), kind, url(baseUrl, kind),
                apiKey == null || apiKey.isEmpty() ? null : apiKey, upstreamModel,
                weight == null ? 1 : Fields.notNegative(weight, "weight"),
                price == null ? Price.FREE : price.over(Price.FREE),
                pool(PoolSettings.DEFAULT), timeouts(UpstreamTimeouts.DEFAULT), options,
                enabled == null || enabled);
    }

    /** {@code current} with the fields this update sets; an empty {@code api_key} removes the key. */
    StoredDeployment over(StoredDeployment current) {
        DeploymentConfig c = current.config();
        Fields.sameId(c.id(), id);
        ProviderKind kind = provider == null ? c.provider() : provider(provider);
        URI base = baseUrl == null ? c.baseUrl() : baseUrl.isEmpty() ? null : url(baseUrl, kind);
        return build(c.id(), model == null ? c.model() : Fields.text(model, "model"), kind,
                base == null && kind == ProviderKind.OPENAI ? url(null, kind) : base,
                apiKey == null ? c.apiKey() : apiKey.isEmpty() ? null : apiKey,
                upstreamModel == null ? c.upstreamModel() : upstreamModel,
                weight == null ? c.weight() : Fields.notNegative(weight, "weight"),
                price == null ? c.price() : price.over(c.price()),
                pool(c.pool()), timeouts(c.timeouts()),
                options == null ? c.options() : options,
                enabled == null ? current.enabled() : enabled);
    }

    private static StoredDeployment build(String id, String model, ProviderKind provider, URI baseUrl, String apiKey,
                                          String upstreamModel, int weight, Price price, PoolSettings pool,
                                          UpstreamTimeouts timeouts, Map<String, String> options,
                                          boolean enabled) {
        try {
            return new StoredDeployment(new DeploymentConfig(id, model, provider, baseUrl, apiKey,
                    upstreamModel == null || upstreamModel.isBlank() ? null : upstreamModel.strip(), weight, price,
                    pool, timeouts, options), enabled);
        } catch (ConfigException e) {
            throw GatewayException.invalidRequest(null, "invalid_deployment", e.getMessage());
        }
    }

    private PoolSettings pool(PoolSettings base) {
        if (pool == null) {
            return base;
        }
        positive(pool.maxConnections(), "pool.max_connections");
        positive(pool.pendingAcquireMax(), "pool.pending_acquire_max");
        positive(pool.pendingAcquireTimeoutMs(), "pool.pending_acquire_timeout_ms");
        positive(pool.maxIdleTimeMs(), "pool.max_idle_time_ms");
        return pool.over(base);
    }

    private UpstreamTimeouts timeouts(UpstreamTimeouts base) {
        if (timeouts == null) {
            return base;
        }
        positive(timeouts.connectMs(), "timeouts.connect_ms");
        positive(timeouts.firstTokenMs(), "timeouts.first_token_ms");
        positive(timeouts.betweenChunksMs(), "timeouts.between_chunks_ms");
        positive(timeouts.totalMs(), "timeouts.total_ms");
        return timeouts.over(base);
    }

    private static void positive(Number value, String param) {
        if (value != null) {
            Fields.positive(value.longValue(), param);
        }
    }

    private static ProviderKind provider(String value) {
        try {
            return ProviderKind.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw GatewayException.invalidRequest("provider", "invalid_value",
                    "provider must be one of 'openai', 'echo'; was '" + value + "'");
        }
    }

    private static URI url(String value, ProviderKind provider) {
        if (value == null || value.isEmpty()) {
            if (provider == ProviderKind.OPENAI) {
                throw GatewayException.invalidRequest("base_url", "missing_required_parameter",
                        "base_url is required for an OpenAI-compatible deployment");
            }
            return null;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw GatewayException.invalidRequest("base_url", "invalid_value",
                "base_url must be an absolute http(s) URL, was '" + value + "'");
    }

    private static BigDecimal amount(String value, BigDecimal fallback, String param) {
        if (value == null) {
            return fallback;
        }
        try {
            BigDecimal amount = new BigDecimal(value.strip());
            if (amount.signum() >= 0) {
                return amount;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw GatewayException.invalidRequest(param, "invalid_value",
                param + " must be a decimal number of zero or more, was '" + value + "'");
    }

    private static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
