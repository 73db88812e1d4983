package dev.streamgate.config;

import java.util.Set;

/**
 * A commercial plan: limits for the tenant as a whole and for each of its keys, the model aliases it may use
 * (empty means every model) and its priority in admission queues (higher is served first).
 */
public record Plan(String id, String name, PlanLimits tenantLimits, PlanLimits keyLimits,
                   Set<String> allowedModels, int priority) {
    public Plan {
        Checks.nonBlank(id, "plan.id");
        Checks.nonBlank(name, "plan.name");
        if (tenantLimits == null || keyLimits == null) {
            throw new ConfigException("plan.tenantLimits and plan.keyLimits are required");
        }
        allowedModels = allowedModels == null ? Set.of() : Set.copyOf(allowedModels);
    }

    public boolean allows(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
