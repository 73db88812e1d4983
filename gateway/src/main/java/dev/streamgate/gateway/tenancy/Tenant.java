package dev.streamgate.gateway.tenancy;

import dev.streamgate.config.Plan;

/** A tenant as the request path sees it: its id, display name, plan, and whether it is disabled. */
public record Tenant(String id, String name, Plan plan, boolean disabled) {
}
