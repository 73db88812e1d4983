package dev.streamgate.gateway.auth;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.tenancy.Tenant;
import dev.streamgate.gateway.tenancy.TenantDirectory;
import reactor.core.publisher.Mono;

/** Tenants held in memory, for tests that need no database. */
public final class TestTenants implements TenantDirectory {
    public static final Plan PLAN = new Plan("basic", "Basic", new PlanLimits(60, 10_000, 2),
            new PlanLimits(30, 5_000, 1), Set.of(), 0);

    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();

    public TestTenants with(String id, boolean disabled) {
        tenants.put(id, new Tenant(id, "Tenant " + id, PLAN, disabled));
        return this;
    }

    @Override
    public Mono<Tenant> find(String tenantId) {
        return Mono.justOrEmpty(tenants.get(tenantId));
    }
}
