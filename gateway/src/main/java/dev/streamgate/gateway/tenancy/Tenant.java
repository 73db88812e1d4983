package dev.streamgate.gateway.tenancy;

import dev.streamgate.config.Plan;

/** A customer of the gateway: its plan sets its limits and models; a disabled tenant's callers are refused. */
public record Tenant(String id, String name, Plan plan, boolean disabled) {
    public Tenant {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("tenant.id must not be blank");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tenant.name must not be blank");
        }
        if (plan == null) {
            throw new IllegalArgumentException("tenant.plan is required");
        }
    }
}
