package dev.streamgate.gateway.bootstrap;

/**
 * The seeded tenancy of the embedded default. Its existence as a bean means the plan and tenant are in the database:
 * code that needs them (issuing the demo API key) takes this bean as a dependency and so runs after seeding.
 */
public record DemoTenancy(String tenantId, String planId) {
    public static final String DEFAULT_PLAN = "default";
    public static final String DEMO_TENANT = "demo";
}
