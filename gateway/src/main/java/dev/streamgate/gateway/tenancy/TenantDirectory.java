package dev.streamgate.gateway.tenancy;

import reactor.core.publisher.Mono;

/** Looks tenants up by id on the request path; empty when no such tenant exists. */
public interface TenantDirectory {
    Mono<Tenant> find(String tenantId);
}
