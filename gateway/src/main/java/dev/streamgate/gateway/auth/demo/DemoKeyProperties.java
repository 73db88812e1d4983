package dev.streamgate.gateway.auth.demo;

import dev.streamgate.gateway.auth.apikey.ApiKeyFormat;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo key of the embedded default ({@code streamgate.demo.*}).
 *
 * @param enabled  whether to make sure the demo tenant has a key at start-up
 * @param tenantId the demo tenant's id
 * @param apiKey   the key to use ({@code STREAMGATE_DEMO_API_KEY}); unset means one is generated and printed
 */
@ConfigurationProperties("streamgate.demo")
public record DemoKeyProperties(@DefaultValue("true") boolean enabled, @DefaultValue("demo") String tenantId,
                                String apiKey) {
    public DemoKeyProperties {
        tenantId = tenantId == null || tenantId.isBlank() ? "demo" : tenantId;
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        if (apiKey != null && ApiKeyFormat.lookupPrefix(apiKey).isEmpty()) {
            throw new IllegalArgumentException("STREAMGATE_DEMO_API_KEY (streamgate.demo.api-key) must be "
                    + ApiKeyFormat.MIN_OPAQUE_LENGTH + " to " + ApiKeyFormat.MAX_LENGTH
                    + " visible ASCII characters without exactly two dots");
        }
    }

    @Override
    public String toString() {
        return "DemoKeyProperties[enabled=" + enabled + ", tenantId=" + tenantId + ", apiKey="
                + (apiKey == null ? "unset" : "<redacted>") + "]";
    }
}
