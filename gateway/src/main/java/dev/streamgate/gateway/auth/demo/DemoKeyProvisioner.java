package dev.streamgate.gateway.auth.demo;

import java.io.PrintStream;
import java.util.Set;

import dev.streamgate.gateway.auth.apikey.ApiKey;
import dev.streamgate.gateway.auth.apikey.ApiKeyIssuer;
import dev.streamgate.gateway.tenancy.TenantDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Gives the demo tenant of the embedded default a working API key. With {@code STREAMGATE_DEMO_API_KEY} set, that
 * value is the key (only its hash is stored, so the same value keeps working across restarts); otherwise a key
 * is generated and printed once on the console. Does nothing when disabled or when there is no demo tenant.
 *
 * <p>Run it after the demo tenant is seeded: {@link DemoKeyStartup} runs it on {@code ApplicationReadyEvent},
 * after every {@code ApplicationRunner}; seeding code that runs later can chain {@link #provision()} itself.
 */
public final class DemoKeyProvisioner {
    static final String KEY_NAME = "demo";
    private static final Logger log = LoggerFactory.getLogger(DemoKeyProvisioner.class);

    private final DemoKeyProperties properties;
    private final TenantDirectory tenants;
    private final ApiKeyIssuer issuer;
    private final PrintStream console;

    public DemoKeyProvisioner(DemoKeyProperties properties, TenantDirectory tenants, ApiKeyIssuer issuer,
                              PrintStream console) {
        this.properties = properties;
        this.tenants = tenants;
        this.issuer = issuer;
        this.console = console;
    }

    /** The demo key (never its secret); empty when disabled or there is no demo tenant. */
    public Mono<ApiKey> provision() {
        if (!properties.enabled()) {
            return Mono.empty();
        }
        String tenantId = properties.tenantId();
        return tenants.find(tenantId)
                .switchIfEmpty(Mono.fromRunnable(() -> log.info("No '{}' tenant: no demo API key", tenantId)))
                .flatMap(tenant -> properties.apiKey() != null ? fromEnvironment(tenantId) : generated(tenantId));
    }

    private Mono<ApiKey> fromEnvironment(String tenantId) {
        return issuer.ensure(tenantId, KEY_NAME, properties.apiKey()).doOnNext(key -> {
            if (key.revokedAt() != null) {
                log.warn("The demo API key from STREAMGATE_DEMO_API_KEY (prefix {}) was revoked and stays revoked",
                        key.prefix());
            } else {
                log.info("Demo API key from STREAMGATE_DEMO_API_KEY is active for tenant '{}' (prefix {})",
                        tenantId, key.prefix());
            }
        });
    }

    private Mono<ApiKey> generated(String tenantId) {
        return issuer.issue(tenantId, KEY_NAME, Set.of(), null).map(issued -> {
            // printed, not logged: the one place the plaintext of a key is shown; log files never carry it
            console.println();
            console.println("==========================================================================");
            console.println(" Demo API key: " + issued.secret());
            console.println(" (tenant '" + tenantId + "'; shown once; set STREAMGATE_DEMO_API_KEY to fix it)");
            console.println("==========================================================================");
            console.println();
            console.flush();
            log.info("Generated a demo API key for tenant '{}' (prefix {}), printed on the console",
                    tenantId, issued.key().prefix());
            return issued.key();
        });
    }
}
