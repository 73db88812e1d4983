package dev.streamgate.gateway.auth;

import java.util.Set;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.auth.internal.LookupCache;
import dev.streamgate.gateway.tenancy.Tenant;
import dev.streamgate.gateway.tenancy.TenantDirectory;
import reactor.core.publisher.Mono;

/**
 * Binds an authenticated identity to its tenant: looks the tenant up (through a short-lived cache, so a request
 * does not cost a database query) and refuses unknown tenants (401) and disabled ones (403).
 */
public final class TenantResolver {
    private final LookupCache<Tenant> tenants;

    public TenantResolver(TenantDirectory directory, LookupCache.Settings cache, Ticker ticker) {
        this.tenants = new LookupCache<>(directory::find, cache, ticker);
    }

    public Mono<Principal> principal(String tenantId, String keyId, String subject, Set<String> roles) {
        return tenants.get(tenantId).map(found -> {
            Tenant tenant = found.orElseThrow(() -> new AuthenticationFailure(Reason.UNKNOWN_TENANT,
                    "The credential belongs to a tenant that does not exist."));
            if (tenant.disabled()) {
                throw new AuthenticationFailure(Reason.TENANT_DISABLED, "Tenant '" + tenant.id() + "' is disabled.");
            }
            return new Principal(tenant.id(), keyId, subject, roles, tenant.plan());
        });
    }

    /** Forgets the cached tenant, e.g. after an admin changed it on this instance. */
    public void evict(String tenantId) {
        tenants.evict(tenantId);
    }
}
