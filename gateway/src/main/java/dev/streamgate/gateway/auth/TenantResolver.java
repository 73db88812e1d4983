package dev.streamgate.gateway.auth;

import java.util.Set;

import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import dev.streamgate.gateway.tenancy.Tenant;
import dev.streamgate.gateway.tenancy.TenantDirectory;
import reactor.core.publisher.Mono;

/**
 * Binds an authenticated identity to its tenant and refuses unknown tenants (401) and disabled ones (403). The
 * directory caches tenants itself (a few seconds); adding a second cache here would add up the staleness windows
 * and let a disabled tenant through for longer than the promised 5 s.
 */
public final class TenantResolver {
    private final TenantDirectory directory;

    public TenantResolver(TenantDirectory directory) {
        this.directory = directory;
    }

    public Mono<Principal> principal(String tenantId, String keyId, String subject, Set<String> roles) {
        return directory.find(tenantId)
                .switchIfEmpty(Mono.error(() -> new AuthenticationFailure(Reason.UNKNOWN_TENANT,
                        "The credential belongs to a tenant that does not exist.")))
                .map(tenant -> {
                    if (tenant.disabled()) {
                        throw new AuthenticationFailure(Reason.TENANT_DISABLED,
                                "Tenant '" + tenant.id() + "' is disabled.");
                    }
                    return new Principal(tenant.id(), keyId, subject, roles, tenant.plan());
                });
    }
}
