package dev.streamgate.gateway.admin;

import dev.streamgate.gateway.tenancy.Tenant;

/** A tenant as the admin API reads and writes it: {@code plan} is the plan's id. */
public record TenantJson(String id, String object, String name, String plan, Boolean disabled) {

    public static TenantJson of(Tenant tenant) {
        return new TenantJson(tenant.id(), "tenant", tenant.name(), tenant.plan().id(), tenant.disabled());
    }

    /** A validated create or update, with the current tenant's values where this one leaves a field out. */
    record Change(String id, String name, String planId, boolean disabled) {
    }

    Change toNew() {
        return new Change(Fields.id(id, "id"), Fields.text(name, "name"), Fields.id(plan, "plan"),
                disabled != null && disabled);
    }

    Change over(Tenant current) {
        Fields.sameId(current.id(), id);
        return new Change(current.id(), name == null ? current.name() : Fields.text(name, "name"),
                plan == null ? current.plan().id() : Fields.id(plan, "plan"),
                disabled == null ? current.disabled() : disabled);
    }
}
