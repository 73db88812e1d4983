package dev.streamgate.gateway.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Sets up tenancy through the gateway's own admin API, as an operator would: a plan, a tenant on it and an API
 * key for the tenant. Tests use the returned key like a customer.
 */
public final class GatewayAdmin {
    private final WebTestClient client;
    private final String adminKey;

    public GatewayAdmin(WebTestClient client, String adminKey) {
        this.client = client.mutate().responseTimeout(Duration.ofSeconds(20)).build();
        this.adminKey = adminKey;
    }

    public record Limits(long requestsPerMinute, long tokensPerMinute, int concurrentStreams) {
        public static final Limits GENEROUS = new Limits(100_000, 100_000_000, 1_000);

        Map<String, Object> json() {
            return Map.of("requests_per_minute", requestsPerMinute, "tokens_per_minute", tokensPerMinute,
                    "concurrent_streams", concurrentStreams);
        }
    }

    public void plan(String id, Limits tenantLimits, Limits keyLimits, List<String> allowedModels) {
        post("/admin/v1/plans", Map.of("id", id, "name", id, "tenant_limits", tenantLimits.json(),
                "key_limits", keyLimits.json(), "allowed_models", allowedModels));
    }

    public void tenant(String id, String plan) {
        post("/admin/v1/tenants", Map.of("id", id, "name", id, "plan", plan));
    }

    /** Issues a key for the tenant and returns its secret. */
    @SuppressWarnings("unchecked")
    public String key(String tenant) {
        Map<String, Object> issued = client.post().uri("/admin/v1/tenants/{id}/keys", tenant)
                .header("Authorization", "Bearer " + adminKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "test"))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class)
                .returnResult().getResponseBody();
        return (String) issued.get("key");
    }

    /** A fresh plan (generous unless told), a tenant on it and a key: returns the key. */
    public String tenantWithKey(String tenant, Limits tenantLimits, Limits keyLimits, List<String> models) {
        plan(tenant + "-plan", tenantLimits, keyLimits, models);
        tenant(tenant, tenant + "-plan");
        return key(tenant);
    }

    private void post(String path, Map<String, Object> body) {
        client.post().uri(path)
                .header("Authorization", "Bearer " + adminKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isCreated();
    }
}
